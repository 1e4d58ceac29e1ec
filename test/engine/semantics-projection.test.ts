// Projection semantics (MongoDB 4.4+) through the real driver: filter + projection → the document MongoDB
// returns, or its error code.
import { expect } from 'chai'
import type * as BSON from 'bson'
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
