import { options } from 'preact'
import { StrictMode } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { startI18n } from './lib/i18n.js'
import { setHydrating } from './lib/hydration.js'
import './styles.css'
import { App, preloadServerPage } from './app.js'
import { createQueryClient } from './api/query-client.js'

declare global {
  interface Window {
    /** The query cache a server-rendered page was rendered with (dehydrated), if any. */
    __KENES_QUERY_STATE__?: Parameters<typeof createQueryClient>[0]
  }
}

/**
 * A server-rendered public page (server/core/ssr.ts) carries its HTML in #root and the query cache
 * it was rendered from in <script type="application/json" id="kenes-state"> (the CSP forbids
 * inline scripts, not data): the browser hydrates it without fetching again. Any other page gets
 * the empty shell and renders from scratch.
 */
// Effects run as soon as a render is committed, as React runs those of a click or a key press, not
// after the next paint (Preact's default): TipTap's useEditor destroys an editor whose effect has
// not run 1 ms after it was made, and settings saved in an effect must be saved before the person
// leaves the page.
options.requestAnimationFrame = (cb) => queueMicrotask(cb)

const root = document.getElementById('root')!
const stateEl = document.getElementById('kenes-state')
const state = stateEl?.textContent ? JSON.parse(stateEl.textContent) : window.__KENES_QUERY_STATE__
// Not a top-level await: the bundler would then split the entry's modules out of it (lazy chunks
// must not import a module that is still awaiting), adding requests and bytes to the first load.
// A server-rendered page's own chunk is loaded before hydrating (see lib/lazy-page.ts).
void Promise.all([startI18n(), stateEl ? preloadServerPage(location.pathname) : undefined]).then(() => {
  const app = (
    <StrictMode>
      <App queryClient={createQueryClient(state)} />
    </StrictMode>
  )
  if (stateEl && root.firstElementChild) {
    setHydrating(true)
    hydrateRoot(root, app)
  } else createRoot(root).render(app)
})
