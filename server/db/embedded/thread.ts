// The engine in a worker thread: the same TCP server on loopback, but its CPU work (BSON, queries,
// journal) runs on another core than the application's event loop. Only start and stop differ from
// startEmbeddedMongo(); durability is unchanged (a write is acknowledged after its journal fsync, and
// kill -9 ends the thread with the process), and the dbPath lock holds this process's pid as before.
import { Worker } from 'node:worker_threads'
import type { EmbeddedMongo, EmbeddedMongoOptions } from './index.js'

type Started = { uri: string; port: number; tid?: number } | { error: string; code?: string }

const CLOSE_TIMEOUT_MS = 30_000

export async function startEmbeddedMongoInWorker(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  // Compiled builds run thread-entry.js; from sources (tsx) a bootstrap registers tsx in the thread first.
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = new URL(fromSource ? './thread-boot.mjs' : './thread-entry.js', import.meta.url)
  const worker = new Worker(entry, { workerData: opts })
  let exited = false
  const exit = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      exited = true
      resolve(code)
    }),
  )
  const started = await new Promise<Started>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    void exit.then((code) => reject(new Error(`embedded engine thread exited with code ${code} before it started`)))
  })
  if ('error' in started) {
    await exit
    throw Object.assign(new Error(started.error), started.code ? { code: started.code } : {})
  }
  worker.on('error', (e) => process.emitWarning(`embedded mongo thread failed: ${String(e)}`))
  let closing: Promise<void> | undefined
  return {
    uri: started.uri,
    port: started.port,
    tid: started.tid,
    async profile(what: 'start' | 'stop', file?: string): Promise<void> {
      const done = new Promise<void>((resolve, reject) => {
        const on = (m: unknown): void => {
          if (!m || typeof m !== 'object' || !('profiled' in m)) return
          worker.off('message', on)
          if ('error' in m) reject(new Error(String(m.error)))
          else resolve()
        }
        worker.on('message', on)
      })
      worker.postMessage({ profile: what, file })
      await done
    },
    close(): Promise<void> {
      closing ??= (async () => {
        if (exited) return
        const closed = new Promise<void>((resolve) =>
          worker.on('message', (m) => {
            if (m === 'closed') resolve()
          }),
        )
        worker.postMessage('close')
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())
        await Promise.race([closed, exit.then(() => undefined), timeout])
        await worker.terminate()
      })()
      return closing
    },
  }
}
