// Public entry point of the embedded MongoDB-compatible engine (see DESIGN.md §4).
import { Cursors } from './cursors.js'
import { TTL_INTERVAL_MS, sweepTtl } from './maintenance.js'
import type { Stats } from './exec.js'
import { WireServer } from './server.js'
import { Storage } from './storage.js'
import { Sessions, TXN_LIFETIME_MS } from './transactions.js'

export interface EmbeddedMongoOptions {
  dbPath: string
  port?: number
  host?: string
  /**
   * Listen on this Unix socket instead of TCP (the driver's `mongodb://%2Fpath.sock` form): on one
   * machine it saves the kernel's TCP work on every round trip.
   */
  socketPath?: string
  fsync?: boolean
}
export interface EmbeddedMongo {
  uri: string
  port: number
  /** The engine thread's OS thread id when it runs in a worker on Linux (benchmarks read its CPU time). */
  tid?: number
  /** In a worker: start, or stop and write to `file`, a V8 CPU profile of the engine thread (benchmarks). */
  profile?(what: 'start' | 'stop', file?: string): Promise<void>
  close(): Promise<void>
}

export const REPLICA_SET_NAME = 'kenes'
export { engineSocketPath } from './socket-path.js'

export async function startEmbeddedMongo(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const host = opts.host ?? '127.0.0.1'
  const store = new Storage(opts.dbPath, opts.fsync !== false)
  await store.open()
  const sessions = new Sessions()
  const stats: Stats = { scanned: 0, keysExamined: 0, collscans: 0 }
  const info = {
    host: opts.socketPath ?? host,
    port: 0,
    setName: REPLICA_SET_NAME,
    startedAt: new Date(),
    connections: () => wire.connections,
  }
  const wire: WireServer = new WireServer({
    store,
    sessions,
    cursors: new Cursors(),
    stats,
    server: info,
    connectionId: 0,
  })
  let port: number
  let socketPath = opts.socketPath
  try {
    if (socketPath) {
      // A socket file that cannot be replaced (another user's in a shared tmpdir) costs only speed: TCP.
      port = await wire.listenPath(socketPath).catch((e: unknown) => {
        process.emitWarning(`embedded mongo: cannot listen on ${socketPath} (${String(e)}); using TCP`)
        socketPath = undefined
        info.host = host
        return wire.listen(opts.port ?? 0, host)
      })
    } else port = await wire.listen(opts.port ?? 0, host)
  } catch (e) {
    await store.close()
    throw e
  }
  info.port = port
  // Abandoned transactions expire even when no command arrives to trigger the sweep.
  const timer = setInterval(() => sessions.expire(), Math.min(5_000, TXN_LIFETIME_MS))
  timer.unref()
  let ttlRunning = false
  const ttlTimer = setInterval(() => {
    if (ttlRunning) return
    ttlRunning = true
    sweepTtl(store, sessions, stats)
      .catch((e: unknown) => process.emitWarning(`embedded mongo: TTL sweep failed: ${String(e)}`))
      .finally(() => {
        ttlRunning = false
      })
  }, TTL_INTERVAL_MS)
  ttlTimer.unref()
  let closing: Promise<void> | undefined
  return {
    uri: socketPath
      ? `mongodb://${encodeURIComponent(socketPath)}/?replicaSet=${REPLICA_SET_NAME}`
      : `mongodb://${host}:${port}/?replicaSet=${REPLICA_SET_NAME}`,
    port,
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(timer)
        clearInterval(ttlTimer)
        await wire.close()
        await store.close()
      })()
      return closing
    },
  }
}
