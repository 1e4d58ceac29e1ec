import { expect } from 'chai'
import { createClient } from 'redis'
import { ERRORS } from '@tus/server'
import { RedisLocker } from '../../../server/modules/videos/videos.tus-lock.js'
import { REDIS_SERVER, startRedis, type Child } from '../../helpers/processes.js'

/**
 * The tus upload lock shared through Redis (videos.tus-lock.ts). Two lockers on one redis-server
 * stand for two server processes: nothing but Redis connects them.
 */
describe('tus upload lock shared through Redis', function () {
  this.timeout(30_000)
  let redis: Child | undefined
  let a: RedisLocker, b: RedisLocker
  let probe: ReturnType<typeof createClient>
  const prefix = 'kenes:test:tus-lock'
  const never = () => new AbortController().signal

  before(async function () {
    if (!REDIS_SERVER) {
      console.warn('      redis-server is not installed (apt-get install redis-server): skipping the tus lock test')
      return this.skip()
    }
    redis = await startRedis()
    ;[a, b] = await Promise.all([
      RedisLocker.connect({ url: redis.url, prefix }),
      RedisLocker.connect({ url: redis.url, prefix }),
    ])
    probe = createClient({ url: redis.url })
    await probe.connect()
  })
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close(), probe?.isOpen ? probe.close() : undefined])
    await redis?.stop()
  })

  it('should make a second process ask the holder to let go, and take the lock once it is released', async () => {
    const events: string[] = []
    const held = a.newLock('u1')
    let askedA!: () => void
    const asked = new Promise<void>((r) => (askedA = r))
    await held.lock(never(), () => {
      events.push('A asked to release')
      askedA()
    })
    const token = await probe.get(`${prefix}:u1`)
    expect(token).to.be.a('string')

    const waiting = b.newLock('u1')
    const taken = waiting.lock(never(), () => {}).then(() => events.push('B holds'))
    await asked // the request crossed Redis to the holder
    expect(events).to.deep.equal(['A asked to release'])
    expect(await probe.get(`${prefix}:u1`)).to.equal(token) // still A's
    await held.unlock()
    events.push('A released')
    await taken
    expect(events.slice(-2)).to.deep.equal(['A released', 'B holds'])
    const bToken = await probe.get(`${prefix}:u1`)
    expect(bToken).to.be.a('string').and.not.equal(token)
    await waiting.unlock()
    expect(await probe.exists(`${prefix}:u1`)).to.equal(0)
  })

  it('should let different uploads be locked at once', async () => {
    const [x, y] = [a.newLock('u2'), b.newLock('u3')]
    await Promise.all([x.lock(never(), () => {}), y.lock(never(), () => {})])
    expect(await probe.exists([`${prefix}:u2`, `${prefix}:u3`])).to.equal(2)
    await Promise.all([x.unlock(), y.unlock()])
  })

  it('should give up with ERR_LOCK_TIMEOUT when the waiting request is aborted, leaving the holder alone', async () => {
    const held = a.newLock('u4')
    let asked!: () => void
    const askedP = new Promise<void>((r) => (asked = r))
    await held.lock(never(), () => asked()) // a holder that does not let go
    const abort = new AbortController()
    const waiting = b.newLock('u4').lock(abort.signal, () => {})
    await askedP
    abort.abort()
    let error: unknown
    await waiting.catch((e) => (error = e))
    expect(error).to.equal(ERRORS.ERR_LOCK_TIMEOUT)
    const token = await probe.get(`${prefix}:u4`)
    await held.unlock()
    expect(token).to.be.a('string')
    expect(await probe.exists(`${prefix}:u4`)).to.equal(0)
  })

  it('should not let a process release a lock it no longer holds (compare-and-delete)', async () => {
    const first = a.newLock('u5')
    await first.lock(never(), () => {})
    // The key expired and another process took it meanwhile (simulated by writing its token).
    await probe.set(`${prefix}:u5`, 'someone-else', { expiration: { type: 'PX', value: 30_000 } })
    await first.unlock()
    expect(await probe.get(`${prefix}:u5`)).to.equal('someone-else')
    await probe.del(`${prefix}:u5`)
  })

  it('should expire with its TTL, renew it while held, and stop the request of a lock that vanished', async () => {
    const short = await RedisLocker.connect({ url: redis!.url, prefix, ttlMs: 600 })
    try {
      const lock = short.newLock('u6')
      let lost!: () => void
      const lostP = new Promise<void>((r) => (lost = r))
      await lock.lock(never(), () => lost())
      const first = await probe.pTTL(`${prefix}:u6`)
      expect(first).to.be.within(1, 600) // a dead holder cannot keep it for ever
      // Renewal: the remaining time goes back up while the lock is held (polled, bounded by the test timeout).
      let renewed = false
      let lowest = first
      while (!renewed) {
        const ttl = await probe.pTTL(`${prefix}:u6`)
        renewed = ttl > lowest
        lowest = Math.min(lowest, ttl)
        expect(ttl).to.be.above(0)
        await new Promise((r) => setTimeout(r, 20))
      }
      // The key disappears behind the holder's back: the next renewal asks its request to stop.
      await probe.del(`${prefix}:u6`)
      await lostP
      await lock.unlock()
    } finally {
      await short.close()
    }
  })
})
