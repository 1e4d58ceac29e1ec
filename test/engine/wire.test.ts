// Wire protocol and command-level behaviour of the embedded engine, through raw frames and the driver.
import { expect } from 'chai'
import * as BSON from 'bson'
import { RawConn, opMsg, opQuery, startTestEngine, type TestEngine, type AnyDoc } from './engine-helpers.js'

describe('embedded engine: wire protocol', () => {
  let t: TestEngine
  before(async () => {
    t = await startTestEngine()
  })
  after(async () => {
    await t.stop()
  })

  it('answers an OP_QUERY isMaster handshake with OP_REPLY and a single-node replica set', async () => {
    const c = await RawConn.open(t.engine.port)
    c.sock.write(opQuery('admin.$cmd', { isMaster: 1, helloOk: true, client: { driver: { name: 'raw' } } }))
    const f = await c.next()
    expect(f.readInt32LE(12)).to.equal(1) // OP_REPLY
    const reply = BSON.deserialize(f.subarray(36))
    expect(reply).to.include({ ok: 1, ismaster: true, helloOk: true, setName: 'kenes', maxWireVersion: 21 })
    expect(reply.hosts).to.deep.equal([`127.0.0.1:${t.engine.port}`])
    expect(reply).to.not.have.property('topologyVersion')
    expect(reply).to.not.have.property('compression')
    c.close()
  })

  it('merges OP_MSG kind-1 document sequences into the command', async () => {
    const c = await RawConn.open(t.engine.port)
    const body = BSON.serialize({ insert: 'seq', $db: 'wire' })
    const docs = [{ _id: 1 }, { _id: 2 }].map((d) => Buffer.from(BSON.serialize(d)))
    const ident = Buffer.from('documents\0')
    const seqLen = 4 + ident.length + docs.reduce((s, d) => s + d.length, 0)
    const seq = Buffer.alloc(1 + seqLen)
    seq[0] = 1
    seq.writeInt32LE(seqLen, 1)
    Buffer.concat([ident, ...docs]).copy(seq, 5)
    const msg = Buffer.concat([Buffer.alloc(21), Buffer.from(body), seq])
    msg.writeInt32LE(msg.length, 0)
    msg.writeInt32LE(7, 4)
    msg.writeInt32LE(2013, 12)
    c.sock.write(msg)
    const reply = BSON.deserialize((await c.next()).subarray(21))
    expect(reply).to.include({ ok: 1, n: 2 })
    c.close()
  })

  it('sends no reply for moreToCome (unacknowledged) writes', async () => {
    const c = await RawConn.open(t.engine.port)
    c.sock.write(opMsg({ insert: 'w0', documents: [{ _id: 'x' }], $db: 'wire' }, 2))
    // The next reply on the connection must belong to the ping, not to the insert.
    const r = await c.command({ ping: 1, $db: 'admin' })
    expect(r).to.deep.equal({ ok: 1 })
    expect(await t.client.db('wire').collection<AnyDoc>('w0').countDocuments()).to.equal(1)
    c.close()
  })

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const err = await t.client
      .db('x')
      .command({ frobnicate: 1 })
      .catch((e) => e)
    expect(err).to.include({ code: 59, codeName: 'CommandNotFound' })
    expect(err.message).to.equal("no such command: 'frobnicate'")
  })

  it('answers unknown query and update operators with MongoDB errors, never a silent result', async () => {
    const coll = t.client.db('wire').collection<AnyDoc>('ops')
    await coll.insertOne({ a: 1 })
    const q = await coll
      .find({ a: { $frob: 1 } })
      .toArray()
      .catch((e) => e)
    expect(q).to.include({ code: 2 })
    expect(q.message).to.equal('unknown operator: $frob')
    const u = await coll.updateOne({ a: 1 }, { $frob: { a: 2 } } as never).catch((e) => e)
    expect(u.code).to.equal(9)
    const s = await coll
      .aggregate([{ $frob: {} }])
      .toArray()
      .catch((e) => e)
    expect(s.code).to.equal(40324)
    const out = await coll
      .aggregate([{ $out: 'x' }])
      .toArray()
      .catch((e) => e)
    expect(out.code).to.equal(115)
  })

  it('refuses invalid collations and unique indexes under a collation instead of ignoring them', async () => {
    const coll = t.client.db('wire').collection<AnyDoc>('coll')
    const f = await coll
      .find({}, { collation: { locale: 'en', strength: 9 } })
      .toArray()
      .catch((e) => e)
    expect(f.code).to.equal(2)
    const ix = await coll
      .createIndex({ email: 1 }, { unique: true, collation: { locale: 'en', strength: 2 } })
      .catch((e) => e)
    expect(ix.code).to.equal(67)
    expect(await coll.find({}, { collation: { locale: 'simple' } }).toArray()).to.be.an('array')
  })

  it('closes only the offending socket on a malformed frame; the server keeps serving', async () => {
    const bad = await RawConn.open(t.engine.port)
    const frame = Buffer.alloc(30)
    frame.writeInt32LE(30, 0)
    frame.writeInt32LE(2013, 12)
    frame[20] = 0
    frame.writeInt32LE(999, 21)
    bad.sock.write(frame)
    await bad.closed
    const huge = await RawConn.open(t.engine.port)
    const h = Buffer.alloc(16)
    h.writeInt32LE(0x7fffffff, 0)
    huge.sock.write(h)
    await huge.closed
    expect(await t.client.db('admin').command({ ping: 1 })).to.include({ ok: 1 })
  })

  it('pages results with batchSize, getMore and killCursors; unknown cursor is 43', async () => {
    const coll = t.client.db('wire').collection<AnyDoc>('paging')
    await coll.insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i })))
    const all = await coll.find({}, { batchSize: 4 }).sort({ _id: -1 }).toArray()
    expect(all.map((d) => d._id)).to.deep.equal(Array.from({ length: 25 }, (_, i) => 24 - i))
    const db = t.client.db('wire')
    const first = await db.command({ find: 'paging', batchSize: 2 })
    const id = first.cursor.id
    expect(first.cursor.firstBatch).to.have.length(2)
    const more = await db.command({ getMore: id, collection: 'paging', batchSize: 3 })
    expect(more.cursor.nextBatch.map((d: { _id: number }) => d._id)).to.deep.equal([2, 3, 4])
    const killed = await db.command({ killCursors: 'paging', cursors: [id] })
    expect(killed.cursorsKilled).to.have.length(1)
    const gone = await db.command({ getMore: id, collection: 'paging' }).catch((e) => e)
    expect(gone).to.include({ code: 43, codeName: 'CursorNotFound' })
    const neg = await db.command({ find: 'paging', limit: -3, batchSize: 1 })
    expect(neg.cursor.firstBatch).to.have.length(3)
    expect(Number(neg.cursor.id)).to.equal(0)
  })

  it('keeps BSON types: ObjectId, Date, Decimal128, Binary, Long beyond 2^53, null vs missing', async () => {
    const coll = t.client.db('wire').collection<AnyDoc>('types')
    const doc = {
      _id: new BSON.ObjectId(),
      d: new Date(1700000000000),
      dec: BSON.Decimal128.fromString('12.345'),
      bin: new BSON.Binary(Buffer.from([1, 2, 3])),
      big: BSON.Long.fromString('9007199254740993'),
      n: null,
      s: 'x',
    }
    await coll.insertOne(doc)
    const back = await coll.findOne({ _id: doc._id }, { promoteLongs: false })
    expect((back!._id as BSON.ObjectId).equals(doc._id)).to.equal(true)
    expect(back!.d.getTime()).to.equal(doc.d.getTime())
    expect(back!.dec.toString()).to.equal('12.345')
    expect(Buffer.from(back!.bin.buffer)).to.deep.equal(Buffer.from([1, 2, 3]))
    expect(back!.big.toString()).to.equal('9007199254740993')
    expect(await coll.countDocuments({ n: null })).to.equal(1)
    expect(await coll.countDocuments({ n: { $exists: true } })).to.equal(1)
    expect(await coll.countDocuments({ missing: { $exists: true } })).to.equal(0)
  })

  it('sorts across BSON types in MongoDB order', async () => {
    const coll = t.client.db('wire').collection<AnyDoc>('mixed')
    await coll.insertMany([
      { _id: 1, v: 'str' },
      { _id: 2, v: 5 },
      { _id: 3, v: null },
      { _id: 4, v: new Date(0) },
      { _id: 5, v: { a: 1 } },
      { _id: 6, v: true },
      { _id: 7 },
      { _id: 8, v: new BSON.ObjectId('000000000000000000000001') },
    ])
    const ids = (await coll.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id)
    expect(ids).to.deep.equal([3, 7, 2, 1, 5, 8, 6, 4])
  })
})
