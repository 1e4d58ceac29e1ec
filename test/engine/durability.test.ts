// Durability of the embedded engine as a separate process: no acknowledged write may be lost to
// `kill -9`, a torn journal tail must be dropped on restart (and only it), and the dbpath lock must
// refuse a second process but let a new one take over after the owner died.
// Synchronisation is by events (stdout lines, process exit, acknowledged-write counts), never by sleeping.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdtemp, readdir, rm, stat, truncate, appendFile } from 'node:fs/promises'
import { randomBytes, randomInt } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { MongoClient } from 'mongodb'
import { repoRoot } from './unified/engine.js'

const cli = path.join(repoRoot, 'server', 'db', 'embedded', 'cli.ts')
const START_TIMEOUT_MS = 30_000 // upper bound only: a start normally completes when the URI line appears

interface Child {
  proc: ChildProcess
  uri: string
  output: () => string
}

/** Spawn the engine CLI; resolve with the URI it prints, reject (with its output) if it exits first. */
function spawnEngine(dbPath: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--dbpath', dbPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`engine did not print its URI within ${START_TIMEOUT_MS} ms; output:\n${out}`))
    }, START_TIMEOUT_MS)
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out += `${line}\n`
      const m = /mongodb:\/\/\S+/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve({ proc, uri: m[0], output: () => out })
      }
    })
    proc.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`engine exited (code ${code}, signal ${signal}) before printing its URI; output:\n${out}`))
    })
  })
}

/** Run the CLI expecting it to refuse to start; resolve with its exit code and output. */
function runToExit(dbPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--dbpath', dbPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
    })
    proc.stderr!.on('data', (b: Buffer) => {
      out += b.toString()
    })
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(
        new Error(
          `second engine on a locked dbpath neither exited nor stopped within ${START_TIMEOUT_MS} ms; output:\n${out}`,
        ),
      )
    }, START_TIMEOUT_MS)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output: out })
    })
  })
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode })
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
}

async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL')
  await exited(child.proc)
}

function connect(uri: string): MongoClient {
  // No retries: an in-flight write at the kill must fail, not be silently retried elsewhere.
  return new MongoClient(uri, {
    retryWrites: false,
    retryReads: false,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 32,
  })
}

/** Every regular file under dir (recursive) with its size and mtime. */
async function filesUnder(dir: string): Promise<{ file: string; size: number; mtime: number }[]> {
  const out: { file: string; size: number; mtime: number }[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else if (e.isFile()) {
      const s = await stat(p)
      out.push({ file: p, size: s.size, mtime: s.mtimeMs })
    }
  }
  return out
}

/** The journal the engine appends to: a non-empty file named like a journal/WAL, newest first. */
async function findJournal(dbPath: string): Promise<string> {
  const files = (await filesUnder(dbPath)).filter((f) => f.size > 0 && !/lock/i.test(path.basename(f.file)))
  const named = files.filter((f) => /journal|wal|\.jnl$|\.log$/i.test(path.relative(dbPath, f.file)))
  const pick = (named.length ? named : files).sort((a, b) => b.mtime - a.mtime)[0]
  if (!pick)
    throw new Error(`no non-empty journal file found under ${dbPath}: ${JSON.stringify(await filesUnder(dbPath))}`)
  return pick.file
}

