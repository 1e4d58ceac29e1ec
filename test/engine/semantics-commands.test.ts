// Commands and collection options through the real driver: $jsonSchema validators (121), collMod,
// listIndexes' _id_ spec, hint, setParameter, clusteredIndex and database-level aggregate with $documents.
import { expect } from 'chai'
import { startTestEngine, type AnyDoc, type TestEngine } from './engine-helpers.js'

const codeOf = (p: Promise<unknown>): Promise<number | undefined> =>
  p.then(
    () => undefined,
    (e: { code?: number }) => e.code,
  )

describe('embedded engine: commands (MongoDB rules, real driver)', () => {
  let te: TestEngine
  const db = () => te.client.db('sem_cmd')
  before(async () => {
    te = await startTestEngine()
  })
  after(async () => te?.stop())

  it('refuses a document its $jsonSchema validator rejects with DocumentValidationFailure 121', async () => {
    await db().createCollection('people', {
      validator: {
        $jsonSchema: {
          bsonType: 'object',
          required: ['name'],
          properties: { name: { bsonType: 'string', minLength: 2 }, age: { bsonType: 'int', minimum: 0 } },
        },
      },
    })
    const p = db().collection<AnyDoc>('people')
    await p.insertOne({ _id: 1, name: 'Айгерім', age: 30 })
    expect(await codeOf(p.insertOne({ _id: 2, age: 3 }))).to.equal(121)
    expect(await codeOf(p.insertOne({ _id: 3, name: 'A' }))).to.equal(121)
    expect(await codeOf(p.updateOne({ _id: 1 }, { $set: { age: -1 } }))).to.equal(121)
    expect(await codeOf(p.updateOne({ _id: 9 }, { $set: { age: 1 } }, { upsert: true }))).to.equal(121)
    expect(await codeOf(p.findOneAndUpdate({ _id: 1 }, { $unset: { name: '' } }))).to.equal(121)
    expect(await p.countDocuments()).to.equal(1)
    await p.insertOne({ _id: 4 }, { bypassDocumentValidation: true })
    expect(await p.countDocuments({ $jsonSchema: { required: ['name'] } })).to.equal(1)
  })

  it('collMod changes the validator and its level; options survive in listCollections', async () => {
    await db().createCollection('mod')
    const m = db().collection<AnyDoc>('mod')
    await m.insertOne({ _id: 1, n: 'x' })
    await db().command({ collMod: 'mod', validator: { n: { $type: 'number' } }, validationLevel: 'moderate' })
    expect(await codeOf(m.insertOne({ _id: 2, n: 'y' }))).to.equal(121)
    await m.updateOne({ _id: 1 }, { $set: { other: 1 } }) // moderate: an already-invalid document may change
    const info = (await db().listCollections({ name: 'mod' }).toArray())[0] as AnyDoc
    expect(info.options).to.deep.include({ validationLevel: 'moderate' })
    await db().command({ collMod: 'mod', validationAction: 'warn' })
    await m.insertOne({ _id: 3, n: 'z' })
    expect(await codeOf(db().command({ collMod: 'mod', bogus: 1 }))).to.equal(40415)
    expect(await codeOf(db().command({ collMod: 'nope', validator: {} }))).to.equal(26)
  })

  it('listIndexes never says unique on _id_', async () => {
    const c = db().collection<AnyDoc>('ix')
    await c.insertOne({ _id: 1, e: 'a' })
    await c.createIndex({ e: 1 }, { unique: true })
    const ixs = await c.listIndexes().toArray()
    expect(ixs.find((i) => i.name === '_id_')).to.not.have.property('unique')
    expect(ixs.find((i) => i.name === 'e_1')).to.have.property('unique', true)
  })

  it('uses a hinted index and refuses a hint that names no index', async () => {
    const c = db().collection<AnyDoc>('hint')
    await c.insertMany([
      { _id: 1, a: 1, b: 2 },
      { _id: 2, a: 2, b: 1 },
    ])
    await c.createIndex({ b: 1 })
    expect(await codeOf(c.find({ a: 1 }).hint('nope_1').toArray())).to.equal(2)
    expect(await codeOf(c.find({ a: 1 }).hint({ zz: 1 }).toArray())).to.equal(2)
    expect(await codeOf(c.countDocuments({ a: 1 }, { hint: 'nope' }))).to.equal(2)
    expect(await codeOf(c.updateOne({ a: 1 }, { $set: { x: 1 } }, { hint: 'nope' }))).to.equal(2)
    expect((await c.find({ a: 1 }).hint({ b: 1 }).toArray()).map((d) => d._id)).to.deep.equal([1])
    const ex = await c
      .find({ b: { $gte: 0 } })
      .hint('b_1')
      .explain()
    expect(JSON.stringify(ex.queryPlanner.winningPlan)).to.include('b_1')
    expect(await c.find({}).hint({ $natural: 1 }).toArray()).to.have.length(2)
  })

  it('answers setParameter like mongod', async () => {
    const admin = te.client.db('admin')
    const r = await admin.command({ setParameter: 1, notablescan: false })
    expect(r).to.include({ ok: 1, was: false })
    expect(await codeOf(admin.command({ setParameter: 1, noSuchParameter: 1 }))).to.equal(72)
  })

  it('accepts clusteredIndex on _id and refuses any other key', async () => {
    await db().createCollection('clustered', { clusteredIndex: { key: { _id: 1 }, unique: true } })
    const c = db().collection<AnyDoc>('clustered')
    await c.insertOne({ _id: 5, v: 1 })
    expect(await c.findOne({ _id: 5 })).to.deep.equal({ _id: 5, v: 1 })
    expect(
      await codeOf(db().createCollection('clustered2', { clusteredIndex: { key: { v: 1 }, unique: true } })),
    ).to.equal(2)
  })

  it('runs a database-level aggregate with $documents', async () => {
    const out = await db()
      .aggregate([
        { $documents: [{ x: 1 }, { x: 2 }, { x: 3 }] },
        { $match: { x: { $gte: 2 } } },
        { $project: { _id: 0, x: 1 } },
      ])
      .toArray()
    expect(out).to.deep.equal([{ x: 2 }, { x: 3 }])
    expect(
      await codeOf(
        db()
          .aggregate([{ $match: {} }])
          .toArray(),
      ),
    ).to.equal(73)
  })
})
