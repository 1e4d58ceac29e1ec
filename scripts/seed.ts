// `npm run seed`: starts the application against DATA_DIR / MONGODB_URI without listening on a
// public port (module start hooks seed the regions and the first admin), then runs every
// module's idempotent `seed()` (demo councils, news …) and stops. Stop `npm start` first when
// using the embedded engine: its data directory is locked by the running server. Refuses
// NODE_ENV=production unless `--force-production`.
import { loadConfig } from '../server/core/config.js'
import { log } from '../server/core/logger.js'
import { startServer } from '../server/core/server.js'
import { modules } from '../server/modules/index.js'

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', JOBS_ENABLED: 'false' })
// Demo data must never land in production by accident.
if (config.production && !process.argv.includes('--force-production')) {
  console.error(
    'npm run seed: refusing to write DEMO data with NODE_ENV=production (pass --force-production to override).',
  )
  process.exit(1)
}
const server = await startServer(config, modules)
try {
  const ctx = { config, io: server.io, sessionMiddleware: [] }
  for (const m of modules) {
    if (!m.seed) continue
    log.info({ module: m.name }, 'seeding')
    await m.seed(ctx)
  }
  log.info('seed data in place')
} finally {
  await server.close()
}