describe('engine durability (child process, kill -9)', function () {
  this.timeout(120_000)
  let dbPath: string
  const children: Child[] = []
  const clients: MongoClient[] = []

  async function start(): Promise<Child> {
    const c = await spawnEngine(dbPath)
    children.push(c)
    return c
  }
  function client(uri: string): MongoClient {
    const c = connect(uri)
    clients.push(c)
    return c
  }

  beforeEach(async () => {
    dbPath = await mkdtemp(path.join(os.tmpdir(), 'kenes-durability-'))
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close(true).catch(() => undefined)))
    for (const c of children.splice(0)) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) await kill9(c)
    }
    await rm(dbPath, { recursive: true, force: true })
  })

  it('keeps every acknowledged insert, update and transaction across kill -9 under concurrent load', async () => {
    const a = await start()
    const mongo = client(a.uri)
    const db = mongo.db('durability')
    const docs = db.collection<{ _id: string; w: number; i: number; pad: string }>('docs')
    const counters = db.collection<{ _id: string; n: number }>('counters')
    const WORKERS = 12
    await counters.insertMany(Array.from({ length: WORKERS }, (_, w) => ({ _id: `c${w}`, n: 0 })))

    const ackedInserts: string[] = []
    const ackedIncs = new Array<number>(WORKERS).fill(0)
    const attemptedIncs = new Array<number>(WORKERS).fill(0)
    const txAttempted: string[] = []
    const txAcked = new Set<string>()
    const killAt = randomInt(150, 600) // a random moment, measured in acknowledged writes
    let acked = 0
    let killed: Promise<void> | undefined
    const onAck = (): void => {
      if (++acked === killAt) killed = kill9(a)
    }

    const worker = async (w: number): Promise<void> => {
      for (let i = 0; ; i++) {
        if (killed) return
        try {
          if (i % 7 === 3) {
            const tx = `t${w}-${i}`
            txAttempted.push(tx)
            const session = mongo.startSession()
            try {
              // Not withTransaction: its commit retry loop would keep knocking on a dead engine.
              // Each step re-checks: once the engine is dead, waiting for server selection proves nothing.
              const step = async (f: () => Promise<unknown>): Promise<void> => {
                if (killed) throw new Error('engine killed')
                await f()
              }
              session.startTransaction()
              await step(() => docs.insertOne({ _id: `${tx}-a`, w, i, pad: 'x' }, { session }))
              await step(() => docs.insertOne({ _id: `${tx}-b`, w, i, pad: 'y' }, { session }))
              await step(() => session.commitTransaction())
              txAcked.add(tx)
            } finally {
              // Ending a session mid-transaction sends abortTransaction: pointless once the engine is dead.
              if (killed) void session.endSession().catch(() => undefined)
              else await session.endSession().catch(() => undefined)
            }
          } else if (i % 3 === 0) {
            attemptedIncs[w]++
            await counters.updateOne({ _id: `c${w}` }, { $inc: { n: 1 } })
            ackedIncs[w]++
          } else {
            const id = `w${w}-${i}`
            await docs.insertOne({ _id: id, w, i, pad: randomBytes(64).toString('hex') })
            ackedInserts.push(id)
          }
          onAck()
        } catch {
          return // the engine died under this write: it was not acknowledged
        }
      }
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    expect(killed, `the load stopped before ${killAt} acknowledged writes`).to.not.equal(undefined)
    await killed

    const b = await start()
    const db2 = client(b.uri).db('durability')
    const present = new Set(
      (
        await db2
          .collection('docs')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id)),
    )
    const lost = ackedInserts.filter((id) => !present.has(id))
    expect(lost, `${lost.length} of ${ackedInserts.length} acknowledged inserts lost after kill -9`).to.deep.equal([])
    const n = new Map(
      (await db2.collection<{ _id: string; n: number }>('counters').find().toArray()).map((c) => [c._id, c.n]),
    )
    for (let w = 0; w < WORKERS; w++) {
      const got = n.get(`c${w}`)
      expect(got, `counter c${w}: acknowledged $inc count ${ackedIncs[w]}, attempted ${attemptedIncs[w]}`).to.be.within(
        ackedIncs[w],
        attemptedIncs[w],
      )
    }
    for (const tx of txAttempted) {
      const parts = [present.has(`${tx}-a`), present.has(`${tx}-b`)]
      expect(parts[0], `transaction ${tx} half-applied after kill -9 (a=${parts[0]}, b=${parts[1]})`).to.equal(parts[1])
      if (txAcked.has(tx)) expect(parts[0], `committed transaction ${tx} lost after kill -9`).to.equal(true)
    }
  })

  it('stops cleanly on SIGTERM and keeps its data', async () => {
    const a = await start()
    await client(a.uri)
      .db('durability')
      .collection<{ _id: number }>('t')
      .insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i })))
    a.proc.kill('SIGTERM')
    const { code, signal } = await exited(a.proc)
    expect({ code, signal }, `engine output:\n${a.output()}`).to.deep.equal({ code: 0, signal: null })
    const b = await start()
    expect(await client(b.uri).db('durability').collection('t').countDocuments()).to.equal(50)
  })

  describe('torn journal tail', () => {
    const N = 40
    async function writeThenKill(): Promise<void> {
      const a = await start()
      const coll = client(a.uri).db('durability').collection<{ _id: number; v: string }>('j')
      for (let i = 0; i < N; i++) await coll.insertOne({ _id: i, v: `value-${i}` }) // one record per write
      await kill9(a)
    }
    async function survivors(): Promise<number[]> {
      const b = await start()
      const docs = await client(b.uri)
        .db('durability')
        .collection<{ _id: number; v: string }>('j')
        .find({}, { sort: { _id: 1 } })
        .toArray()
      for (const d of docs) expect(d.v, `document ${d._id} corrupted`).to.equal(`value-${d._id}`)
      return docs.map((d) => d._id)
    }
    const prefix = (k: number): number[] => Array.from({ length: k }, (_, i) => i)

    it('drops a truncated last record and keeps all earlier ones', async () => {
      await writeThenKill()
      const journal = await findJournal(dbPath)
      const { size } = await stat(journal)
      await truncate(journal, size - Math.min(5, size - 1)) // cut into the last record
      const ids = await survivors()
      // Each acknowledged insert is its own journal record, so exactly the last one is torn.
      expect(ids, `after truncating ${journal}`).to.deep.equal(prefix(N - 1))
    })

    it('ignores garbage appended after the last record', async () => {
      await writeThenKill()
      const journal = await findJournal(dbPath)
      await appendFile(journal, randomBytes(37))
      expect(await survivors(), `after appending garbage to ${journal}`).to.deep.equal(prefix(N))
    })
  })

  describe('dbpath lock', () => {
    it('refuses a second process on the same dbpath with a clear message', async () => {
      const a = await start()
      const second = await runToExit(dbPath)
      expect(second.code, `second process output:\n${second.output}`).to.not.equal(0)
      expect(second.output, 'the refusal should say why (lock / in use)').to.match(/lock|in use|already/i)
      expect(second.output, 'the refusal should name the dbpath').to.include(dbPath)
      // The first engine is unaffected.
      expect((await client(a.uri).db('admin').command({ ping: 1 })).ok).to.equal(1)
    })

    it('lets a new process take over the stale lock after kill -9', async () => {
      const a = await start()
      await client(a.uri).db('durability').collection<{ _id: string }>('l').insertOne({ _id: 'before-kill' })
      await kill9(a)
      const b = await start()
      expect(
        await client(b.uri).db('durability').collection<{ _id: string }>('l').findOne({ _id: 'before-kill' }),
      ).to.deep.equal({ _id: 'before-kill' })
    })
  })
})
