import { usePersonalDataOf } from './personal-data.js'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server as SocketServer } from 'socket.io'
import { setActiveConfig, type Config } from './config.js'
import { createApp } from './app.js'
import { invalidateLocalPublicCache, relayPublicCacheInvalidations, withPublicCache } from './cache.js'
import { connectCacheBus, type CacheBus } from './cache-bus.js'
import { connectDatabase, type Database } from './db.js'
import { registerJobs, startJobWorker, stopJobWorker } from './jobs.js'
import { protectPlainPayloads } from './jobs-admin.js'
import { createLogger, log, setLogger } from './logger.js'
import { resetMailTransport } from './mail.js'
import type { KenesModule, ServerContext } from './module.js'
import { createSessionStack } from './auth/session.js'
import { closeRateLimitStore, initRateLimitStore } from './rate-limit.js'
import { attachSocketAdapter } from './socket.js'
import { sweepTmpUploads } from './uploads.js'

export interface RunningServer {
  url: string
  port: number
  config: Config
  httpServer: http.Server
  io: SocketServer
  db: Database
  /** Graceful: stop accepting, drain HTTP and sockets, let jobs finish their lease, close the DB. */
  close(): Promise<void>
}

/** Starts the app with the given modules (server/main.ts passes server/modules/index.ts; core knows no domain). */
export async function startServer(config: Config, modules: readonly KenesModule[]): Promise<RunningServer> {
  setActiveConfig(config)
  setLogger(createLogger(config.logLevel, config.logFile))
  resetMailTransport()
  const db = await connectDatabase(config)
  await initRateLimitStore()

  const httpServer = http.createServer()
  const io = new SocketServer(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Frames up to 1 MB reach the handlers, whose schemas answer an oversize message with a
    // `validation.failed` ack; above it socket.io closes the connection (nothing is stored).
    maxHttpBufferSize: 1024 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
  })
  let cacheBus: CacheBus | undefined
  try {
    await attachSocketAdapter(io, config)
    // Even a process without the cache publishes: its writes must reach the others' caches.
    cacheBus = await connectCacheBus(config, invalidateLocalPublicCache)
    relayPublicCacheInvalidations(cacheBus?.publish)
    const ctx: ServerContext = { config, io, sessionMiddleware: createSessionStack(config) }

    usePersonalDataOf(modules)
    for (const m of modules) if (m.jobs) registerJobs(typeof m.jobs === 'function' ? m.jobs(config) : m.jobs)
    for (const m of modules) await m.start?.(ctx)
    const app = createApp(ctx, modules)
    // Hot anonymous public GETs are answered from memory before Express (core/cache.ts).
    httpServer.on('request', withPublicCache(app, config.publicCache))
    for (const m of modules) m.sockets?.(ctx)

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(config.port, config.host, () => resolve())
    })
  } catch (err) {
    // A failed start leaves nothing running (tests start the next server in the same process).
    await new Promise<void>((resolve) => io.close(() => resolve()))
    relayPublicCacheInvalidations(undefined)
    await cacheBus?.close()
    await closeRateLimitStore()
    await db.close().catch(() => {})
    throw err
  }
  if (config.jobsEnabled) {
    startJobWorker()
    // Mail retries were queued in plain text before they were sealed.
    void protectPlainPayloads('mail.send').catch((err) => log.warn({ err }, 'could not seal old mail payloads'))
  }
  await sweepTmpUploads(config.uploadsTmpDir).catch((err) => log.warn({ err }, 'could not sweep temporary uploads'))
  const port = (httpServer.address() as AddressInfo).port
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`
  log.info({ url, embeddedDb: db.embedded }, 'Kenes is listening')

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    config,
    httpServer,
    io,
    db,
    close() {
      closing ??= (async () => {
        const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()))
        // Keep-alive connections become idle as their last response ends: close them as they do.
        const idle = setInterval(() => httpServer.closeIdleConnections(), 100)
        httpServer.closeIdleConnections()
        await new Promise<void>((resolve) => io.close(() => resolve()))
        const force = setTimeout(() => httpServer.closeAllConnections(), 10_000)
        force.unref()
        await drained
        clearTimeout(force)
        clearInterval(idle)
        await stopJobWorker()
        for (const m of [...modules].reverse()) await m.stop?.()
        relayPublicCacheInvalidations(undefined)
        await cacheBus?.close()
        await closeRateLimitStore()
        await db.close()
      })()
      return closing
    },
  }
}
