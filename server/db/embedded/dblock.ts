// The dbPath lock: one engine per data directory, held the way mongod holds its lock, by the OS, so it dies
// with the process (kill -9 included) and a PID reused by another program can never block a restart.
// On Linux the lock is a bound abstract-namespace Unix socket named after the directory's real path: the
// kernel frees the name when the process's descriptors close. `mongod.lock` still records the holder's PID
// for people and tools. Elsewhere the PID file is the lock, checked with kill(pid, 0). Either way a
// refusal is only given after waiting for a holder that may be being torn down (a supervisor's restart).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export interface DbLock {
  release(): Promise<void>
}

const WAIT_MS = 2000
const POLL_MS = 50

function inUse(dbPath: string, lock: string): Error {
  let pid = ''
  try {
    pid = fs.readFileSync(lock, 'utf8').trim()
  } catch {
    // no PID recorded (yet)
  }
  return new Error(
    `dbPath ${dbPath} is already in use by process ${pid || '(unknown)'} (lock file ${lock}); stop that process or use another --dbpath`,
  )
}

function bindAbstract(name: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)))
    srv.listen({ path: name, exclusive: true }, () => {
      srv.unref()
      resolve(srv)
    })
  })
}

function pidAlive(pid: number): boolean {
  if (!(pid > 0) || pid === process.pid) return pid === process.pid
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function lockByPidFile(dbPath: string, lock: string): Promise<DbLock> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' })
      return { release: async () => fs.rmSync(lock, { force: true }) }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const pid = Number(fs.readFileSync(lock, 'utf8').trim())
    if (!pidAlive(pid)) fs.rmSync(lock, { force: true })
    else if (Date.now() > deadline) throw inUse(dbPath, lock)
    else await sleep(POLL_MS)
  }
}

export async function acquireDbLock(dbPath: string): Promise<DbLock> {
  const lock = path.join(dbPath, 'mongod.lock')
  if (process.platform !== 'linux') return lockByPidFile(dbPath, lock)
  const real = fs.realpathSync(dbPath)
  const name = '\0kenes-dblock-' + createHash('sha256').update(real).digest('hex').slice(0, 40)
  const deadline = Date.now() + WAIT_MS
  let srv: net.Server | undefined
  while (!(srv = await bindAbstract(name))) {
    if (Date.now() > deadline) throw inUse(dbPath, lock)
    await sleep(POLL_MS)
  }
  fs.writeFileSync(lock, String(process.pid))
  const held = srv
  return {
    async release() {
      fs.rmSync(lock, { force: true })
      await new Promise<void>((r) => held.close(() => r()))
    },
  }
}
