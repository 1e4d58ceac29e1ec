// Collation through the real driver: Kazakh and Russian order (checked against Intl.Collator, which is ICU
// as in mongod), strength 1/2 equality in queries, and collation on sort, aggregate, count, distinct,
// updates, deletes, a collection default and a (non-unique) index.
import { expect } from 'chai'
import { startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

// The Kazakh alphabet's own letters sit right after their Russian neighbours: А Ә Б … Г Ғ … К Қ … Н Ң …
// О Ө … У Ұ Ү … Х Һ … and І after Я-less end; a code-point sort puts them all after Я.
const KK = [
  'Ұлан',
  'Әсем',
  'Ғалым',
  'Арман',
  'Қайрат',
  'Бота',
  'Нұрлан',
  'Ңғ',
  'Һижра',
  'Іңкәр',
  'Өмір',
  'Үміт',
  'Гүл',
  'Кенес',
  'Оразбек',
  'Уәлихан',
  'Хан',
]
const KK_ORDER = [
  'Арман',
  'Әсем',
  'Бота',
  'Гүл',
  'Ғалым',
  'Кенес',
  'Қайрат',
  'Нұрлан',
  'Ңғ',
  'Оразбек',
  'Өмір',
  'Уәлихан',
  'Ұлан',
  'Үміт',
  'Хан',
  'Һижра',
  'Іңкәр',
]

describe('embedded engine: collation (ICU via Intl.Collator)', () => {
  let te: TestEngine
  const names = () => te.client.db('coll').collection<AnyDoc>('names')
  before(async () => {
    te = await startTestEngine()
    await names().insertMany(KK.map((n, i) => ({ _id: i, n })))
    await te.client
      .db('coll')
      .collection<AnyDoc>('ru')
      .insertMany(['ёж', 'Елена', 'ель', 'Жанна', 'яблоко', 'Анна', 'алина'].map((n, i) => ({ _id: i, n })))
  })
  after(async () => te?.stop())

  it('sorts Kazakh names in Kazakh alphabet order, as Intl.Collator("kk") does', async () => {
    const got = (
      await names()
        .find({}, { collation: { locale: 'kk' } })
        .sort({ n: 1 })
        .toArray()
    ).map((d) => d.n)
    expect(got).to.deep.equal(KK_ORDER)
    expect(got).to.deep.equal([...KK].sort(new Intl.Collator('kk').compare))
    const plain = (await names().find({}).sort({ n: 1 }).toArray()).map((d) => d.n)
    expect(plain).to.not.deep.equal(KK_ORDER) // without collation: binary order, as in MongoDB
  })

  it('pages a collated sort with skip and limit over many documents (first rows kept in order, ties stable)', async () => {
    // The council list's shape: a numeric rank, then a name under the collation, then _id; limit ≪ count.
    const c = te.client.db('coll').collection<AnyDoc>('paged')
    const rows = Array.from({ length: 240 }, (_, i) => ({
      _id: i,
      rank: i % 3,
      n: KK[(i * 7) % KK.length],
      archivedAt: null,
    }))
    await c.insertMany(rows)
    const kk = new Intl.Collator('kk').compare
    const expected = [...rows].sort((a, b) => a.rank - b.rank || kk(a.n, b.n) || a._id - b._id).map((r) => r._id)
    for (const [skip, limit] of [
      [0, 21],
      [3, 7],
      [50, 10],
      [0, 1],
    ]) {
      const got = await c
        .find({ archivedAt: null }, { collation: { locale: 'kk' }, projection: { _id: 1 } })
        .sort({ rank: 1, n: 1, _id: 1 })
        .skip(skip)
        .limit(limit)
        .toArray()
      expect(got.map((d) => d._id)).to.deep.equal(expected.slice(skip, skip + limit))
    }
    // Without _id in the sort, equal keys keep their natural (insertion) order, as the full sort does.
    const ties = await c
      .find({}, { collation: { locale: 'kk' } })
      .sort({ n: -1 })
      .limit(12)
      .toArray()
    const tiesAll = await c
      .find({}, { collation: { locale: 'kk' } })
      .sort({ n: -1 })
      .toArray()
    expect(ties.map((d) => d._id)).to.deep.equal(tiesAll.slice(0, 12).map((d) => d._id))
  })

  it('sorts descending and in aggregate ($match + $sort) with the collation', async () => {
    const desc = (
      await names()
        .find({}, { collation: { locale: 'kk' } })
        .sort({ n: -1 })
        .toArray()
    ).map((d) => d.n)
    expect(desc).to.deep.equal([...KK_ORDER].reverse())
    const agg = await names()
      .aggregate([{ $match: {} }, { $sort: { n: 1 } }, { $project: { _id: 0, n: 1 } }], { collation: { locale: 'kk' } })
      .toArray()
    expect(agg.map((d) => d.n)).to.deep.equal(KK_ORDER)
  })

  it('sorts Russian with ё after е and case ignored at strength 1', async () => {
    const ru = te.client.db('coll').collection<AnyDoc>('ru')
    const got = (
      await ru
        .find({}, { collation: { locale: 'ru' } })
        .sort({ n: 1 })
        .toArray()
    ).map((d) => d.n)
    expect(got).to.deep.equal(
      ['алина', 'Анна', 'ель', 'Елена', 'ёж', 'Жанна', 'яблоко'].sort(new Intl.Collator('ru').compare),
    )
    expect(await ru.countDocuments({ n: 'анна' }, { collation: { locale: 'ru', strength: 1 } })).to.equal(1)
    expect(await ru.countDocuments({ n: 'анна' })).to.equal(0)
    expect(await ru.countDocuments({ n: 'ёж' }, { collation: { locale: 'ru', strength: 1 } })).to.equal(1)
  })

  it('matches case-insensitively at strength 2 in find, $in, ranges, update and delete', async () => {
    const c = te.client.db('coll').collection<AnyDoc>('ci')
    await c.insertMany([
      { _id: 1, e: 'Aida@Kenes.kz' },
      { _id: 2, e: 'bolat@kenes.kz' },
    ])
    const ci = { locale: 'en', strength: 2 }
    expect((await c.findOne({ e: 'aida@kenes.kz' }, { collation: ci }))?._id).to.equal(1)
    expect(await c.findOne({ e: 'aida@kenes.kz' })).to.equal(null)
    expect(await c.countDocuments({ e: { $in: ['AIDA@KENES.KZ', 'x'] } }, { collation: ci })).to.equal(1)
    expect(await c.countDocuments({ e: { $gte: 'B' } }, { collation: ci })).to.equal(1)
    const u = await c.updateOne({ e: 'BOLAT@KENES.KZ' }, { $set: { seen: true } }, { collation: ci })
    expect(u.modifiedCount).to.equal(1)
    expect(await c.distinct('e', {}, { collation: ci })).to.have.length(2)
    await c.insertOne({ _id: 3, e: 'AIDA@KENES.KZ' })
    expect(await c.distinct('e', {}, { collation: ci })).to.have.length(2)
    expect(await c.distinct('e')).to.have.length(3)
    await c.deleteOne({ _id: 3 })
    const d = await c.deleteOne({ e: 'AIDA@kenes.KZ' }, { collation: ci })
    expect(d.deletedCount).to.equal(1)
  })

  it("applies a collection's default collation, and keeps an index's collation", async () => {
    const db = te.client.db('coll')
    await db.createCollection('people', { collation: { locale: 'kk', strength: 1 } })
    const p = db.collection<AnyDoc>('people')
    await p.insertMany(KK.map((n, i) => ({ _id: i, n })))
    expect((await p.find({}).sort({ n: 1 }).toArray()).map((d) => d.n)).to.deep.equal(KK_ORDER)
    expect(await p.countDocuments({ n: 'арман' })).to.equal(1)
    await p.createIndex({ n: 1 }, { collation: { locale: 'kk' }, name: 'n_kk' })
    const ix = (await p.listIndexes().toArray()).find((i) => i.name === 'n_kk')
    expect(ix?.collation).to.include({ locale: 'kk' })
  })

  it('refuses a malformed collation', async () => {
    const err = await names()
      .find({}, { collation: { strength: 2 } as never })
      .toArray()
      .catch((e) => e)
    expect(err).to.have.property('code').that.is.oneOf([40414, 2])
  })
})
