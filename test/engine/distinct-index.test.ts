// `distinct` answered from an index (MongoDB's DISTINCT_SCAN) where that gives exactly what the documents
// give. Every case runs the same distinct on two collections holding the same documents, one with the
// index and one without, and compares the values with their BSON types (canonical EJSON, sorted: distinct
// promises no order); where the index must be used, explain says DISTINCT_SCAN and no document is examined.
import { expect } from 'chai'
import { Decimal128, Double, EJSON, Int32, Long, ObjectId, type Document } from 'bson'
import type { Collection, CreateIndexesOptions, IndexSpecification } from 'mongodb'
import { scanned, startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

describe('embedded engine: distinct from an index (DISTINCT_SCAN)', () => {
  let t: TestEngine
  let ix: Collection<AnyDoc> // with the index under test
  let plain: Collection<AnyDoc> // same documents, only the _id index
  const db = () => t.client.db('distinct_ix')
  before(async () => {
    t = await startTestEngine()
  })
  after(async () => t?.stop())
  beforeEach(async () => {
    const name = `c${Math.random().toString(36).slice(2)}`
    ix = db().collection<AnyDoc>(`${name}_ix`)
    plain = db().collection<AnyDoc>(`${name}_plain`)
  })

  /** The same write on both collections. */
  async function both(write: (c: Collection<AnyDoc>) => Promise<unknown>): Promise<void> {
    await write(ix)
    await write(plain)
  }

  async function setup(docs: AnyDoc[], key: IndexSpecification, opts: CreateIndexesOptions = {}): Promise<void> {
    await ix.createIndex(key, opts)
    await both((c) => c.insertMany(docs.map((d) => ({ ...d }))))
  }

  /** The distinct values as the wire carries them (no promotion), as sorted canonical EJSON strings. */
  async function values(c: Collection<AnyDoc>, key: string, query: Document, extra: Document = {}): Promise<string[]> {
    const r = await db().command(
      { distinct: c.collectionName, key, query, ...extra },
      { promoteValues: false, promoteLongs: false },
    )
    return (r.values as unknown[]).map((v) => EJSON.stringify(v, { relaxed: false })).sort()
  }

  async function explain(c: Collection<AnyDoc>, key: string, query: Document, extra: Document = {}): Promise<Document> {
    return db().command({
      explain: { distinct: c.collectionName, key, query, ...extra },
      verbosity: 'executionStats',
    })
  }

  /**
   * Values from the indexed collection equal the document path's; `index` names the index whose
   * DISTINCT_SCAN must answer without examining documents (or false: it must not be used). Returns the values.
   */
  async function check(key: string, query: Document, index: string | false, extra: Document = {}): Promise<string[]> {
    const expected = await values(plain, key, query, extra)
    const before = await scanned(t.client)
    const got = await values(ix, key, query, extra)
    const examined = (await scanned(t.client)) - before
    expect(got, `distinct(${key}, ${JSON.stringify(query)})`).to.deep.equal(expected)
    const ex = await explain(ix, key, query, extra)
    const plan = ex.queryPlanner.winningPlan
    if (index) {
      expect(plan.inputStage?.stage, JSON.stringify(plan)).to.equal('DISTINCT_SCAN')
      expect(plan.inputStage.indexName).to.equal(index)
      expect(ex.executionStats.totalDocsExamined).to.equal(0)
      expect(ex.executionStats.nReturned).to.equal(expected.length)
      expect(examined).to.equal(0)
    } else {
      expect(JSON.stringify(plan)).not.to.include('DISTINCT_SCAN')
    }
    return got
  }

  // almaty has every status, astana no 'draft', shymkent no 'closed'.
  const STATUSES = [
    ['open', 'closed', 'draft'],
    ['open', 'closed'],
    ['open', 'draft'],
  ]
  const councils = (n: number): AnyDoc[] =>
    Array.from({ length: n }, (_, i) => ({
      _id: i,
      councilId: ['almaty', 'astana', 'shymkent'][i % 3],
      status: STATUSES[i % 3][Math.floor(i / 3) % STATUSES[i % 3].length],
      n: i % 7,
    }))

  it('reads the values of an index field with an empty query, one key per value', async () => {
    await setup(councils(300), { councilId: 1, status: 1 })
    expect(await check('councilId', {}, 'councilId_1_status_1')).to.have.length(3)
    const ex = await explain(ix, 'councilId', {})
    // Skips past each value's entries instead of reading all 300 keys.
    expect(ex.executionStats.totalKeysExamined).to.be.at.most(4)
    expect(ex.executionStats.nReturned).to.equal(3)
  })

  it('answers equality prefixes (with the key before, after or among the bound fields)', async () => {
    await setup(councils(300), { councilId: 1, status: 1 })
    const i = 'councilId_1_status_1'
    expect(await check('status', { councilId: 'astana' }, i)).to.deep.equal(['"closed"', '"open"'])
    expect(await check('status', { councilId: 'shymkent' }, i)).to.deep.equal(['"draft"', '"open"'])
    await check('status', { councilId: 'almaty' }, i)
    await check('status', { councilId: { $eq: 'astana' } }, i)
    await check('status', { $and: [{ councilId: 'astana' }] }, i)
    await check('status', { councilId: 'nowhere' }, i)
    // The key bound too, and the key before a bound field: {status, councilId} is the index's prefix.
    await check('councilId', { councilId: 'astana' }, i)
    await check('status', { councilId: 'astana', status: 'closed' }, i)
    await check('status', { councilId: 'astana', status: 'draft' }, i)
    expect(await check('councilId', { status: 'closed' }, i)).to.deep.equal(['"almaty"', '"astana"'])
    expect(await check('councilId', { status: 'draft' }, i)).to.deep.equal(['"almaty"', '"shymkent"'])
  })

  it('falls back to the documents when the query is not an equality prefix with the key', async () => {
    await setup(councils(120), { councilId: 1, status: 1 })
    await check('status', {}, false) // status does not lead the index
    await check('n', { councilId: 'astana' }, false) // n is not in the index
    await check('status', { councilId: { $in: ['astana', 'almaty'] } }, false)
    await check('status', { councilId: { $gt: 'almaty' } }, false)
    await check('status', { councilId: 'astana', n: 3 }, false)
    await check('councilId', { status: { $ne: 'open' } }, false)
    await check('status', { councilId: /ast/ }, false)
    await check('councilId', {}, false, { hint: { _id: 1 } })
  })

  it('walks a descending and a single-field index, and _id', async () => {
    await setup(councils(90), { n: -1 })
    expect(await check('n', {}, 'n_-1')).to.have.length(7)
    await check('_id', {}, '_id_')
    await check('_id', { _id: 5 }, '_id_')
  })

  it('does not use a multikey, sparse, partial or hashed index', async () => {
    await ix.createIndex({ s: 1 }, { sparse: true })
    await ix.createIndex({ p: 1 }, { partialFilterExpression: { p: { $gt: 1 } } })
    await ix.createIndex({ h: 'hashed' })
    await ix.createIndex({ m: 1 })
    await both((c) =>
      c.insertMany([
        { _id: 1, s: 1, p: 1, h: 'a', m: 1 },
        { _id: 2, s: null, p: 2, h: 'b', m: 2 },
        { _id: 3, p: 3, h: 'a', m: 1 },
      ]),
    )
    await check('s', {}, false)
    await check('p', {}, false)
    await check('h', {}, false)
    await check('m', {}, 'm_1')
    await both((c) => c.insertOne({ _id: 4, m: [2, 3, [4]] }))
    const m = ['{"$numberInt":"1"}', '{"$numberInt":"2"}', '{"$numberInt":"3"}', '[{"$numberInt":"4"}]']
    expect(await check('m', {}, false)).to.deep.equal(m.sort())
    await check('m', { m: 2 }, false)
  })

  it('tells a missing field (no value) from an explicit null (a value)', async () => {
    await ix.createIndex({ k: 1, v: 1 })
    await both((c) => c.insertMany([{ _id: 1, k: 'a' }, { _id: 2, k: 'a', v: 1 }, { _id: 3, v: 2 }, { _id: 4 }]))
    // Only missing fields behind the null keys: no null value. Reading them costs document lookups.
    expect(await values(ix, 'v', { k: 'a' })).to.deep.equal(['{"$numberInt":"1"}'])
    expect(await values(ix, 'k', {})).to.deep.equal(['"a"'])
    expect(await values(ix, 'k', { k: null })).to.deep.equal([])
    const ex = await explain(ix, 'k', {})
    expect(ex.queryPlanner.winningPlan.inputStage.stage).to.equal('DISTINCT_SCAN')
    expect(ex.executionStats.totalDocsExamined).to.equal(2)
    await check('v', {}, false) // v does not lead the index
    // An explicit null is a value.
    await both((c) => c.insertOne({ _id: 5, k: null, v: null }))
    expect(await values(ix, 'k', {})).to.deep.equal(['"a"', 'null'])
    expect(await values(ix, 'k', { k: null })).to.deep.equal(['null'])
    expect(await values(ix, 'v', { k: null })).to.deep.equal(['null', '{"$numberInt":"2"}'].sort())
    for (const [key, q] of [
      ['k', {}],
      ['k', { k: null }],
      ['v', { k: null }],
      ['v', { k: 'a' }],
    ] as const) {
      expect(await values(ix, key, q)).to.deep.equal(await values(plain, key, q))
      expect((await explain(ix, key, q)).queryPlanner.winningPlan.inputStage.stage).to.equal('DISTINCT_SCAN')
    }
    // Dotted keys: a missing or scalar parent is no value either.
    await ix.createIndex({ 'a.b': 1 })
    await both((c) =>
      c.insertMany([
        { _id: 10, a: { b: 1 } },
        { _id: 11, a: 5 },
        { _id: 12, a: {} },
      ]),
    )
    expect(await values(ix, 'a.b', {})).to.deep.equal(['{"$numberInt":"1"}'])
    expect(await values(ix, 'a.b', {})).to.deep.equal(await values(plain, 'a.b', {}))
    await both((c) => c.insertOne({ _id: 13, a: { b: null } }))
    expect(await values(ix, 'a.b', {})).to.deep.equal(await values(plain, 'a.b', {}))
    expect(await values(ix, 'a.b', {})).to.include('null')
  })

  it('makes 1, 1.0 and Long 1 one value, and falls back once a field holds values it cannot tell apart', async () => {
    await setup(
      [
        { _id: 1, x: 1, y: 'a' },
        { _id: 2, x: new Double(1), y: 'a' },
        { _id: 3, x: Long.fromNumber(1), y: 'a' },
        { _id: 4, x: new Int32(2), y: 'b' },
        { _id: 5, x: 2.5, y: 'b' },
        { _id: 6, x: '1', y: 'b' },
        { _id: 7, x: true, y: 'c' },
        { _id: 8, x: new Date(5), y: 'c' },
        { _id: 9, x: new ObjectId('65f000000000000000000001'), y: 'c' },
      ],
      { x: 1, y: 1 },
    )
    expect(await check('x', {}, 'x_1_y_1')).to.have.length(7)
    await check('x', { x: 1 }, 'x_1_y_1')
    await check('y', { x: 1 }, 'x_1_y_1')
    await check('x', { y: 'c' }, 'x_1_y_1')
    // Values whose index order is not identity: Long beyond 2^53, Decimal128, -0, a document.
    const cases: [number, unknown][] = [
      [20, Long.fromString('1152921504606846976')],
      [21, Decimal128.fromString('2.5')],
      [22, new Double(-0)],
      [23, { z: 1 }],
    ]
    for (const [id, x] of cases) {
      // A fresh pair of collections per value, so each one alone turns the index path off.
      const name = `c${Math.random().toString(36).slice(2)}`
      ix = db().collection<AnyDoc>(`${name}_ix`)
      plain = db().collection<AnyDoc>(`${name}_plain`)
      await setup(
        [
          { _id: 1, x: 2.5, y: 'a' },
          { _id: 2, x: 0, y: 'a' },
          { _id: 3, x: 1152921504606846976, y: 'a' },
        ],
        { x: 1, y: 1 },
      )
      await check('x', {}, 'x_1_y_1')
      await both((c) => c.insertOne({ _id: id, x, y: 'a' }))
      await check('x', {}, false)
      await check('y', { x: 2.5 }, false)
      // Once those documents are gone the flag stays (like multikey), and the values stay right.
      await both((c) => c.deleteOne({ _id: id }))
      await check('x', {}, false)
    }
  })

  it('falls back under a collation: the collection default, the command one, or an index with one', async () => {
    const docs = [
      { _id: 1, e: 'Алма' },
      { _id: 2, e: 'алма' },
      { _id: 3, e: 'Астана' },
    ]
    const ci = { locale: 'ru', strength: 2 }
    await setup(docs, { e: 1 })
    await check('e', {}, 'e_1')
    expect(await check('e', {}, false, { collation: ci })).to.have.length(2)
    // An index built with a collation.
    const name = `c${Math.random().toString(36).slice(2)}`
    ix = db().collection<AnyDoc>(`${name}_ix`)
    plain = db().collection<AnyDoc>(`${name}_plain`)
    await setup(docs, { e: 1 }, { collation: ci })
    expect(await check('e', {}, false)).to.have.length(3)
    // A collection whose default collation is not simple (its indexes get it too).
    await db().createCollection(`${name}_cix`, { collation: ci })
    await db().createCollection(`${name}_cplain`, { collation: ci })
    ix = db().collection<AnyDoc>(`${name}_cix`)
    plain = db().collection<AnyDoc>(`${name}_cplain`)
    await setup(docs, { e: 1 })
    expect(await check('e', {}, false)).to.have.length(2)
  })

  it('stays right after updates and deletes', async () => {
    await setup(councils(150), { councilId: 1, status: 1 })
    const i = 'councilId_1_status_1'
    await both((c) => c.updateMany({ councilId: 'astana', status: 'closed' }, { $set: { status: 'archived' } }))
    await both((c) => c.deleteMany({ councilId: 'shymkent' }))
    await both((c) => c.updateOne({ _id: 0 }, { $set: { councilId: 'turkistan' } }))
    await both((c) => c.updateOne({ _id: 3 }, { $unset: { status: '' } }))
    await both((c) => c.replaceOne({ _id: 6 }, { councilId: 'almaty', status: null }))
    expect(await check('councilId', {}, i)).to.deep.equal(['"almaty"', '"astana"', '"turkistan"'])
    expect(await check('status', { councilId: 'astana' }, i)).to.deep.equal(['"archived"', '"open"'])
    expect(await check('status', { councilId: 'almaty' }, false, { hint: i })).to.include('null')
    // Without the hint the index answers; the null key's documents are read to tell null from missing.
    expect(await values(ix, 'status', { councilId: 'almaty' })).to.deep.equal(
      await values(plain, 'status', { councilId: 'almaty' }),
    )
    expect((await explain(ix, 'status', { councilId: 'almaty' })).queryPlanner.winningPlan.inputStage.stage).to.equal(
      'DISTINCT_SCAN',
    )
    await check('status', { councilId: 'shymkent' }, i)
    await check('councilId', { status: 'archived' }, i)
    await both((c) => c.deleteMany({}))
    expect(await check('councilId', {}, i)).to.deep.equal([])
  })

  it('reads the documents inside a transaction, so it sees its own writes', async () => {
    await setup(councils(30), { councilId: 1, status: 1 })
    const s = t.client.startSession()
    try {
      s.startTransaction()
      await ix.insertOne({ _id: 'new', councilId: 'aktau', status: 'open' }, { session: s })
      await ix.deleteMany({ councilId: 'almaty' }, { session: s })
      expect((await ix.distinct('councilId', {}, { session: s })).sort()).to.deep.equal(['aktau', 'astana', 'shymkent'])
      expect(await ix.distinct('status', { councilId: 'almaty' }, { session: s })).to.deep.equal([])
      // Outside the transaction: the committed state, from the index.
      await check('councilId', {}, 'councilId_1_status_1')
      await s.commitTransaction()
    } finally {
      await s.endSession()
    }
    await plain.insertOne({ _id: 'new', councilId: 'aktau', status: 'open' })
    await plain.deleteMany({ councilId: 'almaty' })
    expect(await check('councilId', {}, 'councilId_1_status_1')).to.have.length(3)
  })

  it('answers nothing for a missing collection and reads a view through its pipeline', async () => {
    expect((await db().command({ distinct: 'nope', key: 'a', query: {} })).values).to.deep.equal([])
    await setup(councils(30), { councilId: 1 })
    await db().createCollection(`${ix.collectionName}_v`, {
      viewOn: ix.collectionName,
      pipeline: [{ $match: { status: 'open' } }],
    })
    const v = db().collection<AnyDoc>(`${ix.collectionName}_v`)
    expect((await v.distinct('councilId', {})).sort()).to.deep.equal(
      (await plain.distinct('councilId', { status: 'open' })).sort(),
    )
  })
})
