// $lookup by equality run by the engine on indexes (server/db/embedded/lookup.ts): the same answers
// as MongoDB's rules (checked against fixed expectations and against mingo's own $lookup, which the
// engine still uses for `let` forms), with the foreign collection read through its index.
import { expect } from 'chai'
import { Long, type Db, type Document } from 'mongodb'
import { scanned, startTestEngine, type TestEngine } from './engine-helpers.js'

describe('embedded engine: $lookup by equality on indexes (real driver)', () => {
  let t: TestEngine
  let db: Db
  before(async () => {
    t = await startTestEngine()
    db = t.client.db('lookup')
    await db.collection('parents').insertMany([
      { _id: 1, k: 'a', name: 'one' },
      { _id: 2, k: ['a', 'b'], name: 'two' },
      { _id: 3, name: 'three, no k' },
      { _id: 4, k: null, name: 'four, null k' },
      { _id: 5, k: 'zz', name: 'five, no children' },
      { _id: 6, k: 'A', name: 'six, capital' },
    ] as never[])
    const kids: Document[] = []
    for (let i = 0; i < 300; i++) kids.push({ _id: 100 + i, p: `p${i % 30}`, status: i % 3 ? 'on' : 'off' })
    kids.push(
      { _id: 1, p: 'a', status: 'on', v: 1 },
      { _id: 2, p: 'a', status: 'off', v: 2 },
      { _id: 3, p: 'b', status: 'on', v: 3 },
      { _id: 4, p: null, status: 'on', v: 4 },
      { _id: 5, status: 'on', v: 5 },
      { _id: 6, p: ['a', 'c'], status: 'on', v: 6 },
    )
    await db.collection('kids').insertMany(kids as never[])
    await db.collection('kids').createIndex({ p: 1, status: 1 })
  })
  after(() => t.stop())

  const run = (pipeline: Document[], opts: Document = {}) =>
    db.collection('parents').aggregate(pipeline, opts).toArray()
  /** The same $lookup as mingo runs it (a `let` keeps it from the engine's own path). */
  const viaMingo = (stage: Document): Document => ({ $lookup: { ...stage.$lookup, let: {} } })
  const ids = (docs: Document[]) => docs.map((d) => d._id)

  it('matches scalars, array elements, and null or missing on both sides, as MongoDB does', async () => {
    const lookup = { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } }
    const out = await run([{ $match: { _id: { $lte: 5 } } }, lookup, { $sort: { _id: 1 } }])
    const byId = new Map(out.map((d) => [d._id, ids(d.kids as Document[]).sort((a, b) => a - b)]))
    expect(byId.get(1)).to.deep.equal([1, 2, 6]) // 'a', and the kid whose p array holds 'a'
    expect(byId.get(2)).to.deep.equal([1, 2, 3, 6]) // any element of ['a', 'b']
    expect(byId.get(3)).to.deep.equal([4, 5]) // missing k: kids whose p is null or missing
    expect(byId.get(4)).to.deep.equal([4, 5])
    expect(byId.get(5)).to.deep.equal([])
    expect(out.find((d) => d._id === 1)!.name, 'the other fields are kept').to.equal('one')
  })

  it('gives the same documents as mingo for every parent, and a pipeline runs on the equal ones only', async () => {
    const plain = { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } }
    const sort = { $sort: { _id: 1 } }
    const byKidId = (docs: Document[]) => [...docs].sort((a, b) => a._id - b._id)
    const mine = await run([plain, sort])
    const theirs = await run([viaMingo(plain), sort])
    const norm = (docs: Document[]) => docs.map((d) => ({ ...d, kids: byKidId(d.kids as Document[]) }))
    expect(norm(mine)).to.deep.equal(norm(theirs))
    expect(mine.map((d) => (d.kids as Document[]).length)).to.deep.equal([3, 4, 2, 2, 0, 0])

    // With a pipeline (MongoDB 5.0+: the equality, then the pipeline). mingo, given a `let` too, runs
    // the pipeline over every kid: the engine's own path is the one that follows MongoDB here.
    const piped = {
      $lookup: {
        from: 'kids',
        localField: 'k',
        foreignField: 'p',
        pipeline: [{ $match: { status: 'on' } }, { $project: { _id: 1, v: 1 } }, { $sort: { _id: 1 } }],
        as: 'kids',
      },
    }
    const expected = mine.map((d) => ({
      ...d,
      kids: byKidId((d.kids as Document[]).filter((k) => k.status === 'on')).map((k) => ({ _id: k._id, v: k.v })),
    }))
    expect(await run([piped, sort])).to.deep.equal(expected)
  })

  it('reads the foreign collection through its index, and counts from it', async () => {
    const before = await scanned(t.client)
    const [one] = await run([
      { $match: { _id: 1 } },
      {
        $lookup: {
          from: 'kids',
          localField: 'k',
          foreignField: 'p',
          pipeline: [{ $match: { status: 'on' } }, { $group: { _id: 1, n: { $sum: 1 } } }],
          as: 'on',
        },
      },
    ])
    expect(one.on).to.deep.equal([{ _id: 1, n: 2 }]) // kids 1 and 6 (kid 2 is off)
    // One parent by _id, no kid examined: the multikey index ('p' holds an array) is walked, not the 306 kids.
    expect((await scanned(t.client)) - before).to.be.below(10)

    const viaMingoBefore = await scanned(t.client)
    await run([
      { $match: { _id: 1 } },
      viaMingo({ $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'x' } }),
    ])
    expect((await scanned(t.client)) - viaMingoBefore, 'mingo reads every kid').to.be.at.least(306)
  })

  it('follows the aggregate collation in the equality, and keeps `as` in place over an existing field', async () => {
    const lookup = { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'name' } }
    const [six] = await run([{ $match: { _id: 6 } }, lookup], { collation: { locale: 'en', strength: 2 } })
    expect(Object.keys(six)).to.deep.equal(['_id', 'k', 'name'])
    expect(ids(six.name as Document[]).sort((a, b) => a - b)).to.deep.equal([1, 2, 6]) // 'A' equals 'a' at strength 2
    const [plain] = await run([{ $match: { _id: 6 } }, lookup])
    expect(plain.name).to.deep.equal([])
  })

  it('leaves stored documents untouched when later stages change what they get', async () => {
    await run([
      { $match: { _id: 1 } },
      { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } },
      { $unwind: '$kids' },
      { $set: { 'kids.v': 'changed' } },
    ])
    expect(await db.collection('kids').findOne({ _id: 1 } as never)).to.deep.equal({
      _id: 1,
      p: 'a',
      status: 'on',
      v: 1,
    })
  })

  it('runs inside a transaction on what the transaction sees', async () => {
    const session = t.client.startSession()
    try {
      session.startTransaction()
      await db.collection('kids').insertOne({ _id: 999, p: 'zz', status: 'on' } as never, { session })
      const [inside] = await db
        .collection('parents')
        .aggregate(
          [{ $match: { _id: 5 } }, { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } }],
          {
            session,
          },
        )
        .toArray()
      expect(ids(inside.kids as Document[])).to.deep.equal([999])
      await session.abortTransaction()
    } finally {
      await session.endSession()
    }
    const [five] = await run([
      { $match: { _id: 5 } },
      { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } },
    ])
    expect(five.kids).to.deep.equal([])
  })
  describe('edge cases (a review found them)', () => {
    let edge: Db
    before(async () => {
      edge = t.client.db('lookup_edge')
      await edge.collection('kids').insertMany([
        { _id: 1, p: 'a', v: 1 },
        { _id: 2, p: 'b', v: 2 },
        { _id: 3, p: 'zzz', v: 3 },
        { _id: 4, v: 4 }, // no p: matches a missing or null local value
        { _id: 5, p: { x: 1 }, v: 5 },
      ] as never[])
      await edge.collection('kids').createIndex({ p: 1 })
      // The same documents without an index on p: the join hashes them instead.
      await edge.collection('kidsNoIndex').insertMany((await edge.collection('kids').find().toArray()) as never[])
    })
    const join = (from: string, extra: Document = {}) => ({
      $lookup: { from, localField: 'k', foreignField: 'p', pipeline: [{ $project: { _id: 1 } }], as: 'kids', ...extra },
    })

    it('keeps each document to its own matches whatever the local values (documents, [], Long)', async () => {
      await edge.collection('parents').insertMany([
        { _id: 1, k: 'a' },
        { _id: 2, k: 'b' },
        { _id: 3, k: { x: 1 } },
        { _id: 4, k: [] },
        { _id: 5, k: Long.fromNumber(7) },
      ] as never[])
      for (const from of ['kids', 'kidsNoIndex']) {
        const out = await edge
          .collection('parents')
          .aggregate([join(from), { $sort: { _id: 1 } }])
          .toArray()
        expect(
          out.map((d) => ids(d.kids as Document[]).sort((a, b) => a - b)),
          from,
        ).to.deep.equal([
          [1],
          [2],
          [5],
          [4], // an empty array matches as null: the kid without p
          [],
        ])
      }
    })

    it('never changes stored documents, even when a later $project drops a nested field', async () => {
      await edge
        .collection('parents')
        .aggregate([
          { $match: { _id: 1 } },
          { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } },
          { $project: { 'kids.v': 0 } },
        ])
        .toArray()
      expect(await edge.collection('kids').countDocuments({ v: 1 })).to.equal(1)
      await edge.collection('nested').insertOne({ _id: 1, sub: { x: 1, y: 2 } } as never)
      const [projected] = await edge
        .collection('nested')
        .aggregate([{ $project: { 'sub.x': 0 } }])
        .toArray()
      expect(projected).to.deep.equal({ _id: 1, sub: { y: 2 } })
      expect(await edge.collection('nested').countDocuments({ 'sub.x': 1 })).to.equal(1)
    })

    it('follows a dotted localField through arrays to its end (missing there is null)', async () => {
      await edge.collection('deep').insertOne({ _id: 1, a: [{ b: 1 }] } as never)
      for (const from of ['kids', 'kidsNoIndex']) {
        const [d] = await edge
          .collection('deep')
          .aggregate([{ $lookup: { from, localField: 'a.b.c', foreignField: 'p', as: 'kids' } }])
          .toArray()
        expect(ids(d.kids as Document[]), from).to.deep.equal([4])
      }
    })

    it("compares under the aggregate's collation: the command's, else the local collection's", async () => {
      await edge.createCollection('loose', { collation: { locale: 'en', strength: 2 } })
      await edge.collection('loose').insertOne({ _id: 1, k: 'A' } as never)
      await edge.collection('strict').insertOne({ _id: 1, k: 'A' } as never)
      const via = (coll: string, opts: Document = {}) =>
        edge
          .collection(coll)
          .aggregate([{ $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } }], opts)
          .toArray()
      expect(ids((await via('loose'))[0].kids as Document[])).to.deep.equal([1])
      expect((await via('strict'))[0].kids).to.deep.equal([])
      const strength2 = { collation: { locale: 'en', strength: 2 } }
      expect(ids((await via('strict', strength2))[0].kids as Document[])).to.deep.equal([1])
    })

    it('gives one $$NOW to the whole command, and explain shows the outer read', async () => {
      const out = await edge
        .collection('parents')
        .aggregate([
          { $set: { t1: '$$NOW' } },
          { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'kids' } },
          { $set: { t2: '$$NOW' } },
        ])
        .toArray()
      expect(out.length).to.be.above(1)
      for (const d of out) expect(d.t2).to.deep.equal(d.t1)
      const plan = await edge
        .collection('parents')
        .aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'kids', localField: 'k', foreignField: 'p', as: 'x' } }])
        .explain()
      expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.not.include('p_1')
    })
  })
})
