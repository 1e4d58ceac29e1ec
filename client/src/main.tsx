import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './lib/i18n.js'
import './styles.css'
import { App } from './app.js'
import { createQueryClient } from './api/query-client.js'

declare global {
  interface Window {
    /** The query cache a server-rendered page was rendered with (dehydrated), if any. */
    __KENES_QUERY_STATE__?: Parameters<typeof createQueryClient>[0]
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={createQueryClient(window.__KENES_QUERY_STATE__)} />
  </StrictMode>,
)
