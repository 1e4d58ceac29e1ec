// Multi-document transactions on the embedded engine: atomic commit, abort, isolation from other
// sessions, write conflicts (112 + TransientTransactionError), NoSuchTransaction (251) and expiry.
import { expect } from 'chai'
import * as BSON from 'bson'
import type { Collection } from 'mongodb'
import { RawConn, startTestEngine, type TestEngine, type AnyDoc } from './engine-helpers.js'

describe('embedded engine: transactions', () => {
  let t: TestEngine
  let coll: Collection<AnyDoc>
  before(async () => {
    t = await startTestEngine()
  })
  after(async () => {
    await t.stop()
  })
  beforeEach(async () => {
    coll = t.client.db('txn').collection<AnyDoc>(`c${Math.random().toString(36).slice(2)}`)
    await coll.insertMany([
      { _id: 'a', bal: 100 },
      { _id: 'b', bal: 0 },
    ])
  })

  it('commits several writes atomically and hides them from others until commit', async () => {
    const s = t.client.startSession()
    s.startTransaction()
    await coll.updateOne({ _id: 'a' }, { $inc: { bal: -30 } }, { session: s })
    await coll.updateOne({ _id: 'b' }, { $inc: { bal: 30 } }, { session: s })
    await coll.insertOne({ _id: 'log', note: 'transfer' }, { session: s })
    // Inside: sees its own writes. Outside: sees only committed state.
    expect((await coll.findOne({ _id: 'a' }, { session: s }))!.bal).to.equal(70)
    expect((await coll.findOne({ _id: 'a' }))!.bal).to.equal(100)
    expect(await coll.countDocuments({ _id: 'log' })).to.equal(0)
    await s.commitTransaction()
    await s.endSession()
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d.bal ?? d.note)).to.deep.equal([
      70,
      30,
      'transfer',
    ])
  })

  it('aborts completely: nothing of the transaction remains', async () => {
    const s = t.client.startSession()
    s.startTransaction()
    await coll.deleteOne({ _id: 'a' }, { session: s })
    await coll.insertOne({ _id: 'c' }, { session: s })
    await s.abortTransaction()
    await s.endSession()
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).to.deep.equal(['a', 'b'])
  })

  it('runs withTransaction and retries after a transient write conflict', async () => {
    const s1 = t.client.startSession()
    const s2 = t.client.startSession()
    s1.startTransaction()
    await coll.updateOne({ _id: 'a' }, { $inc: { bal: 1 } }, { session: s1 })
    s2.startTransaction()
    const err = await coll.updateOne({ _id: 'a' }, { $inc: { bal: 1 } }, { session: s2 }).catch((e) => e)
    expect(err.code).to.equal(112)
    expect(err.hasErrorLabel('TransientTransactionError')).to.equal(true)
    await s2.abortTransaction().catch(() => undefined)
    await s1.commitTransaction()
    let attempts = 0
    await s2.withTransaction(async () => {
      attempts++
      await coll.updateOne({ _id: 'a' }, { $inc: { bal: 1 } }, { session: s2 })
    })
    expect(attempts).to.equal(1)
    expect((await coll.findOne({ _id: 'a' }))!.bal).to.equal(102)
    await s1.endSession()
    await s2.endSession()
  })

  it('fails the commit with WriteConflict when a committed write overtook the transaction', async () => {
    const s = t.client.startSession()
    s.startTransaction()
    await coll.updateOne({ _id: 'b' }, { $set: { bal: 5 } }, { session: s })
    await coll.updateOne({ _id: 'b' }, { $set: { bal: 7 } }) // outside the transaction
    const err = await s.commitTransaction().catch((e) => e)
    expect(err.code).to.equal(112)
    await s.endSession()
    expect((await coll.findOne({ _id: 'b' }))!.bal).to.equal(7)
  })

  it('checks unique indexes inside a transaction and aborts it on a duplicate', async () => {
    await coll.createIndex({ u: 1 }, { unique: true, sparse: true })
    const s = t.client.startSession()
    s.startTransaction()
    await coll.insertOne({ _id: 'x', u: 1 }, { session: s })
    const dup = await coll.insertOne({ _id: 'y', u: 1 }, { session: s }).catch((e) => e)
    expect(dup.code).to.equal(11000)
    const commit = await s.commitTransaction().catch((e) => e)
    expect(commit.code).to.equal(251)
    await s.endSession()
    expect(await coll.countDocuments({ u: 1 })).to.equal(0)
  })

  it('answers NoSuchTransaction (251) for an unknown transaction and expires abandoned ones after 60 s', async () => {
    const raw = await RawConn.open(t.engine.port)
    const lsid = { id: new BSON.UUID() }
    const none = await raw.command({
      commitTransaction: 1,
      lsid,
      txnNumber: BSON.Long.fromNumber(5),
      autocommit: false,
      $db: 'admin',
    })
    expect(none).to.include({ ok: 0, code: 251, codeName: 'NoSuchTransaction' })
    expect(none.errorLabels).to.deep.equal(['TransientTransactionError'])
    const ins = await raw.command({
      insert: coll.collectionName,
      documents: [{ _id: 'abandoned' }],
      lsid,
      txnNumber: BSON.Long.fromNumber(6),
      startTransaction: true,
      autocommit: false,
      $db: 'txn',
    })
    expect(ins).to.include({ ok: 1, n: 1 })
    // Move the engine's expiry clock past the 60 s lifetime instead of sleeping.
    await raw.command({ _kenesAdvanceClock: 61_000, $db: 'admin' })
    const late = await raw.command({
      commitTransaction: 1,
      lsid,
      txnNumber: BSON.Long.fromNumber(6),
      autocommit: false,
      $db: 'admin',
    })
    expect(late).to.include({ ok: 0, code: 251 })
    expect(await coll.countDocuments({ _id: 'abandoned' })).to.equal(0)
    raw.close()
  })

  it('survives a restart: committed transactions are replayed from the journal as a unit', async () => {
    const { startEmbeddedMongo } = await import('../../server/db/embedded/index.js')
    const { MongoClient } = await import('mongodb')
    const s = t.client.startSession()
    await s.withTransaction(async () => {
      await coll.updateOne({ _id: 'a' }, { $set: { bal: 1 } }, { session: s })
      await coll.updateOne({ _id: 'b' }, { $set: { bal: 2 } }, { session: s })
    })
    await s.endSession()
    await t.client.close()
    await t.engine.close()
    t.engine = await startEmbeddedMongo({ dbPath: t.dbPath, fsync: false })
    t.client = new MongoClient(t.engine.uri)
    const back = await t.client.db('txn').collection<AnyDoc>(coll.collectionName).find().sort({ _id: 1 }).toArray()
    expect(back.map((d) => d.bal)).to.deep.equal([1, 2])
  })
})
