import fsp from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import mongoose from 'mongoose'
import { createClient } from 'redis'
import { io as ioClient, type Socket } from 'socket.io-client'
import { Agent } from '../../helpers/agent.js'
import {
  NGINX,
  REDIS_SERVER,
  startEngine,
  startNginx,
  startRedis,
  startServerProcess,
  type Child,
} from '../../helpers/processes.js'
import type { TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeVideo, read } from '../../fixtures/media.js'
import { ask, clientId, createCouncil, nextEvent, record } from '../../socket/chat.helpers.js'

/**
 * Production in small: Redis, the database engine as its own process, two app processes sharing
 * it and one UPLOADS_DIR, and a real nginx in front (WebSocket upgrade, X-Forwarded-For). nginx
 * reaches the apps from 127.0.0.2 (`proxy_bind`), the only address the apps trust (TRUST_PROXY);
 * the test talks to nginx or, to try spoofing, straight to an app from other loopback addresses.
 * `X-Kenes-Backend: a|b` makes nginx pick one process, so "lands on the other process" is
 * deterministic; without it nginx balances round-robin over both. Every proxied response says
 * which process answered (`X-Kenes-Upstream`).
 */
const PROXY_ADDR = '127.0.0.2'
const DB = 'kenes_two_processes'
const TUS = { 'tus-resumable': '1.0.0' }

