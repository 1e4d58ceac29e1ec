// Worker side of thread.ts: start the engine, report its URI, close it when asked.
import { parentPort, workerData } from 'node:worker_threads'
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index.js'

const port = parentPort!
try {
  const db = await startEmbeddedMongo(workerData as EmbeddedMongoOptions)
  port.on('message', (m) => {
    if (m !== 'close') return
    db.close().then(
      () => port.postMessage('closed'),
      (e: unknown) => {
        process.emitWarning(`embedded mongo: close failed: ${String(e)}`)
        port.postMessage('closed')
      },
    )
  })
  port.postMessage({ uri: db.uri, port: db.port })
} catch (e) {
  port.postMessage({ error: (e as Error)?.message ?? String(e), code: (e as NodeJS.ErrnoException)?.code })
  port.close()
}
