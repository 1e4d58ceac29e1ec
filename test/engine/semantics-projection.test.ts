// Projection semantics (MongoDB 4.4+) through the real driver: filter + projection → the document MongoDB
// returns, or its error code.
import { expect } from 'chai'
import * as BSON from 'bson'
import { startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

const DOC = {
  _id: 1,
  s: 'x',
  arr: [1, 2, 3, 4],
  kids: [
    { n: 'a', v: 1 },
    { n: 'b', v: 2 },
  ],
  o: { p: 1, q: 2 },
}

const ROWS: {
  name: string
  filter?: BSON.Document
  projection: BSON.Document
  expect?: BSON.Document
  code?: number
}[] = [
  { name: '{_id: 1} returns only _id', projection: { _id: 1 }, expect: { _id: 1 } },
  { name: '{_id: 0} returns the rest', projection: { _id: 0, kids: 0, arr: 0, o: 0 }, expect: { s: 'x' } },
  { name: 'inclusion', projection: { s: 1, 'o.q': 1 }, expect: { _id: 1, s: 'x', o: { q: 2 } } },
  {
    name: 'exclusion of a nested field',
    projection: { 'o.p': 0, arr: 0, kids: 0 },
    expect: { _id: 1, s: 'x', o: { q: 2 } },
  },
  {
    name: 'inclusion through an array of documents',
    projection: { 'kids.n': 1, _id: 0 },
    expect: { kids: [{ n: 'a' }, { n: 'b' }] },
  },
  {
    name: '$slice alone keeps the other fields',
    projection: { arr: { $slice: 1 } },
    expect: { ...DOC, arr: [1] },
  },
  {
    name: '$slice with an exclusion',
    projection: { s: 0, arr: { $slice: -2 } },
    expect: { _id: 1, arr: [3, 4], kids: DOC.kids, o: DOC.o },
  },
  {
    name: '$slice [skip, limit] with an inclusion',
    projection: { s: 1, arr: { $slice: [1, 2] } },
    expect: { _id: 1, s: 'x', arr: [2, 3] },
  },
  {
    name: 'positional projection',
    filter: { 'kids.n': 'b' },
    projection: { 'kids.$': 1 },
    expect: { _id: 1, kids: [{ n: 'b', v: 2 }] },
  },
  {
    name: 'positional projection on scalars',
    filter: { arr: { $gt: 2 } },
    projection: { 'arr.$': 1 },
    expect: { _id: 1, arr: [3] },
  },
  {
    name: '$elemMatch projection with operator-only conditions',
    projection: { arr: { $elemMatch: { $gte: 2 } } },
    expect: { _id: 1, arr: [2] },
  },
  {
    name: '$elemMatch projection on documents',
    projection: { _id: 0, kids: { $elemMatch: { v: { $gt: 1 } } } },
    expect: { kids: [{ n: 'b', v: 2 }] },
  },
  { name: 'mixing inclusion and exclusion is an error', projection: { s: 1, arr: 0 }, code: 31254 },
  { name: 'path collision', projection: { o: 1, 'o.p': 1 }, code: 31249 },
  { name: 'computed fields still work', projection: { _id: 0, t: { $concat: ['$s', '!'] } }, expect: { t: 'x!' } },
]

describe('embedded engine: projection semantics (MongoDB rules, real driver)', () => {
  let te: TestEngine
  before(async () => {
    te = await startTestEngine()
    await te.client.db('sem_p').collection<AnyDoc>('t').insertOne(DOC)
  })
  after(async () => te?.stop())

  for (const r of ROWS) {
    it(r.name, async () => {
      const run = te.client
        .db('sem_p')
        .collection<AnyDoc>('t')
        .findOne(r.filter ?? {}, { projection: r.projection })
      if (r.code !== undefined) {
        const err = await run.then(
          () => undefined,
          (e: { code?: number }) => e,
        )
        expect(err).to.have.property('code', r.code)
        return
      }
      const got = await run
      expect(got).to.deep.equal(r.expect)
      expect(Object.keys(got!)).to.deep.equal(Object.keys(r.expect!))
    })
  }

  it('top-level projections served from encoded documents: every BSON type, field order, updates, getMore', async () => {
    // find's top-level inclusion/exclusion projections copy the stored document's encoded elements
    // (server/db/embedded/encoded.ts); the same reads with a dotted path go through projection.ts.
    const c = te.client.db('sem_p').collection<AnyDoc>('enc')
    const typed = {
      s: 'Қазақ тілі',
      d: 1.5,
      i: 7,
      l: BSON.Long.fromString('9007199254740993'),
      dec: BSON.Decimal128.fromString('1.10'),
      bin: new BSON.Binary(Buffer.from([1, 2, 3]), 4),
      oid: new BSON.ObjectId('64b7f0000000000000000001'),
      dt: new Date(0),
      re: new BSON.BSONRegExp('^a', 'i'),
      ts: new BSON.Timestamp({ t: 1, i: 2 }),
      n: null,
      b: true,
      o: { p: 1, q: 2 },
      arr: [1, 'x', { y: 1 }],
      mn: new BSON.MinKey(),
      mx: new BSON.MaxKey(),
      code: new BSON.Code('x'),
    }
    await c.insertMany(Array.from({ length: 5 }, (_, i) => ({ first: i, _id: i, ...typed })))
    const fields = Object.keys(typed)
    // A dotted path to a missing field sends the same projection through projection.ts instead.
    const viaTree = async (projection: BSON.Document) =>
      c.find({}, { projection: { ...projection, 'zz.none': 1 } }).toArray()
    for (const f of fields) {
      const inc = await c.find({}, { projection: { [f]: 1, first: 1 }, batchSize: 2 }).toArray()
      expect(inc.map((d) => Object.keys(d))).to.deep.equal(Array(5).fill(['_id', 'first', f]))
      expect(inc).to.deep.equal(await viaTree({ [f]: 1, first: 1 }))
      const exc = await c.find({}, { projection: { [f]: 0, _id: 0 } }).toArray()
      expect(Object.keys(exc[0])).to.deep.equal(['first', ...fields.filter((k) => k !== f)])
    }
    // Same document under two projections, then after an update: never a stale encoding.
    const before = await c.findOne({ _id: 2 }, { projection: { s: 1, i: 1 } })
    expect(before).to.deep.equal({ _id: 2, s: typed.s, i: 7 })
    await c.updateOne({ _id: 2 }, { $set: { s: 'жаңа', i: 8 } })
    expect(await c.findOne({ _id: 2 }, { projection: { s: 1, i: 1 } })).to.deep.equal({ _id: 2, s: 'жаңа', i: 8 })
    expect(await c.findOne({ _id: 2 }, { projection: { o: 0, arr: 0, _id: 0 } })).to.include({ first: 2, s: 'жаңа' })
    expect(await c.findOne({ _id: 2 })).to.deep.include({ _id: 2, first: 2, s: 'жаңа', i: 8, o: typed.o })
    // The dotted-path projection (projection.ts) agrees with the encoded one on everything else.
    const tree = await viaTree({ s: 1, i: 1, first: 1 })
    const enc = await c.find({}, { projection: { s: 1, i: 1, first: 1 } }).toArray()
    expect(enc).to.deep.equal(tree)
  })

  it('findOneAndUpdate returns the positional projection of the updated document', async () => {
    const c = te.client.db('sem_p').collection<AnyDoc>('fam')
    await c.insertOne(DOC)
    const got = await c.findOneAndUpdate(
      { 'kids.n': 'a' },
      { $set: { 'kids.$.v': 10 } },
      { projection: { 'kids.$': 1 }, returnDocument: 'after' },
    )
    expect(got).to.deep.equal({ _id: 1, kids: [{ n: 'a', v: 10 }] })
  })
})
