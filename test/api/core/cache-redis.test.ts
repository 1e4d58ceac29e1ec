import { expect } from 'chai'
import mongoose from 'mongoose'
import { createClient } from 'redis'
import { REDIS_SERVER, startRedis, startServerProcess, type Child } from '../../helpers/processes.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

/**
 * Two server processes on one database with the public cache on and a TTL far longer than the
 * test: only the Redis channel (core/cache-bus.ts) can make a write on A visible on B in time.
 */
describe('public cache invalidated across processes (REDIS_URL)', function () {
  this.timeout(90_000)
  let redis: Child | undefined
  let a: TestServer | undefined
  let b: Child | undefined
  const cacheEnv = { PUBLIC_CACHE: 'true', PUBLIC_CACHE_TTL_SEC: '300' }

  before(async function () {
    if (!REDIS_SERVER) {
      console.warn(
        '      redis-server is not installed (apt-get install redis-server): skipping the two-process cache test',
      )
      return this.skip()
    }
    redis = await startRedis()
    a = await startTestServer({ REDIS_URL: redis.url, ...cacheEnv })
    const { name } = mongoose.connection
    b = await startServerProcess({
      // The engine's own URI (a Unix socket on loopback: any process of this machine can use it).
      MONGODB_URI: a.server.db.uri,
      MONGODB_DB: name,
      REDIS_URL: redis.url,
      ...cacheEnv,
    })
  })
  after(async () => {
    await b?.stop()
    await a?.close()
    await redis?.stop()
  })

  const listOn = async (url: string) => {
    const res = await fetch(`${url}/api/v1/councils?limit=100`)
    expect(res.status).to.equal(200)
    const body = (await res.json()) as { items: { slug: string }[] }
    return { cache: res.headers.get('x-cache'), slugs: body.items.map((i) => i.slug) }
  }
  /** Polls B until `done` holds (bounded): the message crosses Redis asynchronously. */
  async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    const until = Date.now() + 5000
    for (;;) {
      const v = await read()
      if (done(v) || Date.now() > until) return v
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  it("should drop the other process's cached list when a council is created, renamed or archived", async () => {
    const moderator = await loginAs(a!, { roles: ['moderator'] })
    const admin = await loginAs(a!, { roles: ['admin'] })
    await listOn(b!.url)
    const cached = await listOn(b!.url)
    expect(cached.cache).to.equal('HIT')

    const created = await moderator.post('/api/v1/councils', {
      name: { kk: 'Кэш кеңесі', ru: 'Совет кэша' },
      level: 'republican',
      stateBody: { kk: 'Кэш министрлігі', ru: 'Министерство кэша' },
    })
    expect(created.status).to.equal(201)
    const afterCreate = await eventually(
      () => listOn(b!.url),
      (l) => l.slugs.includes(created.body.slug),
    )
    expect(afterCreate.slugs).to.include(created.body.slug)
    expect(afterCreate.cache).to.equal('MISS')
    expect((await listOn(b!.url)).cache).to.equal('HIT') // and cached again

    const profile = async () => {
      const res = await fetch(`${b!.url}/api/v1/councils/${created.body.slug}`)
      return { cache: res.headers.get('x-cache'), ...((await res.json()) as { name: { ru: string } }) }
    }
    await profile()
    expect((await profile()).cache).to.equal('HIT')
    expect(
      (
        await moderator.patch(`/api/v1/councils/${created.body.id}`, {
          name: { kk: 'Кэш кеңесі', ru: 'Совет кэша (новое имя)' },
        })
      ).status,
    ).to.equal(200)
    expect((await eventually(profile, (p) => p.name.ru.endsWith('(новое имя)'))).name.ru).to.equal(
      'Совет кэша (новое имя)',
    )

    expect((await admin.delete(`/api/v1/councils/${created.body.id}`)).status).to.equal(204)
    expect(
      (
        await eventually(
          () => listOn(b!.url),
          (l) => !l.slugs.includes(created.body.slug),
        )
      ).slugs,
    ).not.to.include(created.body.slug)
  })

  it('should ignore malformed messages on the channel and keep serving', async () => {
    const newsOn = async () => (await fetch(`${b!.url}/api/v1/news`)).headers.get('x-cache')
    await listOn(b!.url)
    await newsOn()
    expect([(await listOn(b!.url)).cache, await newsOn()]).to.deep.equal(['HIT', 'HIT'])
    const client = createClient({ url: redis!.url })
    await client.connect()
    try {
      const channel = `kenes:${mongoose.connection.name}:public-cache`
      const junk = [
        'not json',
        'null',
        '"councils"',
        '{"origin":1,"tags":["councils"]}',
        '{"origin":"x","tags":"councils"}',
        '{"origin":"x","tags":[{"$gt":""}]}',
        '{"origin":"x","tags":[]}',
      ]
      for (const m of junk) expect(await client.publish(channel, m)).to.equal(2) // both processes listen
      // Redis delivers in order: once this well-formed message has dropped the news list, the junk
      // before it has been handled, and it must have left the councils list alone.
      await client.publish(channel, JSON.stringify({ origin: 'another-process', tags: ['news'] }))
      expect(await eventually(newsOn, (c) => c === 'MISS')).to.equal('MISS')
      expect((await listOn(b!.url)).cache).to.equal('HIT')
    } finally {
      await client.quit()
    }
  })
})
