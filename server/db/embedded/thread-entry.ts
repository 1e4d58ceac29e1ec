// Worker side of thread.ts: start the engine, report its URI, close it when asked. For benchmarks it can
// also profile itself ({ profile: 'start' } / { profile: 'stop', file }: a V8 CPU profile of this thread).
import { readlinkSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index.js'

const port = parentPort!
try {
  const db = await startEmbeddedMongo(workerData as EmbeddedMongoOptions)
  port.on('message', (m) => {
    if (m && typeof m === 'object' && 'profile' in m) return void profile(m as ProfileRequest)
    if (m !== 'close') return
    db.close().then(
      () => port.postMessage('closed'),
      (e: unknown) => {
        process.emitWarning(`embedded mongo: close failed: ${String(e)}`)
        port.postMessage('closed')
      },
    )
  })
  port.postMessage({ uri: db.uri, port: db.port, tid: osThreadId() })
} catch (e) {
  port.postMessage({ error: (e as Error)?.message ?? String(e), code: (e as NodeJS.ErrnoException)?.code })
  port.close()
}

/** This thread's OS id (Linux: /proc/thread-self), so a benchmark can read its CPU time; undefined elsewhere. */
function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || undefined
  } catch {
    return undefined
  }
}

interface ProfileRequest {
  profile: 'start' | 'stop'
  file?: string
}

let session: Session | undefined

async function profile(m: ProfileRequest): Promise<void> {
  try {
    if (m.profile === 'start') {
      session ??= new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', { interval: 100 }) // µs: enough samples in a short run
      await session.post('Profiler.start')
    } else if (session) {
      const { profile } = await session.post('Profiler.stop')
      if (m.file) writeFileSync(m.file, JSON.stringify(profile))
      session.disconnect()
      session = undefined
    }
    port.postMessage({ profiled: m.profile })
  } catch (e) {
    port.postMessage({ profiled: m.profile, error: String(e) })
  }
}
