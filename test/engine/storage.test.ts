// Persistence of the embedded engine in-process: compaction into a snapshot + replay, torn journal tail,
// dbpath lock within one process, TTL deletion, and close() releasing everything.
import { expect } from 'chai'
import { appendFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo } from '../../server/db/embedded/index.js'
import { startTestEngine, type TestEngine, type AnyDoc } from './engine-helpers.js'

async function restart(t: TestEngine): Promise<void> {
  await t.client.close()
  await t.engine.close()
  t.engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
  t.client = new MongoClient(t.engine.uri)
}

describe('embedded engine: storage', () => {
  let t: TestEngine
  beforeEach(async () => {
    t = await startTestEngine()
  })
  afterEach(async () => {
    await t.stop()
  })

  it('compacts the journal into a snapshot and replays snapshot + newer journal on start', async () => {
    const c = t.client.db('st').collection<AnyDoc>('docs')
    await c.createIndex({ k: 1 }, { unique: true })
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, k: i })))
    await c.deleteOne({ _id: 0 })
    const r = await t.client.db('admin').command({ _kenesMaintenance: 'compact' })
    expect(r.journal.generation).to.equal(1)
    const files = (await readdir(t.dbPath)).sort()
    expect(files).to.include('snapshot.1').and.include('journal.1').and.not.include('journal.0')
    await c.updateOne({ _id: 1 }, { $set: { after: true } }) // lands in journal.1
    await restart(t)
    const c2 = t.client.db('st').collection<AnyDoc>('docs')
    expect(await c2.countDocuments()).to.equal(499)
    expect(await c2.findOne({ _id: 1 })).to.deep.equal({ _id: 1, k: 1, after: true })
    const dup = await c2.insertOne({ k: 5 }).catch((e) => e)
    expect(dup.code).to.equal(11000) // the unique index came back from the snapshot
  })

  it('journals a write batch larger than 16 MB as one record and replays it', async () => {
    const c = t.client.db('st').collection<AnyDoc>('big')
    const filler = 'x'.repeat(1000)
    await c.insertMany(Array.from({ length: 30_000 }, (_, i) => ({ _id: i, filler })))
    await restart(t)
    expect(await t.client.db('st').collection('big').countDocuments()).to.equal(30_000)
    const all = await t.client.db('st').collection('big').find().toArray() // > 16 MB: several batches
    expect(all).to.have.length(30_000)
  })

  it('drops a torn final journal record and keeps everything before it', async () => {
    const c = t.client.db('st').collection<AnyDoc>('torn')
    await c.insertMany([{ _id: 1 }, { _id: 2 }])
    await t.client.close()
    await t.engine.close()
    // A record header promising 1000 bytes followed by only a few: a crash mid-write.
    const hdr = Buffer.alloc(8)
    hdr.writeUInt32LE(1000, 0)
    await appendFile(path.join(t.dbPath, 'journal.0'), Buffer.concat([hdr, Buffer.from('partial')]))
    t.engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
    t.client = new MongoClient(t.engine.uri)
    const c2 = t.client.db('st').collection<AnyDoc>('torn')
    expect(await c2.countDocuments()).to.equal(2)
    await c2.insertOne({ _id: 3 }) // appended after the cut, so it replays too
    await restart(t)
    expect(await t.client.db('st').collection<AnyDoc>('torn').countDocuments()).to.equal(3)
  })

  it('refuses a second engine on the same dbPath and takes over a stale lock', async () => {
    const err = await startEmbeddedMongo({ dbPath: t.dbPath }).catch((e) => e)
    expect(err).to.be.instanceOf(Error)
    expect(err.message).to.match(/already in use by process \d+/)
    await t.client.close()
    await t.engine.close()
    await writeFile(path.join(t.dbPath, 'mongod.lock'), '999999999') // a pid that does not exist
    t.engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
    t.client = new MongoClient(t.engine.uri)
    expect(await t.client.db('admin').command({ ping: 1 })).to.include({ ok: 1 })
  })

  it('deletes expired documents of a TTL index', async () => {
    const c = t.client.db('st').collection<AnyDoc>('sessions')
    await c.createIndex({ expires: 1 }, { expireAfterSeconds: 0 })
    await c.insertMany([
      { _id: 'old', expires: new Date(Date.now() - 1000) },
      { _id: 'new', expires: new Date(Date.now() + 3_600_000) },
      { _id: 'nodate', expires: 'soon' },
    ])
    const r = await t.client.db('admin').command({ _kenesMaintenance: 'ttl' })
    expect(r.removed).to.equal(1)
    expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).to.deep.equal(['new', 'nodate'])
  })

  it('close() stops listening and releases the lock', async () => {
    const port = t.engine.port
    await t.client.close()
    await t.engine.close()
    const refused = await new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, {
      serverSelectionTimeoutMS: 300,
    })
      .connect()
      .catch((e) => e)
    expect(refused).to.be.instanceOf(Error)
    expect(await readdir(t.dbPath)).to.not.include('mongod.lock')
    t.engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
    t.client = new MongoClient(t.engine.uri)
  })
})
