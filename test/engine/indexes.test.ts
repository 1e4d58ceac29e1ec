// Indexes of the embedded engine: exact duplicate-key errors, index maintenance on every write, and index
// USE, proven with the engine's count of documents examined (serverStatus metrics / explain).
import { expect } from 'chai'
import type { Collection } from 'mongodb'
import { scanned, startTestEngine, type TestEngine, type AnyDoc } from './engine-helpers.js'

describe('embedded engine: indexes', () => {
  let t: TestEngine
  let coll: Collection<AnyDoc>
  before(async () => {
    t = await startTestEngine()
  })
  after(async () => {
    await t.stop()
  })
  beforeEach(async () => {
    coll = t.client.db('ix').collection<AnyDoc>(`c${Math.random().toString(36).slice(2)}`)
  })

  it("reports a unique violation with MongoDB's exact shape on insert", async () => {
    await coll.createIndex({ email: 1 }, { unique: true })
    await coll.insertOne({ email: 'a@kenes.kz' })
    const err = await coll.insertOne({ email: 'a@kenes.kz' }).catch((e) => e)
    expect(err.code).to.equal(11000)
    expect(err.keyPattern).to.deep.equal({ email: 1 })
    expect(err.keyValue).to.deep.equal({ email: 'a@kenes.kz' })
    expect(err.message).to.equal(
      `E11000 duplicate key error collection: ix.${coll.collectionName} index: email_1 dup key: { email: "a@kenes.kz" }`,
    )
  })

  it('enforces unique indexes on update, upsert, compound keys and _id; ordered:false continues', async () => {
    await coll.createIndex({ a: 1, b: -1 }, { unique: true, name: 'ab' })
    await coll.insertMany([
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 1, b: 2 },
    ])
    const upd = await coll.updateOne({ _id: 2 }, { $set: { b: 1 } }).catch((e) => e)
    expect(upd.code).to.equal(11000)
    expect(upd.keyValue).to.deep.equal({ a: 1, b: 1 })
    const ups = await coll.updateOne({ _id: 3 }, { $set: { a: 1, b: 2 } }, { upsert: true }).catch((e) => e)
    expect(ups.code).to.equal(11000)
    const id = await coll.insertOne({ _id: 1, a: 9, b: 9 }).catch((e) => e)
    expect(id.code).to.equal(11000)
    expect(id.keyPattern).to.deep.equal({ _id: 1 })
    const bulk = await coll
      .insertMany(
        [
          { _id: 10, a: 5, b: 5 },
          { _id: 11, a: 5, b: 5 },
          { _id: 12, a: 6, b: 6 },
        ],
        { ordered: false },
      )
      .catch((e) => e)
    expect(bulk.code).to.equal(11000)
    expect(bulk.result.insertedCount).to.equal(2)
    expect(await coll.countDocuments()).to.equal(4)
  })

  it('keeps sparse and partial unique indexes to the documents they cover', async () => {
    await coll.createIndex({ nick: 1 }, { unique: true, sparse: true })
    await coll.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { active: true } })
    await coll.insertMany([{ x: 1 }, { x: 2 }, { code: 'k', active: false }, { code: 'k', active: true }])
    const err = await coll.insertOne({ code: 'k', active: true }).catch((e) => e)
    expect(err.code).to.equal(11000)
  })

  it('refuses to build a unique index over existing duplicates and lists/drops indexes', async () => {
    await coll.insertMany([{ v: 1 }, { v: 1 }])
    const err = await coll.createIndex({ v: 1 }, { unique: true }).catch((e) => e)
    expect(err.code).to.equal(11000)
    await coll.createIndex({ v: 1 })
    const names = (await coll.listIndexes().toArray()).map((i) => i.name)
    expect(names).to.deep.equal(['_id_', 'v_1'])
    await coll.dropIndex('v_1')
    const missing = await coll.dropIndex('v_1').catch((e) => e)
    expect(missing).to.include({ code: 27, codeName: 'IndexNotFound' })
    const ns = await t.client
      .db('ix')
      .collection<AnyDoc>('never')
      .listIndexes()
      .toArray()
      .catch((e) => e)
    expect(ns.code).to.equal(26)
  })

  it('uses an index for equality, $in, ranges and sort instead of scanning', async () => {
    await coll.insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: i, k: `key${i}`, n: i, g: i % 10 })))
    await coll.createIndex({ k: 1 })
    await coll.createIndex({ n: -1 })
    let before = await scanned(t.client)
    expect(await coll.find({ k: 'key1234' }).toArray()).to.have.length(1)
    expect((await scanned(t.client)) - before).to.equal(1)

    before = await scanned(t.client)
    expect(await coll.countDocuments({ k: { $in: ['key1', 'key2', 'nope'] } })).to.equal(2)
    expect((await scanned(t.client)) - before).to.equal(2)

    before = await scanned(t.client)
    const range = await coll.find({ n: { $gte: 100, $lt: 110 } }).toArray()
    expect(range).to.have.length(10)
    expect((await scanned(t.client)) - before).to.equal(10)

    before = await scanned(t.client)
    const top = await coll.find({}).sort({ n: -1 }).limit(3).toArray()
    expect(top.map((d) => d.n)).to.deep.equal([1999, 1998, 1997])
    expect((await scanned(t.client)) - before).to.equal(3)

    before = await scanned(t.client)
    await coll.find({ g: 3 }).toArray()
    expect((await scanned(t.client)) - before).to.equal(2000) // no index on g: a full scan

    const plan = await coll.find({ k: 'key5' }).explain('executionStats')
    expect(plan.executionStats.totalDocsExamined).to.equal(1)
    expect(plan.queryPlanner.winningPlan.inputStage.indexName).to.equal('k_1')
  })

  it('counts equality matches from index entries, examining no document, and stays exact', async () => {
    await coll.createIndex({ c: 1, s: 1, at: -1 })
    await coll.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ _id: i, c: i % 3, s: i % 2 ? 'p' : 'd', ...(i % 5 ? { at: i } : {}) })),
    )
    await coll.insertOne({ _id: 'n', c: null, s: 'p' })
    await coll.insertOne({ _id: 'm', s: 'p' }) // c missing: {c: null} counts it too
    let before = await scanned(t.client)
    expect(await coll.countDocuments({ c: 1, s: 'p' })).to.equal(50)
    expect(await coll.countDocuments({ s: 'p', c: 1 })).to.equal(50)
    expect(await coll.countDocuments({ c: 2 })).to.equal(100)
    expect(await coll.countDocuments({ c: null })).to.equal(2)
    expect(await coll.countDocuments({ c: 1.0, s: 'p' })).to.equal(50)
    expect(await coll.countDocuments({ c: '1' })).to.equal(0)
    expect(await coll.countDocuments({ c: { $eq: 0 }, s: 'd' })).to.equal(50)
    expect((await t.client.db('ix').command({ count: coll.collectionName, query: { c: 0 } })).n).to.equal(100)
    expect((await scanned(t.client)) - before).to.equal(0)
    // Not an exact index question: examined, and still right.
    before = await scanned(t.client)
    expect(await coll.countDocuments({ c: 1, at: { $gt: 100 } })).to.equal(
      Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 === 1 && i % 5 && i > 100).length,
    )
    expect(await coll.countDocuments({ s: 'p' })).to.equal(152) // s does not lead the index
    expect((await scanned(t.client)) - before).to.be.greaterThan(0)
    // After writes the counts follow; an array value makes the index multikey and counting falls back.
    await coll.deleteMany({ c: 1, s: 'p', at: { $lt: 50 } })
    await coll.updateOne({ _id: 0 }, { $set: { c: 1, s: 'p' } })
    const expected = await coll.find({ c: 1, s: 'p' }).toArray()
    expect(await coll.countDocuments({ c: 1, s: 'p' })).to.equal(expected.length)
    await coll.insertOne({ _id: 'arr', c: [1, 7], s: 'p' })
    expect(await coll.countDocuments({ c: 1, s: 'p' })).to.equal(expected.length + 1)
    expect(await coll.countDocuments({ c: 7 })).to.equal(1)
  })

  it('keeps indexes in step with updates and deletes (and multikey arrays)', async () => {
    await coll.createIndex({ tags: 1 })
    await coll.createIndex({ k: 1 })
    await coll.insertMany([
      { _id: 1, k: 'a', tags: ['x', 'y'] },
      { _id: 2, k: 'b', tags: ['y'] },
    ])
    expect(await coll.countDocuments({ tags: 'y' })).to.equal(2)
    await coll.updateOne({ _id: 1 }, { $set: { k: 'c' }, $pull: { tags: 'y' } as never })
    expect(await coll.countDocuments({ k: 'a' })).to.equal(0)
    expect(await coll.countDocuments({ k: 'c' })).to.equal(1)
    expect(await coll.countDocuments({ tags: 'y' })).to.equal(1)
    await coll.deleteOne({ k: 'b' })
    expect(await coll.countDocuments({ tags: 'y' })).to.equal(0)
    expect(await coll.find({ tags: { $in: ['x', 'y'] } }).toArray()).to.have.length(1)
  })

  it('survives a restart with its indexes (journal replay)', async () => {
    const { startEmbeddedMongo } = await import('../../server/db/embedded/index.js')
    const { MongoClient } = await import('mongodb')
    const name = coll.collectionName
    await coll.createIndex({ u: 1 }, { unique: true })
    await coll.insertOne({ u: 1 })
    await t.client.close()
    await t.engine.close()
    const engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
    const client = new MongoClient(engine.uri)
    const c2 = client.db('ix').collection<AnyDoc>(name)
    const err = await c2.insertOne({ u: 1 }).catch((e) => e)
    expect(err.code).to.equal(11000)
    t.engine = engine
    t.client = client
  })
})
