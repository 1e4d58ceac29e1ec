import { expect } from 'chai'
import fc from 'fast-check'
import type { Socket } from 'socket.io-client'
import { Agent } from '../../helpers/agent.js'
import {
  NAUGHTY,
  isWellFormed,
  junkValue,
  mutated,
  naughtyString,
  operationsOf,
  problemOf,
  requestFor,
  seedFor,
  send,
  type Fixtures,
  type Operation,
} from '../../helpers/fuzz.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'
import { ask, clientId, connectChat } from '../../socket/chat.helpers.js'
import { createCouncil, eventBody, publishedEvent } from '../events/fixtures.js'

/**
 * Property-based fuzzing of every operation of `GET /api/v1/openapi.json` (fast-check), as a guest and
 * as an admin (session + CSRF), and of every client event of the `/chat` socket. Never allowed: a 5xx,
 * a request without an answer within 5 s, a 4xx under /api/v1 that is not problem+json, the server
 * unhealthy afterwards, or a stored text that differs from what was accepted.
 *
 * Seeded: FUZZ_SEED (default below) and FUZZ_RUNS (cases per operation and role); a failure names the
 * operation, the request and the seed to replay (`FUZZ_SEED=… npm test -- -g fuzz`). `scripts/fuzz.ts`
 * runs the same generators longer.
 *
 * Skipped, because they would make the run order-dependent: `POST /auth/logout` (signs the admin out
 * for every later case); real fixture ids on DELETE (the fixtures would be gone for later operations:
 * DELETE only gets bad ids). Nothing a request answers is kept by the client, so a guest who manages to
 * register or sign in stays a guest for the next case. URLs stay under Node's 16 KB header limit (8 KB
 * parameters): 1 MB strings go in bodies.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x6b656e)
const RUNS = Number(process.env.FUZZ_RUNS ?? 8)
const SKIPPED = new Set(['POST /api/v1/auth/logout'])

describe('fuzz: every operation of the OpenAPI document and every socket event', function () {
  this.timeout(Math.max(120_000, RUNS * 15_000))
  let t: TestServer
  let admin: Agent
  let member: Agent
  let ops: Operation[]
  const fixtures: Fixtures = {}

  before(async () => {
    t = await startTestServer()
    const [a, b] = await Promise.all([createCouncil(0), createCouncil(1)])
    admin = await loginAs(t, { roles: ['admin'] })
    member = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    const citizen = await createUser(t)
    const council = await admin.get(`/api/v1/councils/${a.id}`)
    const news = await admin.post(`/api/v1/councils/${a.id}/news`, {
      title: { kk: 'Жаңалық' },
      body: { kk: '<p>Мәтін</p>' },
      status: 'published',
    })
    const event = await publishedEvent(admin, eventBody([a.id], a.regionId!))
    const appeal = await new Agent(t.url).post('/api/v1/appeals', {
      councilId: a.id,
      category: 'question',
      subject: 'Сұрақ',
      text: 'Жол жөндеуі туралы сұрақ',
      contact: { name: 'Қонақ', email: 'guest@example.kz' },
    })
    const room = await member.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a.id, b.id] })
    for (const r of [council, news, appeal, room])
      if (r.status >= 300) throw new Error(`fixture: ${r.status} ${r.text}`)
    Object.assign(fixtures, {
      'councils.id': a.id,
      'councils.councilId': a.id,
      'news.id': news.body.id,
      'events.id': event.id,
      'appeals.id': appeal.body.id,
      'rooms.id': room.body.room.id,
      'users.id': citizen.id,
      councilB: b.id,
    })
    const doc = await admin.get('/api/v1/openapi.json')
    expect(doc.status).to.equal(200)
    ops = operationsOf(doc.body)
    expect(ops.length).to.be.greaterThan(50)
  })
  after(() => t?.close())

  async function healthy(): Promise<void> {
    const res = await fetch(`${t.url}/api/v1/health`, { signal: AbortSignal.timeout(5000) })
    expect(res.status, 'the server is unhealthy').to.equal(200)
  }

  describe('what is stored is what was accepted', () => {
    const keep = (s: string) => s.trim()
    const text = (min: number, max: number) =>
      fc
        .tuple(naughtyString(max), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }))
        .map(([a, b]) => `${a}${b}`.slice(0, max))
        .filter((s) => keep(s).length >= min && keep(s).length <= max)

    it('should store a council’s texts as sent (after trimming) when POST /councils accepts them', async () => {
      let accepted = 0
      await fc.assert(
        fc.asyncProperty(text(3, 300), text(1, 300), text(1, 2000), async (name, stateBody, description) => {
          const sent = {
            name: { kk: name },
            level: 'republican',
            stateBody: { ru: stateBody },
            description: { kk: description },
            allowDuplicate: true,
          }
          const res = await admin.post('/api/v1/councils', sent)
          // A lone surrogate cannot be stored as sent (it would come back as U+FFFD): refused.
          if (![name, stateBody, description].every(isWellFormed))
            return void expect(res.status, res.text).to.equal(400)
          expect(res.status, res.text).to.be.oneOf([201, 400, 409])
          if (res.status !== 201) return
          accepted++
          const back = await admin.get(`/api/v1/councils/${res.body.id}`)
          expect(back.body.name.kk).to.equal(keep(name))
          expect(back.body.stateBody.ru).to.equal(keep(stateBody))
          expect(back.body.description.kk).to.equal(keep(description))
        }),
        { seed: seedFor(SEED, 'councils'), numRuns: RUNS * 2, endOnFailure: true },
      )
      expect(accepted, 'no generated council was accepted').to.be.greaterThan(0)
    })

    it('should store a guest’s appeal as sent (after trimming) when POST /appeals accepts it', async () => {
      let accepted = 0
      await fc.assert(
        fc.asyncProperty(text(3, 200), text(10, 10_000), text(2, 120), async (subject, body, name) => {
          const sent = {
            councilId: fixtures['councils.id'],
            category: 'proposal',
            subject,
            text: body,
            contact: { name, email: 'fuzz@example.kz' },
          }
          const guest = new Agent(t.url)
          const res = await guest.post('/api/v1/appeals', sent)
          if (![subject, body, name].every(isWellFormed))
            return void expect(res.status, res.text).to.be.oneOf([400, 429])
          expect(res.status, res.text).to.be.oneOf([201, 400, 429])
          if (res.status !== 201) return
          accepted++
          const back = await guest.get(`/api/v1/appeals/${res.body.id}?code=${encodeURIComponent(res.body.accessCode)}`)
          expect(back.status, back.text).to.equal(200)
          expect(back.body.subject).to.equal(keep(subject))
          expect(back.body.text).to.equal(keep(body))
          expect(back.body.author.name).to.equal(keep(name))
        }),
        { seed: seedFor(SEED, 'appeals'), numRuns: RUNS, endOnFailure: true },
      )
      expect(accepted, 'no generated appeal was accepted').to.be.greaterThan(0)
    })
  })

  it('should refuse a JSON string with a lone surrogate (400) rather than store U+FFFD in its place', async () => {
    for (const [agent, path, body] of [
      [admin, '/api/v1/councils', { name: { kk: 'Кеңес \ud800' }, level: 'republican', stateBody: { kk: 'Әкімдік' } }],
      [admin, `/api/v1/councils/${fixtures['councils.id']}`, { name: { kk: 'Кеңес \udc00 атауы' } }],
      [new Agent(t.url), '/api/v1/auth/login', { email: 'a@b.co', password: '\ud83d' }],
    ] as const) {
      const res = await agent.request(path.endsWith('councils') || path.endsWith('login') ? 'POST' : 'PATCH', path, {
        json: body,
      })
      expect(res.status, `${path} ${res.text}`).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
    }
    // A whole pair (an emoji) is text like any other.
    const ok = await admin.patch(`/api/v1/councils/${fixtures['councils.id']}`, { name: { kk: 'Кеңес \ud83d\ude00' } })
    expect(ok.status, ok.text).to.equal(200)
    expect((await admin.get(`/api/v1/councils/${fixtures['councils.id']}`)).body.name.kk).to.equal('Кеңес 😀')
  })

  for (const role of ['guest', 'admin'] as const) {
    describe(`every operation as ${role}`, () => {
      it(`should answer every generated request without a 5xx, a hang or a bare 4xx (${role})`, async () => {
        const agent = role === 'admin' ? admin : undefined
        const failures: string[] = []
        const statuses: Record<string, Record<number, number>> = {}
        for (const o of ops) {
          const key = `${o.method} ${o.path}`
          if (SKIPPED.has(key)) continue
          const seed = seedFor(SEED, `${role} ${key}`)
          try {
            await fc.assert(
              fc.asyncProperty(requestFor(o, fixtures), async (r) => {
                const sent = await send({ baseUrl: t.url, agent }, o.method, r.url, r.body)
                const counts = (statuses[key] ??= {})
                counts[sent.status] = (counts[sent.status] ?? 0) + 1
                const problem = problemOf(sent)
                if (problem) throw new Error(problem)
              }),
              { seed, numRuns: RUNS, endOnFailure: true },
            )
          } catch (err) {
            const cause = (err as Error).cause as Error | undefined
            failures.push(
              `${key} (FUZZ_SEED=${SEED}, seed ${seed}): ${(cause ?? (err as Error)).message.slice(0, 1500)}`,
            )
          }
          await healthy()
          if (agent) {
            const me = await admin.get('/api/v1/auth/me')
            expect(me.body?.user?.roles, `the admin was signed out by ${key}`).to.include('admin')
          }
        }
        // FUZZ_STATS=1: what the generated requests got, per operation (how deep the fuzz reaches).
        if (process.env.FUZZ_STATS)
          for (const [k, c] of Object.entries(statuses)) console.log(role, k, JSON.stringify(c))
        expect(failures, failures.join('\n\n')).to.deep.equal([])
      })
    })
  }

  describe('socket /chat', () => {
    const EVENTS = [
      'room:join',
      'message:send',
      'message:edit',
      'message:delete',
      'typing',
      'message:read',
      'room:leave',
    ]
    let socket: Socket | undefined
    afterEach(() => socket?.close())

    it('should ack every generated event with ok true or false, or refuse it cleanly, and stay healthy', async () => {
      socket = await connectChat(t.url, member)
      const roomId = fixtures['rooms.id']!
      const joined = await ask(socket, 'room:join', { roomId })
      expect(joined.ok, JSON.stringify(joined)).to.equal(true)
      const sentMsg = await ask(socket, 'message:send', { roomId, text: 'сәлем', clientId: clientId() })
      expect(sentMsg.ok, JSON.stringify(sentMsg)).to.equal(true)
      const messageId: string = sentMsg.message.id
      const ids = fc.constantFrom(roomId, messageId, fixtures.councilB!, '0'.repeat(24))
      const payloadBase = fc.record(
        {
          roomId: fc.oneof(ids, naughtyString()),
          messageId: fc.oneof(ids, naughtyString()),
          lastMessageId: fc.oneof(ids, naughtyString()),
          text: fc.oneof(naughtyString(), fc.constantFrom('x'.repeat(4001), 'я'.repeat(4000), 'ok')),
          clientId: fc.oneof(fc.uuid(), naughtyString()),
          attachmentIds: fc.array(fc.oneof(ids, naughtyString()), { maxLength: 3 }),
          councilId: fc.oneof(ids, naughtyString()),
        },
        { requiredKeys: [] },
      )
      const payload = fc.oneof(
        { weight: 3, arbitrary: mutated(payloadBase) },
        { weight: 2, arbitrary: payloadBase },
        { weight: 2, arbitrary: junkValue },
        { weight: 1, arbitrary: fc.constant(undefined) },
      )
      let events = 0
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...EVENTS), payload, async (event, data) => {
          // A socket may send 200 events per 10 s before `rate_limited`: reconnect well before that.
          if (!socket?.connected || ++events % 150 === 0) {
            socket?.close()
            socket = await connectChat(t.url, member)
          }
          const size = Buffer.byteLength(JSON.stringify(data) ?? '')
          const s = socket
          const closed = new Promise<'closed'>((resolve) => s.once('disconnect', () => resolve('closed')))
          const ack = await Promise.race([ask(s, event, data, 5000), closed])
          if (ack === 'closed') {
            // Documented: a frame over 1 MiB closes the connection (and stores nothing).
            expect(size, `${event} closed the socket for a ${size}-byte payload`).to.be.greaterThan(1024 * 1024 - 64)
            return
          }
          expect(ack, `${event} ${JSON.stringify(data)?.slice(0, 200)}`).to.be.an('object')
          expect(ack.ok, JSON.stringify(ack).slice(0, 300)).to.be.a('boolean')
          if (!ack.ok) expect(ack.error?.code, JSON.stringify(ack)).to.be.a('string')
          expect(s.connected, `${event} disconnected the socket`).to.equal(true)
        }),
        { seed: seedFor(SEED, 'socket'), numRuns: RUNS * 25, endOnFailure: true },
      )
      await healthy()
      // The room still works for its members after the junk.
      socket.close()
      socket = await connectChat(t.url, member)
      expect((await ask(socket, 'room:join', { roomId })).ok).to.equal(true)
      const after = await ask(socket, 'message:send', { roomId, text: NAUGHTY[4], clientId: clientId() })
      expect(after.ok, JSON.stringify(after)).to.be.oneOf([true, false])
    })
  })
})
