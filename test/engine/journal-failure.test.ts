// A journal write or fsync that fails: the writes it carried are reported as failed and taken back out of
// memory, nothing is journaled after the hole, the engine refuses further commands (like mongod) and a
// restart finds exactly what was acknowledged.
import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { MongoClient } from 'mongodb'
import { Ctx, type Stats } from '../../server/db/embedded/exec.js'
import { startEmbeddedMongo } from '../../server/db/embedded/index.js'
import { Storage } from '../../server/db/embedded/storage.js'
import { Sessions } from '../../server/db/embedded/transactions.js'

/** Make the next fdatasync calls fail with EIO until the returned function is called. */
function failFsync(): () => void {
  const real = fs.fdatasync
  fs.fdatasync = ((_fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })))
  }) as typeof fs.fdatasync
  return () => {
    fs.fdatasync = real
  }
}

describe('embedded engine: journal failure', () => {
  let dbPath: string
  let restore: (() => void) | undefined
  beforeEach(async () => {
    dbPath = await mkdtemp(path.join(os.tmpdir(), 'kenes-engine-jfail-'))
  })
  afterEach(async () => {
    restore?.()
    restore = undefined
    await rm(dbPath, { recursive: true, force: true })
  })

  it('takes a write whose journal record failed back out of memory', async () => {
    const store = new Storage(dbPath, true)
    await store.open()
    const stats: Stats = { scanned: 0, keysExamined: 0, collscans: 0 }
    const ok = new Ctx(store, new Sessions(), undefined, stats)
    const c = ok.collForWrite('t.c')
    ok.insert(c, { _id: 'kept', v: 1 })
    await ok.finish()

    restore = failFsync()
    const bad = new Ctx(store, new Sessions(), undefined, stats)
    bad.insert(c, { _id: 'new', v: 1 })
    bad.replace(c, { _id: 'kept', v: 2 })
    expect(c.docs.size).to.equal(2)
    const err = await bad.finish().catch((e: Error) => e)
    expect(err).to.be.instanceOf(Error)
    expect((err as Error).message).to.match(/not applied/)
    expect([...c.docs.values()]).to.deep.equal([{ _id: 'kept', v: 1 }])
    expect(store.failure?.message).to.match(/EIO/)
    restore()
    restore = undefined
    await store.close()
  })

  it('fails the write, refuses later commands with a clear error, and restarts with what was acknowledged', async () => {
    const engine = await startEmbeddedMongo({ dbPath, port: 0, fsync: true })
    const client = new MongoClient(engine.uri, {
      retryWrites: false,
      retryReads: false,
      serverSelectionTimeoutMS: 5_000,
    })
    try {
      const coll = client.db('t').collection<{ _id: string; v: number }>('c')
      await coll.insertOne({ _id: 'acked', v: 1 })
      restore = failFsync()
      const [insert, update] = await Promise.allSettled([
        coll.insertOne({ _id: 'lost', v: 1 }),
        coll.updateOne({ _id: 'acked' }, { $set: { v: 2 } }),
      ])
      expect(insert.status).to.equal('rejected')
      expect(update.status).to.equal('rejected')
      restore()
      restore = undefined
      const read = await coll.findOne({ _id: 'acked' }).catch((e: Error) => e)
      expect(read).to.be.instanceOf(Error)
      expect((read as Error).message).to.match(/journal write failed.*restart/)
      expect((await client.db('admin').command({ hello: 1 })).ok).to.equal(1)
    } finally {
      await client.close()
      await engine.close()
    }
    const again = await startEmbeddedMongo({ dbPath, port: 0, fsync: true })
    const c2 = new MongoClient(again.uri)
    try {
      expect(await c2.db('t').collection('c').find({}).toArray()).to.deep.equal([{ _id: 'acked', v: 1 }])
    } finally {
      await c2.close()
      await again.close()
    }
  })
})
