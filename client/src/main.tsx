import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './lib/i18n.js'
import './styles.css'
import { App } from './app.js'
import { createQueryClient } from './api/query-client.js'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={createQueryClient()} />
  </StrictMode>,
)
