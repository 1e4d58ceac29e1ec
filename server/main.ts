import { loadConfig } from './core/config.js'
import { log } from './core/logger.js'
import { startServer } from './core/server.js'
import { modules } from './modules/index.js'

const config = loadConfig()
const server = await startServer(config, modules)

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
