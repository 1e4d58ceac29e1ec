// The engine in a worker thread (how the application runs it): acknowledged writes survive kill -9 of the
// process, the dbpath lock still refuses a second engine (with one clean line, no stack), close() releases it.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { MongoClient } from 'mongodb'
import { engineSocketPath, startEmbeddedMongo } from '../../server/db/embedded/index.js'
import { startEmbeddedMongoInWorker } from '../../server/db/embedded/thread.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = path.join(repoRoot, 'server', 'db', 'embedded', 'cli.ts')

function runCli(dbPath: string): {
  proc: ChildProcess
  uri: Promise<string>
  output: () => string
  exit: Promise<number | null>
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--dbpath', dbPath, '--thread'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const uri = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out += `${line}\n`
      const m = /mongodb:\/\/\S+/.exec(line)
      if (m) resolve(m[0])
    })
    void exit.then((code) => reject(new Error(`engine exited with ${code} before printing its URI:\n${out}`)))
  })
  uri.catch(() => undefined)
  return { proc, uri, output: () => out, exit }
}

describe('embedded engine in a worker thread', function () {
  this.timeout(60_000)
  let dbPath: string
  const procs: ChildProcess[] = []
  const clients: MongoClient[] = []
  beforeEach(async () => {
    dbPath = await mkdtemp(path.join(os.tmpdir(), 'kenes-engine-thread-'))
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close(true).catch(() => undefined)
    for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    await rm(dbPath, { recursive: true, force: true })
  })

  it('keeps every acknowledged write across kill -9 of the process', async () => {
    const a = runCli(dbPath)
    procs.push(a.proc)
    const client = new MongoClient(await a.uri, { retryWrites: false, serverSelectionTimeoutMS: 10_000 })
    clients.push(client)
    const coll = client.db('t').collection<{ _id: string; w: number }>('acked')
    const acked: string[] = []
    let stop = false
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          await coll.insertOne({ _id: `${w}-${i}`, w })
          acked.push(`${w}-${i}`)
        } catch {
          return // the process is gone
        }
      }
    })
    while (acked.length < 200) await new Promise((r) => setTimeout(r, 10))
    a.proc.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    await a.exit

    const b = await startEmbeddedMongo({ dbPath, port: 0 }) // the stale lock is taken over
    const c2 = new MongoClient(b.uri)
    try {
      const stored = new Set(
        (
          await c2
            .db('t')
            .collection<{ _id: string }>('acked')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id),
      )
      expect(
        acked.filter((id) => !stored.has(id)),
        'acknowledged but lost',
      ).to.deep.equal([])
    } finally {
      await c2.close()
      await b.close()
    }
  })

  it('restarts at once after kill -9, 20 times in a row (the lock dies with the process)', async function () {
    this.timeout(300_000)
    let prev: ChildProcess | undefined
    for (let i = 0; i < 20; i++) {
      const run = runCli(dbPath) // started right after the kill, as a supervisor would, without waiting
      procs.push(run.proc)
      const uri = await run.uri
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 })
      clients.push(client)
      await client.db('t').collection<{ _id: number }>('restarts').insertOne({ _id: i })
      prev?.kill('SIGKILL')
      run.proc.kill('SIGKILL')
      await client.close(true)
      prev = run.proc
    }
    const last = runCli(dbPath)
    procs.push(last.proc)
    const client = new MongoClient(await last.uri)
    clients.push(client)
    expect(await client.db('t').collection('restarts').countDocuments()).to.equal(20)
  })

  it('refuses a second engine on the same dbpath with one clean line, and close() releases the lock', async () => {
    const first = await startEmbeddedMongoInWorker({ dbPath, port: 0, fsync: false })
    const client = new MongoClient(first.uri)
    clients.push(client)
    await client
      .db('t')
      .collection('c')
      .insertOne({ _id: 1 } as never)

    const inProcess = await startEmbeddedMongoInWorker({ dbPath, port: 0 }).catch((e: Error) => e)
    expect(inProcess).to.be.instanceOf(Error)
    expect((inProcess as Error).message)
      .to.include(dbPath)
      .and.match(/in use/)

    const second = runCli(dbPath)
    procs.push(second.proc)
    expect(await second.exit).to.equal(1)
    expect(second.output())
      .to.include(dbPath)
      .and.match(/^kenes-db: cannot start: .*in use/)
    expect(second.output(), 'no stack trace').to.not.match(/\n\s+at /)

    await client.close()
    await first.close()
    const again = await startEmbeddedMongoInWorker({ dbPath, port: 0, fsync: false })
    const c2 = new MongoClient(again.uri)
    try {
      expect(await c2.db('t').collection('c').countDocuments()).to.equal(1)
    } finally {
      await c2.close()
      await again.close()
    }
  })
  it("serves the driver on a Unix socket, replacing a stale socket file but never a live engine's", async () => {
    const socketPath = engineSocketPath(dbPath)!
    expect(socketPath).to.be.a('string')
    await writeFile(socketPath, 'left by a killed process')
    const first = await startEmbeddedMongoInWorker({ dbPath, socketPath, fsync: false })
    expect(first.uri).to.equal(`mongodb://${encodeURIComponent(socketPath)}/?replicaSet=kenes`)
    const client = new MongoClient(first.uri)
    try {
      await client
        .db('t')
        .collection('c')
        .insertOne({ _id: 1, s: 'Әлем' } as never)
      const hello = await client.db('admin').command({ hello: 1 })
      expect(hello.me).to.equal(socketPath)
      expect(hello.hosts).to.deep.equal([socketPath])
      // A second engine on the same dbpath stops at the lock, before it could remove the live socket.
      const second = await startEmbeddedMongoInWorker({ dbPath, socketPath, fsync: false }).catch((e: Error) => e)
      expect(second).to.be.instanceOf(Error)
      expect(
        await client
          .db('t')
          .collection('c')
          .findOne({ _id: 1 } as never),
      ).to.deep.equal({ _id: 1, s: 'Әлем' })
    } finally {
      await client.close()
      await first.close()
    }
  })
  it('falls back to TCP when the socket cannot be made, and still serves', async () => {
    const socketPath = path.join(dbPath, 'no-such-dir', 'engine.sock')
    const engine = await startEmbeddedMongoInWorker({ dbPath, socketPath, fsync: false })
    expect(engine.uri).to.match(/^mongodb:\/\/127\.0\.0\.1:\d+\//)
    const client = new MongoClient(engine.uri)
    try {
      await client
        .db('t')
        .collection('c')
        .insertOne({ _id: 1 } as never)
      expect((await client.db('admin').command({ hello: 1 })).me).to.equal(`127.0.0.1:${engine.port}`)
    } finally {
      await client.close()
      await engine.close()
    }
  })
})
