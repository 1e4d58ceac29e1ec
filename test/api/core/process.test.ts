import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { ROOT_DIR } from '../../../server/core/config.js'
import { Agent } from '../../helpers/agent.js'

/** `server/main.ts` in a child process (as `npm start` runs it, minus the build). */
async function startMain(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: Record<string, string | undefined> = { ...process.env }
  for (const k of ['MONGODB_URI', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']) delete env[k]
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/main.ts')], {
    cwd: ROOT_DIR,
    env: {
      ...env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      UPLOADS_DIR: path.join(dataDir, 'uploads'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000)
    child.stdout!.on('data', () => {
      const m = out.match(/"url":"(http:\/\/[^"]+)"[^\n]*Kenes is listening/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}):\n${out}`))
    })
  })
  return { child, url, output: () => out }
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  )

describe('server process: graceful shutdown and restart', function () {
  this.timeout(90_000)
  let dataDir: string
  let running: ChildProcess | undefined
  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-proc-'))
  })
  after(async () => {
    if (running && running.exitCode === null) {
      running.kill('SIGKILL')
      await exitOf(running)
    }
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('should finish an in-flight request on SIGTERM, exit 0, and keep the data for the next start', async () => {
    const first = await startMain(dataDir)
    running = first.child
    const body = JSON.stringify({ email: 'persist@example.kz', password: 'kenes-password-1', displayName: 'P' })
    const { hostname, port } = new URL(first.url)
    // Send half of a registration, signal, then the rest: the request must still be answered.
    const response = new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          hostname,
          port,
          path: '/api/v1/auth/register',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode!)
        },
      )
      req.on('error', reject)
      req.write(body.slice(0, 20))
      setTimeout(() => {
        first.child.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(20)), 300)
      }, 300)
    })
    expect(await response).to.equal(201)
    expect(await exitOf(first.child)).to.equal(0)
    expect(first.output()).to.match(/shutting down/)

    const second = await startMain(dataDir)
    running = second.child
    const login = await new Agent(second.url).post('/api/v1/auth/login', {
      email: 'persist@example.kz',
      password: 'kenes-password-1',
    })
    expect(login.status).to.equal(200)
    second.child.kill('SIGTERM')
    expect(await exitOf(second.child)).to.equal(0)
  })
})
