import { StrictMode } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { startI18n } from './lib/i18n.js'
import { setHydrating } from './lib/hydration.js'
import './styles.css'
import { App } from './app.js'
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
const root = document.getElementById('root')!
const stateEl = document.getElementById('kenes-state')
const state = stateEl?.textContent ? JSON.parse(stateEl.textContent) : window.__KENES_QUERY_STATE__
// Not a top-level await: the bundler would then split the entry's modules out of it (lazy chunks
// must not import a module that is still awaiting), adding requests and bytes to the first load.
void startI18n().then(() => {
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