/** `p`, or a clear failure when it has not settled in `ms` (an upper bound, not a timing). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const fail = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))
  return Promise.race([p, fail]).finally(() => clearTimeout(timer))
}

describe('two app processes behind nginx, with Redis and one database engine', function () {
  this.timeout(180_000)
  let redis: Child | undefined, engine: Child | undefined, a: Child | undefined, b: Child | undefined
  let proxy: (Child & { dir: string }) | undefined
  let uploadsDir: string | undefined
  const upstream = { a: '', b: '' }
  const open: Socket[] = []

  before(async function () {
    if (!REDIS_SERVER || !NGINX) {
      console.warn(
        `      ${!NGINX ? 'nginx' : 'redis-server'} is not installed (.ci/run installs nginx and redis-server): skipping the two-process test`,
      )
      return this.skip()
    }
    ;[redis, engine] = await Promise.all([startRedis(), startEngine()])
    uploadsDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kenes-shared-uploads-'))
    const env = {
      MONGODB_URI: engine.url,
      MONGODB_DB: DB,
      REDIS_URL: redis.url,
      SESSION_SECRET: 'two-processes-behind-nginx-0123456789abcdef',
      UPLOADS_DIR: uploadsDir,
      TRUST_PROXY: PROXY_ADDR,
      PUBLIC_CACHE: 'true',
      PUBLIC_CACHE_TTL_SEC: '300', // far longer than the test: only Redis can invalidate in time
      LOGIN_MAX_FAILURES_PER_IP: '3',
    }
    a = await startServerProcess({ ...env, JOBS_ENABLED: 'true' }) // the one that transcodes
    b = await startServerProcess(env)
    upstream.a = new URL(a.url).host
    upstream.b = new URL(b.url).host
    proxy = await startNginx(
      (port) => `
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  map $http_x_kenes_backend $kenes_backend { a kenes_a; b kenes_b; default kenes; }
  upstream kenes { server ${upstream.a}; server ${upstream.b}; }
  upstream kenes_a { server ${upstream.a}; }
  upstream kenes_b { server ${upstream.b}; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 100m;
    proxy_http_version 1.1;
    proxy_bind ${PROXY_ADDR};
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_request_buffering off;
    proxy_buffering off;
    add_header X-Kenes-Upstream $upstream_addr always;
    location / { proxy_pass http://$kenes_backend; }
  }`,
    )
    // The test creates users and councils straight in the shared database, like the other API tests.
    if (mongoose.connection.readyState !== 0) await mongoose.disconnect()
    await mongoose.connect(engine.url, { dbName: DB })
  })
  afterEach(() => open.splice(0).forEach((s) => s.close()))
  after(async () => {
    await mongoose.disconnect()
    await proxy?.stop()
    await Promise.all([a?.stop(), b?.stop()])
    await Promise.all([engine?.stop(), redis?.stop()])
    if (uploadsDir) await fsp.rm(uploadsDir, { recursive: true, force: true })
  })

  const viaProxy = () => ({ url: proxy!.url }) as TestServer
  const on = (backend: 'a' | 'b') => ({ 'x-kenes-backend': backend })
  const servedBy = (res: { headers: Headers }) => res.headers.get('x-kenes-upstream')

  /** A /chat client connected through nginx, WebSocket only, to the chosen process. */
  function connectVia(backend: 'a' | 'b', agent: Agent): Promise<Socket> {
    const socket = ioClient(`${proxy!.url}/chat`, {
      transports: ['websocket'],
      extraHeaders: { cookie: agent.cookieHeader(), ...on(backend) },
      reconnection: false,
      forceNew: true,
    })
    open.push(socket)
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', reject)
    })
  }

  it('should route by X-Kenes-Backend and balance the other requests over both processes', async () => {
    for (const backend of ['a', 'b'] as const) {
      const res = await fetch(`${proxy!.url}/api/v1/health`, { headers: on(backend) })
      expect(res.status).to.equal(200)
      expect(servedBy(res)).to.equal(upstream[backend])
    }
    const seen = new Set<string | null>()
    for (let i = 0; i < 4; i++) seen.add(servedBy(await fetch(`${proxy!.url}/api/v1/health`)))
    expect([...seen].sort()).to.deep.equal([upstream.a, upstream.b].sort())
  })

  describe('chat', () => {
    let alice: Agent, bob: Agent, roomId: string
    before(async () => {
      const [ca, cb] = await Promise.all([createCouncil(3), createCouncil(4)])
      ;[alice, bob] = await Promise.all([
        loginAs(viaProxy(), { roles: ['council_member'], councilIds: [ca], displayName: 'Атырау' }),
        loginAs(viaProxy(), { roles: ['council_member'], councilIds: [cb], displayName: 'Батыс' }),
      ])
      const room = await alice.request('POST', '/api/v1/chat/rooms', {
        json: { kind: 'direct', councilIds: [ca, cb] },
        headers: on('a'),
      })
      expect(room.status, room.text).to.equal(201)
      roomId = room.body.room.id
    })

    it('should deliver a message sent on process A to a client connected through nginx to process B', async () => {
      const [onA, onB] = [await connectVia('a', alice), await connectVia('b', bob)]
      for (const s of [onA, onB]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const arrived = nextEvent(onB, 'message:new', (p) => p.message.text === 'A → nginx → B')
      const sent = await ask(onA, 'message:send', { roomId, text: 'A → nginx → B', clientId: clientId() })
      expect(sent.ok, JSON.stringify(sent)).to.equal(true)
      expect((await arrived).message).to.deep.equal(sent.message)
    })

    it('should pass one typing per user and room on when the events alternate processes', async () => {
      const aliceOnA = await connectVia('a', alice)
      const aliceOnB = await connectVia('b', alice)
      const bobOnB = await connectVia('b', bob)
      for (const s of [aliceOnA, aliceOnB, bobOnB]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const seen = record(bobOnB)
      const answers = []
      for (const s of [aliceOnA, aliceOnB, aliceOnA, aliceOnB]) answers.push(await ask(s, 'typing', { roomId }))
      expect(answers.map((x) => x.throttled)).to.deep.equal([false, true, true, true])
      // A barrier from A: once bob has it, every typing passed on before it has reached him too.
      const barrier = nextEvent(bobOnB, 'message:new', (p) => p.message.text === 'тосқауыл')
      await ask(aliceOnA, 'message:send', { roomId, text: 'тосқауыл', clientId: clientId() })
      await barrier
      expect(seen.of('typing')).to.deep.equal([
        { roomId, userId: alice.user!.id, displayName: alice.user!.displayName },
      ])
    })
  })

  it("should drop process B's cached public answer when a write happens on process A", async () => {
    const moderator = await loginAs(viaProxy(), { roles: ['moderator'] })
    const listOnB = async () => {
      const res = await fetch(`${proxy!.url}/api/v1/councils?limit=100`, { headers: on('b') })
      expect(servedBy(res)).to.equal(upstream.b)
      const body = (await res.json()) as { items: { slug: string }[] }
      return { cache: res.headers.get('x-cache'), slugs: body.items.map((i) => i.slug) }
    }
    await listOnB()
    expect((await listOnB()).cache).to.equal('HIT')
    const created = await moderator.request('POST', '/api/v1/councils', {
      json: {
        name: { kk: 'Екі процесс кеңесі', ru: 'Совет двух процессов' },
        level: 'republican',
        stateBody: { kk: 'Прокси министрлігі', ru: 'Министерство прокси' },
      },
      headers: on('a'),
    })
    expect(created.status, created.text).to.equal(201)
    expect(servedBy(created)).to.equal(upstream.a)
    // The invalidation crosses Redis asynchronously: poll B (bounded) until it shows the new council.
    const until = Date.now() + 5000
    let after = await listOnB()
    while (!after.slugs.includes(created.body.slug) && Date.now() < until) after = await listOnB()
    expect(after.slugs).to.include(created.body.slug)
  })

  it('should complete a tus upload whose PATCHes alternate processes, under the lock shared through Redis, and process the video', async () => {
    const councilId = await createCouncil(5)
    const member = await loginAs(viaProxy(), { roles: ['council_member'], councilIds: [councilId] })
    const video = read(makeVideo({ width: 320, height: 240, seconds: 2 }))
    const meta = `title.kk ${Buffer.from('Екі процесс').toString('base64')},filename ${Buffer.from('clip.mp4').toString('base64')}`
    const created = await member.request('POST', `/api/v1/councils/${councilId}/videos/tus`, {
      headers: { ...TUS, ...on('a'), 'upload-length': String(video.length), 'upload-metadata': meta },
    })
    expect(created.status, created.text).to.equal(201)
    expect(servedBy(created)).to.equal(upstream.a)
    const location = created.headers.get('location')!
    const uploadId = location.split('/').pop()!

    const patch = (backend: 'a' | 'b', offset: number, body: Buffer) =>
      member.request('PATCH', location, {
        body: new Uint8Array(body),
        headers: {
          ...TUS,
          ...on(backend),
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
      })
    const head = (backend: 'a' | 'b') => member.request('HEAD', location, { headers: { ...TUS, ...on(backend) } })

    const cuts = [0, Math.floor(video.length / 3), Math.floor((2 * video.length) / 3), video.length]
    const order = ['b', 'a', 'b'] as const
    let last
    for (let i = 0; i < 3; i++) {
      // Before each chunk the other process tells the offset the previous one wrote.
      const h = await head(order[i] === 'a' ? 'b' : 'a')
      expect(h.status).to.equal(200)
      expect(h.headers.get('upload-offset')).to.equal(String(cuts[i]))
      last = await patch(order[i], cuts[i], video.subarray(cuts[i], cuts[i + 1]))
      expect(last.status, last.text).to.equal(204)
      expect(servedBy(last)).to.equal(upstream[order[i]])
      expect(last.headers.get('upload-offset')).to.equal(String(cuts[i + 1]))
    }
    const videoId = last!.headers.get('x-video-id')!
    expect(videoId).to.match(/^[0-9a-f]{24}$/)

    // The lock is Redis's: while someone else holds it, a HEAD on B asks the holder (over Redis)
    // to let go and answers only once it is released.
    const prefix = `kenes:${DB}:tus-lock`
    const second = await member.request('POST', `/api/v1/councils/${councilId}/videos/tus`, {
      headers: { ...TUS, ...on('a'), 'upload-length': String(video.length), 'upload-metadata': meta },
    })
    const secondId = second.headers.get('location')!.split('/').pop()!
    const client = createClient({ url: redis!.url })
    const sub = client.duplicate()
    for (const c of [client, sub]) c.on('error', () => {})
    await Promise.all([client.connect(), sub.connect()])
    try {
      let asked!: () => void
      const askedP = new Promise<void>((r) => (asked = r))
      await sub.subscribe(`${prefix}:release`, (id) => id === secondId && asked())
      expect(await client.set(`${prefix}:${secondId}`, 'held-by-the-test', { condition: 'NX' })).to.equal('OK')
      const waiting = member.request('HEAD', second.headers.get('location')!, { headers: { ...TUS, ...on('b') } })
      await within(askedP, 15_000, 'process B never asked over Redis for the lock held by the test')
      await client.del(`${prefix}:${secondId}`)
      await client.publish(`${prefix}:released`, secondId)
      const h = await waiting
      expect(h.status).to.equal(200)
      expect(servedBy(h)).to.equal(upstream.b)
      expect(h.headers.get('upload-offset')).to.equal('0')
      expect(await client.keys(`${prefix}:*`)).to.deep.equal([]) // every lock released
    } finally {
      await Promise.allSettled([client.close(), sub.close()])
    }
    expect(uploadId).to.not.equal(secondId)

    // Process A runs the jobs: the video is transcoded whichever process received its bytes.
    const deadline = Date.now() + 120_000
    let status = ''
    while (Date.now() < deadline) {
      const res = await member.get(`/api/v1/videos/${videoId}`)
      status = res.body.status
      if (status !== 'processing') break
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(status).to.equal('pending_review')
  })

  describe('client addresses for rate limits', () => {
    /** POST /api/v1/auth/login with a wrong password from a chosen loopback address. */
    const failLogin = (base: string, from: string, n: number, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; upstream: string | undefined }>((resolve, reject) => {
        const body = JSON.stringify({ email: `nobody-${from}-${n}@example.kz`, password: 'wrong-password-x' })
        const req = http.request(new URL('/api/v1/auth/login', base), {
          method: 'POST',
          localAddress: from,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        })
        req.once('error', reject)
        req.once('response', (res) => {
          res.resume()
          res.once('end', () =>
            resolve({ status: res.statusCode!, upstream: res.headers['x-kenes-upstream'] as string | undefined }),
          )
        })
        req.end(body)
      })
    const ipKeys = async () => {
      const client = createClient({ url: redis!.url })
      await client.connect()
      try {
        return (await client.keys('rl:login_fail_ip:*')).map((k) => k.slice('rl:login_fail_ip:'.length)).sort()
      } finally {
        await client.close()
      }
    }

    it('should key them on the address nginx saw, over both processes, whatever X-Forwarded-For the client sends', async () => {
      // Through nginx (round-robin: the failures land on A and B in turn), with a forged header.
      const forged = { 'x-forwarded-for': '203.0.113.7' }
      const through = []
      for (let i = 0; i < 4; i++) through.push(await failLogin(proxy!.url, '127.0.0.3', i, forged))
      expect(through.map((r) => r.status)).to.deep.equal([401, 401, 401, 429])
      expect(new Set(through.map((r) => r.upstream))).to.deep.equal(new Set([upstream.a, upstream.b]))
      // Another client of nginx is not locked, even claiming to be the locked one.
      expect((await failLogin(proxy!.url, '127.0.0.4', 0, { 'x-forwarded-for': '127.0.0.3' })).status).to.equal(401)
      const keys = await ipKeys() // (127.0.0.1 too: the test's own logins through nginx)
      expect(keys).to.include.members(['127.0.0.3', '127.0.0.4'])
      expect(keys.filter((k) => !k.startsWith('127.0.0.'))).to.deep.equal([])
    })

    it('should ignore X-Forwarded-For sent straight to an app process (not from the trusted proxy)', async () => {
      const direct = []
      for (let i = 0; i < 4; i++)
        direct.push(
          await failLogin([a!.url, b!.url][i % 2], '127.0.0.5', i, { 'x-forwarded-for': `198.51.100.${i + 1}` }),
        )
      expect(direct.map((r) => r.status)).to.deep.equal([401, 401, 401, 429]) // one address, whatever the header said
      const keys = await ipKeys()
      expect(keys).to.include('127.0.0.5')
      expect(keys.filter((k) => !k.startsWith('127.0.0.'))).to.deep.equal([])
    })
  })
})
