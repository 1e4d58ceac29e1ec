// mongoose 9, unchanged, on the embedded engine: the features the app relies on.
// Each test builds its own data in its own database on one in-process engine.
import { expect } from 'chai'
import mongoose, { Mongoose, type Connection, Schema, Types } from 'mongoose'
import type { CommandStartedEvent } from 'mongodb'
import { startTempEngine, type TempEngine } from './unified/engine.js'

// A private Mongoose instance: the app's core/db.ts sets global options (sanitizeFilter, strict
// 'throw') on the default one as soon as any test file imports it, and this suite is about the
// engine, not about those settings.
const mg = new Mongoose()

describe('engine with mongoose', function () {
  this.timeout(60_000)
  let te: TempEngine
  let conn: Connection
  const extra: Connection[] = []
  const commands: string[] = []
  let dbSeq = 0

  before(async () => {
    te = await startTempEngine('mongoose')
  })
  beforeEach(async () => {
    // A fresh database per test: no state leaks between tests.
    conn = await mg.createConnection(te.uri, { dbName: `mg${++dbSeq}`, monitorCommands: true }).asPromise()
    commands.length = 0
    conn.getClient().on('commandStarted', (e: CommandStartedEvent) => commands.push(e.commandName))
  })
  afterEach(async () => {
    await Promise.all([conn, ...extra.splice(0)].map((c) => c.close()))
  })
  after(async () => {
    await te?.stop()
  })

  async function other(): Promise<Connection> {
    const c = await mg.createConnection(te.uri, { dbName: conn.name }).asPromise()
    extra.push(c)
    return c
  }

  const userSchema = (): Schema =>
    new Schema(
      {
        email: { type: String, required: true, unique: true, lowercase: true, trim: true },
        name: { type: String, required: true, minlength: 2 },
        role: { type: String, enum: ['member', 'admin'], default: 'member' },
        age: { type: Number, min: 0 },
        tags: { type: [String], default: [] },
      },
      { timestamps: true },
    )

  it('validates, applies defaults and timestamps', async () => {
    const User = conn.model('User', userSchema())
    const err = await User.create({ email: 'a@x.kz', name: 'A', age: -1, role: 'root' }).catch((e) => e)
    expect(err).to.be.instanceOf(mongoose.Error.ValidationError)
    expect(Object.keys(err.errors).sort()).to.deep.equal(['age', 'name', 'role'])
    expect(await User.countDocuments()).to.equal(0)

    const u = await User.create({ email: '  Ayan@X.kz ', name: 'Ayan' })
    const stored = await User.findById(u._id).lean()
    expect(stored).to.include({ email: 'ayan@x.kz', role: 'member' })
    expect(stored!.tags).to.deep.equal([])
    expect(stored!.createdAt).to.be.instanceOf(Date)
    const before = stored!.updatedAt as Date
    await User.updateOne({ _id: u._id }, { $set: { name: 'Ayan B' } })
    const after = await User.findById(u._id).lean()
    expect((after!.updatedAt as Date).getTime()).to.be.at.least(before.getTime())
    expect((after!.createdAt as Date).getTime()).to.equal((stored!.createdAt as Date).getTime())
  })

  it('surfaces a unique-index violation as E11000 with code, keyPattern and keyValue', async () => {
    const User = conn.model('User', userSchema())
    await User.init() // builds the unique index
    await User.create({ email: 'dup@x.kz', name: 'First' })
    const err = await User.create({ email: 'DUP@x.kz', name: 'Second' }).catch((e) => e)
    expect(err, String(err)).to.have.property('code', 11000)
    expect(err.keyValue).to.deep.equal({ email: 'dup@x.kz' })
    expect(err.keyPattern).to.deep.equal({ email: 1 })
    expect(err.message).to.match(/E11000 duplicate key error/)
    expect(await User.countDocuments()).to.equal(1)
    // Also through an update and an upsert.
    await User.create({ email: 'other@x.kz', name: 'Other' })
    const upd = await User.updateOne({ email: 'other@x.kz' }, { $set: { email: 'dup@x.kz' } }).catch((e) => e)
    expect(upd).to.have.property('code', 11000)
    const ups = await User.updateOne({ name: 'Nobody' }, { $set: { email: 'dup@x.kz' } }, { upsert: true }).catch(
      (e) => e,
    )
    expect(ups).to.have.property('code', 11000)
  })

  it('syncIndexes creates declared indexes and drops undeclared ones', async () => {
    const v1 = new Schema({ a: Number, b: Number })
    v1.index({ a: 1 })
    v1.index({ a: 1, b: -1 }, { unique: true, name: 'a_b' })
    const M1 = conn.model('Thing', v1, 'things')
    await M1.syncIndexes()
    const names = async (): Promise<string[]> =>
      (await conn.db!.collection('things').listIndexes().toArray()).map((i) => i.name).sort()
    expect(await names()).to.deep.equal(['_id_', 'a_1', 'a_b'])

    const v2 = new Schema({ a: Number, b: Number })
    v2.index({ b: 1 }, { sparse: true })
    const M2 = conn.model('Thing2', v2, 'things')
    const dropped = await M2.syncIndexes()
    expect([...dropped].sort()).to.deep.equal(['a_1', 'a_b'])
    expect(await names()).to.deep.equal(['_id_', 'b_1'])
    const idx = (await conn.db!.collection('things').listIndexes().toArray()).find((i) => i.name === 'b_1')
    expect(idx).to.include({ sparse: true })
  })

  it('populates references and returns plain objects with lean', async () => {
    const Author = conn.model('Author', new Schema({ name: String }))
    const Book = conn.model(
      'Book',
      new Schema({ title: String, author: { type: Schema.Types.ObjectId, ref: 'Author' } }),
    )
    const [abai, auezov] = await Author.create([{ name: 'Abai' }, { name: 'Auezov' }])
    await Book.create([
      { title: 'Words of Edification', author: abai._id },
      { title: 'Path of Abai', author: auezov._id },
    ])
    const books = await Book.find().sort({ title: -1 }).populate<{ author: { name: string } }>('author')
    expect(books.map((b) => [b.title, b.author.name])).to.deep.equal([
      ['Words of Edification', 'Abai'],
      ['Path of Abai', 'Auezov'],
    ])

    const lean = await Book.findOne({ title: 'Path of Abai' }).lean()
    expect(lean).to.not.be.instanceOf(mongoose.Document)
    expect(lean!.author).to.be.instanceOf(Types.ObjectId)
    expect(String(lean!.author)).to.equal(String(auezov._id))
  })

  it('iterates a cursor over more than one batch (getMore) and counts', async () => {
    const Item = conn.model('Item', new Schema({ n: Number }))
    await Item.insertMany(Array.from({ length: 250 }, (_, n) => ({ n })))
    let seen = 0
    let last = -1
    for await (const doc of Item.find().sort({ n: 1 }).cursor()) {
      expect(doc.n).to.equal(last + 1)
      last = doc.n as number
      seen++
    }
    expect(seen).to.equal(250)
    expect(commands, 'a 250-document cursor must need getMore (first batch is 101)').to.include('getMore')
    expect(await Item.countDocuments({ n: { $gte: 200 } })).to.equal(50)
    expect(await Item.estimatedDocumentCount()).to.equal(250)
  })

  it('updates with $inc/$push/$pull/$addToSet and $setOnInsert on upsert', async () => {
    const Counter = conn.model(
      'Counter',
      new Schema({ key: String, n: Number, list: [String], set: [String], created: String }),
    )
    const upsert = (update: Record<string, unknown>): Promise<unknown> =>
      Counter.updateOne({ key: 'k' }, update, { upsert: true })
    const r = await Counter.updateOne(
      { key: 'k' },
      { $inc: { n: 1 }, $setOnInsert: { created: 'first' } },
      { upsert: true },
    )
    expect(r).to.include({ upsertedCount: 1, matchedCount: 0 })
    await upsert({ $inc: { n: 2 }, $setOnInsert: { created: 'second' }, $push: { list: 'a' } })
    await upsert({ $push: { list: { $each: ['b', 'c', 'b'] } }, $addToSet: { set: { $each: ['x', 'y'] } } })
    await upsert({ $pull: { list: 'b' }, $addToSet: { set: 'x' } })
    const doc = await Counter.findOne({ key: 'k' }).lean()
    expect(doc).to.deep.include({ n: 3, created: 'first', list: ['a', 'c'], set: ['x', 'y'] })
    expect(await Counter.countDocuments()).to.equal(1)
  })

  it("findOneAndUpdate returns the new document with { returnDocument: 'after' }", async () => {
    const Seq = conn.model('Seq', new Schema({ _id: String, v: Number }))
    const first = await Seq.findOneAndUpdate(
      { _id: 'votes' },
      { $inc: { v: 1 } },
      { returnDocument: 'after', upsert: true },
    ).lean()
    expect(first).to.deep.include({ _id: 'votes', v: 1 })
    const old = await Seq.findOneAndUpdate({ _id: 'votes' }, { $inc: { v: 1 } }).lean()
    expect(old).to.deep.include({ v: 1 })
    const now = await Seq.findOneAndUpdate({ _id: 'votes' }, { $inc: { v: 1 } }, { returnDocument: 'after' }).lean()
    expect(now).to.deep.include({ v: 3 })
  })

  it('aggregates with $group and $lookup', async () => {
    const Council = conn.model('Council', new Schema({ _id: String, region: String }))
    const Vote = conn.model('Vote', new Schema({ council: String, yes: Boolean }))
    await Council.create([
      { _id: 'alm', region: 'Almaty' },
      { _id: 'ast', region: 'Astana' },
    ])
    await Vote.create([
      { council: 'alm', yes: true },
      { council: 'alm', yes: false },
      { council: 'ast', yes: true },
    ])
    const rows = await Vote.aggregate<{ _id: string; total: number; yes: number; council: { region: string }[] }>([
      { $group: { _id: '$council', total: { $sum: 1 }, yes: { $sum: { $cond: ['$yes', 1, 0] } } } },
      { $lookup: { from: 'councils', localField: '_id', foreignField: '_id', as: 'council' } },
      { $sort: { _id: 1 } },
    ])
    expect(rows.map((r) => [r._id, r.total, r.yes, r.council[0]?.region])).to.deep.equal([
      ['alm', 2, 1, 'Almaty'],
      ['ast', 1, 1, 'Astana'],
    ])
  })

  it('commits a connection.transaction() atomically, invisible to others until commit', async () => {
    const Account = conn.model('Account', new Schema({ _id: String, balance: Number }))
    await Account.create([
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ])
    const watcher = (await other()).collection('accounts')
    await conn.transaction(async (session) => {
      await Account.updateOne({ _id: 'a' }, { $inc: { balance: -30 } }, { session })
      await Account.updateOne({ _id: 'b' }, { $inc: { balance: 30 } }, { session })
      await Account.create([{ _id: 'c', balance: 1 }], { session })
      // Another connection must not see uncommitted writes.
      expect(await watcher.findOne({ _id: 'a' as any })).to.deep.include({ balance: 100 })
      expect(await watcher.findOne({ _id: 'c' as any })).to.equal(null)
      // The session itself sees them.
      expect(await Account.findById('b').session(session).lean()).to.deep.include({ balance: 30 })
    })
    const all = await watcher.find({}, { sort: { _id: 1 } }).toArray()
    expect(all.map((d) => [d._id, d.balance])).to.deep.equal([
      ['a', 70],
      ['b', 30],
      ['c', 1],
    ])
  })

  it('rolls back a failed connection.transaction() completely', async () => {
    const Account = conn.model('Account', new Schema({ _id: String, balance: Number }))
    await Account.create([{ _id: 'a', balance: 100 }])
    const boom = new Error('abort on purpose')
    const err = await conn
      .transaction(async (session) => {
        await Account.updateOne({ _id: 'a' }, { $inc: { balance: -100 } }, { session })
        await Account.create([{ _id: 'z', balance: 5 }], { session })
        throw boom
      })
      .catch((e) => e)
    expect(err).to.equal(boom)
    const watcher = (await other()).collection('accounts')
    expect(await watcher.find({}).toArray()).to.deep.equal([{ _id: 'a', balance: 100, __v: 0 }])
  })

  it("sanitizeFilter keeps { $gt: '' } from matching everything", async () => {
    // `extra` is Mixed, so mongoose sends the sanitised filter { extra: { $eq: { $gt: '' } } } as is
    // and the engine must read it as equality with a document, not as an operator.
    const Profile = conn.model('Profile', new Schema({ name: String, extra: Schema.Types.Mixed }))
    await Profile.create([
      { name: 'Alma', extra: 'a' },
      { name: 'Berik', extra: 'b' },
    ])
    const injected = (field: string): Record<string, unknown> => ({ [field]: { $gt: '' } })
    expect(await Profile.countDocuments(injected('extra')), 'the operator itself works when not sanitised').to.equal(2)
    const prev = mg.get('sanitizeFilter')
    mg.set('sanitizeFilter', true)
    try {
      expect(await Profile.find(injected('extra')).lean()).to.deep.equal([])
      expect(await Profile.findOne(injected('extra')).lean()).to.equal(null)
      expect(await Profile.countDocuments(injected('extra'))).to.equal(0)
      // On a String path mongoose refuses the wrapped object outright: still no match-all.
      const onString = await Profile.find(injected('name'))
        .lean()
        .catch((e) => e)
      expect(onString).to.satisfy(
        (r: unknown) => r instanceof mongoose.Error.CastError || (Array.isArray(r) && r.length === 0),
      )
    } finally {
      mg.set('sanitizeFilter', prev ?? false)
    }
  })

  it('runs reads and writes in an explicit session', async () => {
    const Note = conn.model('Note', new Schema({ text: String }))
    const session = await conn.startSession()
    try {
      const [n] = await Note.create([{ text: 'in session' }], { session })
      const found = await Note.findById(n._id).session(session).lean()
      expect(found).to.deep.include({ text: 'in session' })
      expect(commands).to.include('insert')
      await Note.deleteOne({ _id: n._id }, { session })
      expect(await Note.countDocuments().session(session)).to.equal(0)
    } finally {
      await session.endSession()
    }
  })
})
