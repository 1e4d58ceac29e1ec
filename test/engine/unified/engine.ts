// Starts the embedded engine in-process on an ephemeral port with a throw-away dbPath.
// The engine module is imported by path at run time so this harness typechecks (and reports a
// clear failure) even while `server/db/embedded/` is still being written.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Mirrors server/db/embedded/index.ts (the engine's fixed interface). */
export interface EmbeddedMongoOptions {
  dbPath: string
  port?: number
  host?: string
  fsync?: boolean
}
export interface EmbeddedMongo {
  uri: string
  port: number
  close(): Promise<void>
}
interface EngineModule {
  startEmbeddedMongo(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo>
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const engineEntry = path.join(repoRoot, 'server', 'db', 'embedded', 'index.ts')

export async function loadEngine(): Promise<EngineModule> {
  try {
    return (await import(pathToFileURL(engineEntry).href)) as EngineModule
  } catch (err) {
    throw new Error(`cannot load the embedded engine from ${engineEntry}: ${(err as Error).message}`)
  }
}

export interface TempEngine {
  engine: EmbeddedMongo
  uri: string
  dbPath: string
  stop(): Promise<void>
}

export async function startTempEngine(label: string, opts: Partial<EmbeddedMongoOptions> = {}): Promise<TempEngine> {
  const { startEmbeddedMongo } = await loadEngine()
  const dbPath = await mkdtemp(path.join(os.tmpdir(), `kenes-${label.replace(/[^\w-]/g, '_')}-`))
  let engine: EmbeddedMongo
  try {
    engine = await startEmbeddedMongo({ port: 0, ...opts, dbPath })
  } catch (err) {
    await rm(dbPath, { recursive: true, force: true })
    throw err
  }
  return {
    engine,
    uri: engine.uri,
    dbPath,
    async stop() {
      try {
        await engine.close()
      } finally {
        await rm(dbPath, { recursive: true, force: true })
      }
    },
  }
}
