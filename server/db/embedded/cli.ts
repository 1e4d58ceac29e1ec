// `npm run db -- --port 27017 --dbpath ./data/db [--host 127.0.0.1] [--nofsync] [--thread]`: standalone engine
// for mongosh/Compass. Prints the connection string; stops cleanly on SIGINT/SIGTERM. `--thread` runs it in
// a worker thread, as the application does. A refused start (dbpath in use, port taken) prints one line.
import { startEmbeddedMongo, type EmbeddedMongo } from './index.js'
import { startEmbeddedMongoInWorker } from './thread.js'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const start = process.argv.includes('--thread') ? startEmbeddedMongoInWorker : startEmbeddedMongo
let db: EmbeddedMongo
try {
  db = await start({
    dbPath: arg('dbpath') ?? './data/db',
    port: Number(arg('port') ?? 27017),
    host: arg('host') ?? '127.0.0.1',
    fsync: !process.argv.includes('--nofsync'),
  })
} catch (e) {
  process.stderr.write(`kenes-db: cannot start: ${(e as Error)?.message ?? String(e)}\n`)
  process.exit(1)
}
process.stdout.write(`${db.uri}\n`)
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  db.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`kenes-db: close failed: ${String(e)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
