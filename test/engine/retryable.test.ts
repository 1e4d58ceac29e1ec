// Retryable writes: a write carrying (lsid, txnNumber) outside a transaction is applied once; a retry of
// the same pair gets the first reply back instead of running again.
import { expect } from 'chai'
import * as BSON from 'bson'
import { RawConn, startTestEngine, type TestEngine, type AnyDoc } from './engine-helpers.js'

describe('embedded engine: retryable writes', () => {
  let t: TestEngine
  before(async () => {
    t = await startTestEngine()
  })
  after(async () => {
    await t.stop()
  })

  it('applies a retried $inc, insert and findAndModify only once', async () => {
    const raw = await RawConn.open(t.engine.port)
    const lsid = { id: new BSON.UUID() }
    await t.client.db('rw').collection<AnyDoc>('c').insertOne({ _id: 1, n: 0 })
    const inc = {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }],
      lsid,
      txnNumber: BSON.Long.fromNumber(1),
      $db: 'rw',
    }
    const r1 = await raw.command(inc)
    const r2 = await raw.command(inc) // the retry, e.g. after a network error
    expect(r1).to.include({ ok: 1, n: 1, nModified: 1 })
    expect(r2).to.deep.equal(r1)
    const ins = { insert: 'c', documents: [{ _id: 2 }], lsid, txnNumber: BSON.Long.fromNumber(2), $db: 'rw' }
    expect(await raw.command(ins)).to.include({ ok: 1, n: 1 })
    expect(await raw.command(ins)).to.include({ ok: 1, n: 1 }) // not a duplicate-key error
    const fam = {
      findAndModify: 'c',
      query: { _id: 1 },
      update: { $inc: { n: 10 } },
      new: true,
      lsid,
      txnNumber: BSON.Long.fromNumber(3),
      $db: 'rw',
    }
    const f1 = await raw.command(fam)
    const f2 = await raw.command(fam)
    expect(f1.value).to.deep.equal({ _id: 1, n: 11 })
    expect(f2.value).to.deep.equal({ _id: 1, n: 11 })
    // A new txnNumber is a new write.
    expect(await raw.command({ ...inc, txnNumber: BSON.Long.fromNumber(4) })).to.include({ nModified: 1 })
    expect(await t.client.db('rw').collection<AnyDoc>('c').findOne({ _id: 1 })).to.deep.equal({ _id: 1, n: 12 })
    raw.close()
  })

  it('drives retryable writes through the driver (txnNumber on single writes)', async () => {
    const c = t.client.db('rw').collection<AnyDoc>('drv')
    const r = await c.insertOne({ x: 1 })
    expect(r.acknowledged).to.equal(true)
    expect(await c.countDocuments()).to.equal(1)
  })
})
