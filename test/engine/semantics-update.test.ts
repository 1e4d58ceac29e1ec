// Update semantics through the real driver, as a table: seed document, update (and filter), then either
// the document MongoDB leaves or the error code it answers. Each row was checked against MongoDB's manual
// for the operator (positional `$`, type rules, path viability, conflicts, field order).
import { expect } from 'chai'
import * as BSON from 'bson'
import { startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

interface Row {
  name: string
  seed: AnyDoc
  filter?: AnyDoc
  update: AnyDoc | AnyDoc[]
  arrayFilters?: AnyDoc[]
  upsert?: boolean
  /** document after the update */ expect?: AnyDoc
  /** or the error code */ code?: number
  modified?: number
}

const kids = [
  { n: 'a', v: 1 },
  { n: 'b', v: 2 },
]

const ROWS: Row[] = [
  // positional $
  {
    name: 'positional $ on an array of documents',
    seed: { _id: 1, kids },
    filter: { 'kids.n': 'b' },
    update: { $set: { 'kids.$.n': 'B' } },
    expect: { _id: 1, kids: [kids[0], { n: 'B', v: 2 }] },
  },
  {
    name: 'positional $ on scalars',
    seed: { _id: 1, arr: [1, 2, 3] },
    filter: { arr: 2 },
    update: { $set: { 'arr.$': 20 } },
    expect: { _id: 1, arr: [1, 20, 3] },
  },
  {
    name: 'positional $ with $elemMatch and $inc',
    seed: { _id: 1, kids },
    filter: { kids: { $elemMatch: { v: { $gte: 2 } } } },
    update: { $inc: { 'kids.$.v': 10 } },
    expect: { _id: 1, kids: [kids[0], { n: 'b', v: 12 }] },
  },
  {
    name: 'positional $ with a range query',
    seed: { _id: 1, arr: [5, 1, 9] },
    filter: { _id: 1, arr: { $gt: 6 } },
    update: { $unset: { 'arr.$': 1 } },
    expect: { _id: 1, arr: [5, 1, null] },
  },
  {
    name: 'positional $ without the array in the query is BadValue',
    seed: { _id: 1, arr: [1, 2] },
    filter: { _id: 1 },
    update: { $set: { 'arr.$': 0 } },
    code: 2,
  },
  {
    name: '$[] and $[id] with arrayFilters',
    seed: { _id: 1, kids },
    update: { $set: { 'kids.$[].x': 1, 'kids.$[k].y': 2 } },
    arrayFilters: [{ 'k.v': { $gt: 1 } }],
    expect: {
      _id: 1,
      kids: [
        { ...kids[0], x: 1 },
        { ...kids[1], x: 1, y: 2 },
      ],
    },
  },
  {
    name: "mongoose's timestamps shape: kids.$[].x and kids.$[].y do not conflict",
    seed: { _id: 1, kids },
    update: { $set: { 'kids.$[].x': 1, 'kids.$[].y': 2 } },
    expect: { _id: 1, kids: kids.map((k) => ({ ...k, x: 1, y: 2 })) },
  },
  { name: 'a real conflict is 40', seed: { _id: 1, a: { b: 1 } }, update: { $set: { a: 1, 'a.b': 2 } }, code: 40 },
  { name: 'conflict across operators', seed: { _id: 1, a: 1 }, update: { $set: { a: 1 }, $inc: { a: 2 } }, code: 40 },
  // type errors
  { name: '$inc on a string is TypeMismatch', seed: { _id: 1, s: 'x' }, update: { $inc: { s: 1 } }, code: 14 },
  { name: '$inc with a string argument', seed: { _id: 1, n: 1 }, update: { $inc: { n: 'x' } }, code: 14 },
  { name: '$mul on a string', seed: { _id: 1, s: 'x' }, update: { $mul: { s: 2 } }, code: 14 },
  { name: '$push on a number is BadValue', seed: { _id: 1, n: 1 }, update: { $push: { n: 1 } }, code: 2 },
  { name: '$addToSet on a number', seed: { _id: 1, n: 1 }, update: { $addToSet: { n: 1 } }, code: 2 },
  { name: '$pull on a number', seed: { _id: 1, n: 1 }, update: { $pull: { n: 1 } }, code: 2 },
  { name: '$pullAll with a non-array', seed: { _id: 1, a: [1] }, update: { $pullAll: { a: 1 } }, code: 2 },
  { name: '$pop on a number', seed: { _id: 1, n: 1 }, update: { $pop: { n: 1 } }, code: 14 },
  { name: '$pop with 2', seed: { _id: 1, a: [1] }, update: { $pop: { a: 2 } }, code: 9 },
  { name: '$bit on a string', seed: { _id: 1, s: 'x' }, update: { $bit: { s: { and: 1 } } }, code: 2 },
  { name: '$rename to a non-string', seed: { _id: 1, a: 1 }, update: { $rename: { a: 1 } }, code: 2 },
  { name: '$currentDate with a bad $type', seed: { _id: 1 }, update: { $currentDate: { d: { $type: 'x' } } }, code: 2 },
  {
    name: '$set through an array of documents is PathNotViable',
    seed: { _id: 1, kids },
    update: { $set: { 'kids.n': 'z' } },
    code: 28,
  },
  { name: '$set through a scalar is PathNotViable', seed: { _id: 1, a: 5 }, update: { $set: { 'a.b': 1 } }, code: 28 },
  { name: '$inc through null', seed: { _id: 1, a: null }, update: { $inc: { 'a.b': 1 } }, code: 28 },
  { name: 'empty path component', seed: { _id: 1 }, update: { $set: { 'a..b': 1 } }, code: 56 },
  // results
  {
    name: 'new fields in lexicographic order (MongoDB 5)',
    seed: { _id: 1 },
    update: { $set: { b: 1, a: 1 }, $inc: { c: 1 } },
    expect: { _id: 1, a: 1, b: 1, c: 1 },
  },
  {
    name: '$set a.5 pads with null',
    seed: { _id: 1, a: [1] },
    update: { $set: { 'a.3': 4 } },
    expect: { _id: 1, a: [1, null, null, 4] },
  },
  {
    name: '$unset of a missing field is a no-op',
    seed: { _id: 1 },
    update: { $unset: { 'x.y': '' } },
    expect: { _id: 1 },
    modified: 0,
  },
  { name: '$mul missing → 0', seed: { _id: 1 }, update: { $mul: { m: 5 } }, expect: { _id: 1, m: 0 } },
  {
    name: '$min/$max',
    seed: { _id: 1, lo: 5, hi: 5 },
    update: { $min: { lo: 2 }, $max: { hi: 9 } },
    expect: { _id: 1, lo: 2, hi: 9 },
  },
  {
    name: '$push $each $sort $slice $position',
    seed: { _id: 1, a: [3, 1] },
    update: { $push: { a: { $each: [5, 2], $sort: -1, $slice: 3 } } },
    expect: { _id: 1, a: [5, 3, 2] },
  },
  {
    name: '$push $position',
    seed: { _id: 1, a: [1, 2] },
    update: { $push: { a: { $each: [9], $position: 1 } } },
    expect: { _id: 1, a: [1, 9, 2] },
  },
  {
    name: '$push $sort by field',
    seed: { _id: 1, a: [{ s: 2 }, { s: 1 }] },
    update: { $push: { a: { $each: [{ s: 3 }], $sort: { s: 1 } } } },
    expect: { _id: 1, a: [{ s: 1 }, { s: 2 }, { s: 3 }] },
  },
  {
    name: '$addToSet $each',
    seed: { _id: 1, a: [1] },
    update: { $addToSet: { a: { $each: [1, 2, 2] } } },
    expect: { _id: 1, a: [1, 2] },
  },
  {
    name: "$pull with $or (mongoose's DocumentArray#pull)",
    seed: { _id: 1, kids },
    update: { $pull: { kids: { $or: [{ n: 'a' }] } } },
    expect: { _id: 1, kids: [kids[1]] },
  },
  {
    name: '$pull with an operator condition',
    seed: { _id: 1, a: [1, 5, 8] },
    update: { $pull: { a: { $gte: 5 } } },
    expect: { _id: 1, a: [1] },
  },
  {
    name: '$pull by document fields',
    seed: { _id: 1, kids },
    update: { $pull: { kids: { v: 2 } } },
    expect: { _id: 1, kids: [kids[0]] },
  },
  {
    name: '$pullAll',
    seed: { _id: 1, a: [1, 2, 3, 1] },
    update: { $pullAll: { a: [1, 3] } },
    expect: { _id: 1, a: [2] },
  },
  { name: '$pop -1', seed: { _id: 1, a: [1, 2] }, update: { $pop: { a: -1 } }, expect: { _id: 1, a: [2] } },
  {
    name: '$bit and/or/xor',
    seed: { _id: 1, b: 13 },
    update: { $bit: { b: { and: 10, or: 1 } } },
    expect: { _id: 1, b: 9 },
  },
  {
    name: '$rename',
    seed: { _id: 1, a: 1, c: { d: 2 } },
    update: { $rename: { a: 'z', 'c.d': 'c.e' } },
    expect: { _id: 1, c: { e: 2 }, z: 1 },
  },
  {
    name: '$setOnInsert ignored on update',
    seed: { _id: 1, a: 1 },
    update: { $setOnInsert: { b: 1 } },
    expect: { _id: 1, a: 1 },
    modified: 0,
  },
  {
    name: 'a __proto__ key inside a $set value is kept',
    seed: { _id: 1 },
    update: { $set: { o: JSON.parse('{"__proto__": {"x": 1}, "y": 2}') } },
    expect: { _id: 1, o: JSON.parse('{"__proto__": {"x": 1}, "y": 2}') },
  },
  {
    name: 'changing only a Binary subtype is written',
    seed: { _id: 1, b: new BSON.Binary(Buffer.from('ab'), 0) },
    update: { $set: { b: new BSON.Binary(Buffer.from('ab'), 5) } },
    expect: { _id: 1, b: new BSON.Binary(Buffer.from('ab'), 5) },
    modified: 1,
  },
  {
    name: 'upsert accepts a top-level $-prefixed field in $set (MongoDB 5+)',
    seed: { _id: 0 },
    filter: { _id: 7 },
    upsert: true,
    update: { $set: { phone: 1, $hotel: 2 } },
    expect: { _id: 7, $hotel: 2, phone: 1 },
  },
  { name: 'the same $set on an existing document is 52', seed: { _id: 1 }, update: { $set: { $hotel: 2 } }, code: 52 },
  {
    name: 'a nested $-prefixed field name is a plain field in $set',
    seed: { _id: 1, address: { $street: 'Elm' } },
    update: { $set: { 'address.$street': 'Oak' } },
    expect: { _id: 1, address: { $street: 'Oak' } },
  },
  {
    name: 'upsert with a $-prefixed field inside a $set value is accepted',
    seed: { _id: 0 },
    filter: { _id: 7 },
    upsert: true,
    update: { $set: { w: { $v: 1, n: 2 } } },
    expect: { _id: 7, w: { $v: 1, n: 2 } },
  },
  {
    name: 'upsert with positional $ and no array match is BadValue',
    seed: { _id: 0 },
    filter: { _id: 8, 'kids.n': 'q' },
    upsert: true,
    update: { $set: { 'kids.$.n': 'z' } },
    code: 2,
  },
]

describe('embedded engine: update semantics (MongoDB rules, real driver)', () => {
  let te: TestEngine
  before(async () => {
    te = await startTestEngine()
  })
  after(async () => te?.stop())

  ROWS.forEach((r, i) => {
    it(r.name, async () => {
      const c = te.client.db('sem_upd').collection<AnyDoc>(`t${i}`)
      await c.insertOne(r.seed)
      const run = c.updateOne(r.filter ?? { _id: r.seed._id }, r.update, {
        arrayFilters: r.arrayFilters,
        upsert: r.upsert,
      })
      if (r.code !== undefined) {
        const err = await run.then(
          () => undefined,
          (e: { code?: number }) => e,
        )
        expect(err, 'expected an error').to.not.equal(undefined)
        expect(err).to.have.property('code', r.code)
        return
      }
      const res = await run
      if (r.modified !== undefined) expect(res.modifiedCount).to.equal(r.modified)
      const id = r.upsert ? res.upsertedId : r.seed._id
      const got = await c.findOne({ _id: id as never })
      expect(got).to.deep.equal(r.expect)
      if (r.expect) expect(Object.keys(got!)).to.deep.equal(Object.keys(r.expect))
    })
  })

  it('a document over 16 MiB after an update is refused and not stored', async () => {
    const c = te.client.db('sem_upd').collection<AnyDoc>('big')
    await c.insertOne({ _id: 1, s: 'x'.repeat(9 * 1024 * 1024) })
    const err = await c.updateOne({ _id: 1 }, { $set: { t: 'y'.repeat(9 * 1024 * 1024) } }).catch((e) => e)
    expect(err).to.have.property('code', 17419)
    expect((await c.findOne({ _id: 1 }))!.t).to.equal(undefined)
  })

  it('an insert over 16 MiB is BSONObjectTooLarge', async () => {
    const c = te.client.db('sem_upd').collection<AnyDoc>('big2')
    const err = await c.insertOne({ _id: 1, s: 'x'.repeat(16 * 1024 * 1024) }).catch((e) => e)
    expect(err).to.have.property('code').that.is.oneOf([10334, 2])
    expect(await c.countDocuments()).to.equal(0)
  })
})
