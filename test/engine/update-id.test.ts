// `$set` of `_id`: mongod accepts its current value (connect-mongo's session upserts do exactly
// this) and, on an upsert's insert, any value; changing a stored _id is error 66 ImmutableField.
import { expect } from 'chai'
import { startTestEngine, type TestEngine } from './engine-helpers.js'

describe('embedded engine: $set of _id', () => {
  let te: TestEngine
  before(async () => {
    te = await startTestEngine()
  })
  after(async () => te?.stop())

  const coll = () => te.client.db('upd').collection<{ _id: string; v?: string; n?: number }>('docs')

  it('upserts and then updates with $set: { _id: <same> } like mongod', async () => {
    const inserted = await coll().updateOne({ _id: 's1' }, { $set: { _id: 's1', v: 'a' } }, { upsert: true })
    expect(inserted.upsertedCount).to.equal(1)
    const updated = await coll().updateOne(
      { _id: 's1' },
      { $set: { _id: 's1', v: 'b' }, $inc: { n: 1 } },
      { upsert: true },
    )
    expect(updated).to.include({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 })
    expect(await coll().findOne({ _id: 's1' })).to.deep.equal({ _id: 's1', v: 'b', n: 1 })
  })

  it('takes the _id from $set when an upsert inserts and the query names none', async () => {
    await coll().updateOne({ v: 'fresh' }, { $set: { _id: 's2', n: 5 } }, { upsert: true })
    expect(await coll().findOne({ _id: 's2' })).to.deep.equal({ _id: 's2', v: 'fresh', n: 5 })
  })

  it('refuses to change a stored _id with code 66', async () => {
    const err = await coll()
      .updateOne({ _id: 's1' }, { $set: { _id: 'other' } })
      .catch((e) => e)
    expect(err).to.have.property('code', 66)
    expect(await coll().countDocuments({ _id: 's1' })).to.equal(1)
  })
})
