import fs from 'node:fs'
import path from 'node:path'
import mongoose from 'mongoose'
import type { Config } from './config.js'
import { log } from './logger.js'

// Operator injection is refused by the zod schemas first; these are the second line.
mongoose.set('sanitizeFilter', true)
mongoose.set('strictQuery', true)
mongoose.set('strict', 'throw')
mongoose.set('toJSON', { virtuals: true, versionKey: false })

export interface Database {
  uri: string
  embedded: boolean
  close(): Promise<void>
  /** Stops the embedded engine only, leaving mongoose to find it gone (tests of /health). */
  stopEngine(): Promise<void>
}

/**
 * Connects mongoose: to `MONGODB_URI` when set, else to the embedded engine started in this
 * process with its files under DATA_DIR/db. The application code is the same for both.
 */
export async function connectDatabase(config: Config): Promise<Database> {
  let uri: string | undefined = config.mongodbUri
  let engine: { close(): Promise<void> } | undefined
  if (!uri) {
    // In a worker thread: the database's CPU work runs beside the app's event loop, not inside it.
    const { startEmbeddedMongoInWorker } = await import('../db/embedded/thread.js')
    const { engineSocketPath } = await import('../db/embedded/socket-path.js')
    const dbPath = path.join(config.dataDir, 'db')
    fs.mkdirSync(dbPath, { recursive: true })
    const started = await startEmbeddedMongoInWorker({
      dbPath,
      port: 0,
      host: '127.0.0.1',
      socketPath: engineSocketPath(dbPath),
    })
    engine = started
    uri = started.uri
    log.info({ dbPath, uri }, 'embedded MongoDB-compatible engine started')
  }
  if (!uri) throw new Error('no database URI')
  try {
    // autoIndex off: the indexes are built once, below, and awaited, so unique ones exist before
    // the server takes requests (mongoose's own background build would repeat that work).
    await mongoose.connect(uri, { dbName: config.mongodbDb, serverSelectionTimeoutMS: 10_000, autoIndex: false })
    // Create the indexes the schemas declare (unique e-mails, slugs, tracking numbers …).
    await Promise.all(Object.values(mongoose.models).map((m) => m.createIndexes()))
  } catch (err) {
    await mongoose.disconnect().catch(() => {})
    await engine?.close().catch(() => {})
    throw err
  }
  const connectedUri: string = uri
  let engineClosed: Promise<void> | undefined
  const stopEngine = () => (engineClosed ??= engine ? engine.close() : Promise.resolve())
  return {
    uri: connectedUri,
    embedded: Boolean(engine),
    async close() {
      // With the engine already gone the driver would wait for it: close without waiting.
      if (engineClosed) await mongoose.disconnect().catch(() => {})
      else await mongoose.disconnect()
      await stopEngine()
    },
    stopEngine,
  }
}

/** Liveness of the database for /health: a ping with a short timeout. */
export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db
  if (!db || mongoose.connection.readyState !== 1) return false
  try {
    await Promise.race([
      db.command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ])
    return true
  } catch {
    return false
  }
}
