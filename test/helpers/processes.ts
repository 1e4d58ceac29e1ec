import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ROOT_DIR } from '../../server/core/config.js'

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p))

/** A free loopback port (the OS picks one; we release it for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** Resolves with the first stdout line matching `re`, or rejects when the process exits or time runs out. */
function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    const done = (err: Error | null, m?: RegExpMatchArray) => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
      if (err) reject(err)
      else resolve(m!)
    }
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      const m = buffer.match(re)
      if (m) done(null, m)
    }
    const onExit = (code: number | null) =>
      done(new Error(`${what} exited (${code}) before it was ready:\n${buffer.slice(-2000)}\n${stderr.slice(-2000)}`))
    const timer = setTimeout(
      () =>
        done(new Error(`${what} not ready within ${timeoutMs} ms:\n${buffer.slice(-2000)}\n${stderr.slice(-2000)}`)),
      timeoutMs,
    )
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

export interface Child {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

function stopper(child: ChildProcess, cleanup?: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(force)
    }
    await cleanup?.()
  }
}

/** A throw-away redis-server on a free loopback port: no persistence, gone on stop(). */
export async function startRedis(): Promise<Child> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed')
  const port = await freePort()
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await waitForLine(child, /Ready to accept connections/, 15_000, 'redis-server')
  return { url: `redis://127.0.0.1:${port}`, process: child, stop: stopper(child) }
}

/**
 * Another Kenes server process (`server/main.ts` through tsx) with its own data directories,
 * configured by `env` (MONGODB_URI, REDIS_URL, SESSION_SECRET ...). Resolves once it listens.
 */
export async function startServerProcess(env: Record<string, string>): Promise<Child> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'kenes-proc-'))
  const child = await startServerOn({ dataDir: path.join(root, 'data'), uploadsDir: path.join(root, 'uploads') }, env)
  return { ...child, stop: stopper(child.process, () => fsp.rm(root, { recursive: true, force: true })) }
}

/**
 * A Kenes server process on given data and uploads directories, which outlive it: a crash test
 * kills it (`kill9`) and starts another on the same directories.
 */
export async function startServerOn(
  dirs: { dataDir: string; uploadsDir: string },
  env: Record<string, string>,
): Promise<Child & { kill9(): Promise<void>; output(): string }> {
  const base: Record<string, string | undefined> = { ...process.env }
  for (const k of ['MONGODB_URI', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'])
    delete base[k]
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/main.ts')], {
    cwd: ROOT_DIR,
    env: {
      ...base,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JOBS_ENABLED: 'false',
      DATA_DIR: dirs.dataDir,
      UPLOADS_DIR: dirs.uploadsDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (c: Buffer) => {
    out = (out + c.toString('utf8')).slice(-20_000)
  }
  child.stderr?.on('data', keep)
  const m = await waitForLine(
    child,
    /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*Kenes is listening|Kenes is listening[^\n]*"url":"(http:\/\/127\.0\.0\.1:\d+)"/,
    60_000,
    'server process',
  )
  child.stdout?.on('data', keep)
  child.stdout?.resume()
  const exited = new Promise<void>((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
  )
  return {
    url: m[1] ?? m[2],
    process: child,
    stop: stopper(child),
    output: () => out,
    async kill9() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p))

/**
 * The embedded database engine as its own process (`server/db/embedded/cli.ts`, what `npm run db`
 * runs) on a free port with a throw-away dbpath, for several server processes to share.
 */
export async function startEngine(): Promise<Child> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kenes-engine-'))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT_DIR, 'server/db/embedded/cli.ts'), '--port', '0', '--dbpath', dir, '--nofsync'],
    { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const m = await waitForLine(child, /(mongodb:\/\/\S+)/, 30_000, 'database engine')
  child.stdout?.resume()
  return { url: m[1], process: child, stop: stopper(child, () => fsp.rm(dir, { recursive: true, force: true })) }
}

/**
 * A real nginx on a free loopback port, as the current user, everything (pid, logs, temp files) in
 * a temp dir: `http(port, dir)` returns the rest of the `http { … }` block (maps, upstreams, a
 * `server` listening on 127.0.0.1:port). Resolves once it accepts connections.
 */
export async function startNginx(http: (port: number, dir: string) => string): Promise<Child & { dir: string }> {
  if (!NGINX) throw new Error('nginx is not installed')
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kenes-nginx-'))
  const port = await freePort()
  const conf = path.join(dir, 'nginx.conf')
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
  await Promise.all(temp.map((t) => fsp.mkdir(path.join(dir, t))))
  await fsp.writeFile(
    conf,
    [
      // One process, no privilege drop: it runs as whoever runs the tests.
      'daemon off;',
      'master_process off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      `  access_log ${dir}/access.log;`,
      ...temp.map((t) => `  ${t}_temp_path ${dir}/${t};`),
      http(port, dir),
      '}',
      '',
    ].join('\n'),
  )
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let exited: string | undefined
  child.once('exit', (code) => (exited = `nginx exited (${code})`))
  // nginx prints nothing when ready: wait until the port accepts a connection (bounded).
  const until = Date.now() + 15_000
  for (;;) {
    if (exited)
      throw new Error(`${exited}:\n${await fsp.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '')}`)
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.end(() => resolve(true)))
      s.once('error', () => resolve(false))
    })
    if (open) break
    if (Date.now() > until) throw new Error('nginx did not listen within 15 s')
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    process: child,
    stop: stopper(child, () => fsp.rm(dir, { recursive: true, force: true })),
  }
}
