import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type Config } from '../../server/core/config.js'
import { startServer, type RunningServer } from '../../server/core/server.js'
import { modules } from '../../server/modules/index.js'

export interface TestServer {
  url: string
  server: RunningServer
  config: Config
  dataDir: string
  uploadsDir: string
  close(): Promise<void>
}

/**
 * Starts the real application in this process on an ephemeral port, with its own temporary
 * DATA_DIR and UPLOADS_DIR and its own embedded database engine (MONGODB_URI is ignored unless
 * passed in `env`). One server at a time per process: mongoose's default connection is shared.
 */
let openServer: TestServer | undefined

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  // A file whose `after` did not run (a crash, a forgotten close) must not break the next file.
  if (openServer) {
    console.warn(`startTestServer: closing a test server left open (${openServer.url})`)
    await openServer.close().catch(() => {})
  }
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-test-'))
  const dataDir = path.join(root, 'data')
  const uploadsDir = path.join(root, 'uploads')
  await Promise.all([fs.mkdir(dataDir, { recursive: true }), fs.mkdir(uploadsDir, { recursive: true })])
  const base: Record<string, string | undefined> = { ...process.env }
  delete base.MONGODB_URI
  delete base.REDIS_URL
  delete base.SMTP_URL
  delete base.PUBLIC_URL
  const config = loadConfig({
    ...base,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    UPLOADS_DIR: uploadsDir,
    JOBS_ENABLED: 'true',
    ...env,
  })
  let server: RunningServer
  try {
    server = await startServer(config, modules)
  } catch (err) {
    await fs.rm(root, { recursive: true, force: true })
    throw err
  }
  // The port is only known after listen: links in e-mails must point at the real one.
  if (!env.PUBLIC_URL) config.publicUrl = server.url
  let closed: Promise<void> | undefined
  const t: TestServer = {
    url: server.url,
    server,
    config,
    // the directories in use: a caller's DATA_DIR / UPLOADS_DIR, else the temporary ones
    dataDir: config.dataDir,
    uploadsDir: config.uploadsDir,
    close() {
      closed ??= (async () => {
        try {
          await server.close()
        } finally {
          await fs.rm(root, { recursive: true, force: true, maxRetries: 3 })
        }
      })()
      if (openServer === t) openServer = undefined
      return closed
    },
  }
  openServer = t
  return t
}
