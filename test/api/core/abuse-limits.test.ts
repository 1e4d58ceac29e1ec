import crypto from 'node:crypto'
import { expect } from 'chai'
import mongoose from 'mongoose'
import { Job } from '../../../server/core/jobs.js'
import { Agent, type TestResponse } from '../../helpers/agent.js'
import { readOutbox } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'
import { appealBody, createCouncil, guestContact } from '../appeals/fixtures.js'
import { createCouncil as createEventCouncil, eventBody, publishedEvent } from '../events/fixtures.js'

/**
 * Every write a stranger (a guest, or any signed-in citizen) can make has a limit: exactly N are
 * let through, even when 100 arrive at once (the count is taken atomically in the limiter's store
 * before the work), and the rest get 429 with a stable, localized code and a plausible
 * `Retry-After` (whole seconds, > 0, ≤ the window). Small limits through the environment keep it
 * quick; each test uses addresses of its own (TRUST_PROXY + X-Forwarded-For).
 */
const LIMITS = {
  LOGIN_MAX_FAILURES: '3',
  LOGIN_MAX_FAILURES_PER_IP: '4',
  LOGIN_LOCK_SEC: '600',
  REGISTER_MAX_PER_IP_HOUR: '3',
  PASSWORD_FORGOT_MAX_PER_IP_HOUR: '3',
  PASSWORD_FORGOT_MAX_PER_EMAIL_HOUR: '2',
  APPEALS_MAX_PER_IP_HOUR: '4',
  APPEALS_MAX_PER_SENDER_HOUR: '3',
  SUPPORT_MAX_PER_IP_HOUR: '4',
  SUPPORT_MAX_PER_SENDER_HOUR: '3',
  EVENT_REGISTRATIONS_MAX_PER_USER_HOUR: '3',
  EVENT_REGISTRATIONS_MAX_PER_IP_HOUR: '4',
}
const HOUR = 3600
const PARALLEL = 100

let ipSeq = 0
/** A fresh client address for one test (documentation ranges). */
const newIp = () => `203.0.113.${++ipSeq}`
const otherIp = (i: number) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`

/** The refusal of a limit: 429, the code, a localized title, `Retry-After` equal to `retryAfterSec`, within the window. */
function expectRefused(res: TestResponse, windowSec: number, code = 'rate_limited'): void {
  expect(res.status, res.text).to.equal(429)
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/)
  expect(res.body.code).to.equal(code)
  const header = res.headers.get('retry-after') ?? ''
  expect(header, 'Retry-After is whole seconds').to.match(/^\d+$/)
  expect(Number(header)).to.be.above(0).and.at.most(windowSec)
  expect(res.body.retryAfterSec).to.equal(Number(header))
}

/** Counts statuses of parallel responses. */
const tally = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {})

describe('abuse limits on every write a stranger can make', function () {
  this.timeout(60_000)
  let t: TestServer
  let councilId: string
  const guest = (lng: 'kk' | 'ru' = 'kk') => new Agent(t.url, { lng })
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })

  before(async () => {
    t = await startTestServer({ ...LIMITS, TRUST_PROXY: '1' })
    councilId = await createCouncil()
  })
  after(() => t?.close())

  describe('login', () => {
    it('per account: 3 failures checked of 100 at once from 100 addresses, then auth.locked even for the right password', async () => {
      const { email, password } = await createUser(t)
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest().post('/api/v1/auth/login', { email, password: 'wrong-password-x' }, from(otherIp(i))),
        ),
      )
      expect(tally(res)).to.deep.equal({ 401: 3, 429: PARALLEL - 3 })
      const right = await guest('ru').post('/api/v1/auth/login', { email, password }, from(newIp()))
      expectRefused(right, 600, 'auth.locked')
      expect(right.body.title).to.match(/[а-я]/i)
    })

    it('per address: 4 failures over many accounts, then auth.locked for any account from it', async () => {
      const ip = newIp()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest().post(
            '/api/v1/auth/login',
            { email: `spray-${i}@example.kz`, password: 'wrong-password-x' },
            from(ip),
          ),
        ),
      )
      expect(tally(res)).to.deep.equal({ 401: 4, 429: PARALLEL - 4 })
      const { email, password } = await createUser(t)
      expectRefused(await guest().post('/api/v1/auth/login', { email, password }, from(ip)), 600, 'auth.locked')
      expect((await guest().post('/api/v1/auth/login', { email, password }, from(newIp()))).status).to.equal(200)
    })
  })

  it('registration per address: 3 accounts of 100 attempts at once', async () => {
    const ip = newIp()
    const res = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        guest().post(
          '/api/v1/auth/register',
          { email: `reg-${ip}-${i}@example.kz`, password: 'kenes-password-1', displayName: 'R' },
          from(ip),
        ),
      ),
    )
    expect(tally(res)).to.deep.equal({ 201: 3, 429: PARALLEL - 3 })
    expectRefused(
      res.find((r) => r.status === 429)!,
      HOUR,
    )
    const another = await guest().post(
      '/api/v1/auth/register',
      { email: `reg-other-${ip}@example.kz`, password: 'kenes-password-1', displayName: 'R' },
      from(newIp()),
    )
    expect(another.status, 'another address is not affected').to.equal(201)
  })

  describe('password reset (forgot)', () => {
    it('per address: 3 requests of 100 at once, then 429', async () => {
      const ip = newIp()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest().post('/api/v1/auth/password/forgot', { email: `nobody-${i}@example.kz` }, from(ip)),
        ),
      )
      expect(tally(res)).to.deep.equal({ 202: 3, 429: PARALLEL - 3 })
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })

    it('per e-mail address: 202 every time (no enumeration), but only 2 reset mails are sent', async () => {
      const { email } = await createUser(t)
      const res = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          guest().post('/api/v1/auth/password/forgot', { email }, from(otherIp(200 + i))),
        ),
      )
      expect(res.map((r) => r.status)).to.deep.equal(Array(6).fill(202))
      // Every queued reset job has run (sent or skipped): then the outbox is final.
      for (;;) {
        const pending = await Job.countDocuments({
          name: 'users.password_reset_mail',
          status: mongoose.trusted({ $in: ['queued', 'running'] }),
        })
        if (pending === 0) break
        await new Promise((r) => setImmediate(r))
      }
      expect(await readOutbox(t, { to: email, template: 'auth:email.reset' })).to.have.length(2)
    })
  })

  describe('appeals', () => {
    it('per address: 4 guest appeals of 100 at once, then 429', async () => {
      const ip = newIp()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          guest().post('/api/v1/appeals', appealBody(councilId, { contact: guestContact() }), from(ip)),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 4, 429: PARALLEL - 4 })
      expect(res.filter((r) => r.status === 201).every((r) => /^KK-\d{4}-\d{6}$/.test(r.body.trackingNumber))).to.equal(
        true,
      )
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })

    it('per guest e-mail: 3 of 100 at once from 100 addresses', async () => {
      const contact = guestContact()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest('ru').post('/api/v1/appeals', appealBody(councilId, { contact }), from(otherIp(300 + i))),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 3, 429: PARALLEL - 3 })
      const refused = res.find((r) => r.status === 429)!
      expectRefused(refused, HOUR)
      expect(refused.body.title).to.equal('Слишком много запросов')
    })

    it('per signed-in citizen: 3 of 100 at once from 100 addresses', async () => {
      const citizen = await loginAs(t)
      await citizen.csrfToken()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          citizen.post('/api/v1/appeals', appealBody(councilId), from(otherIp(400 + i))),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 3, 429: PARALLEL - 3 })
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })
  })

  describe('support tickets', () => {
    const ticket = (extra: Record<string, unknown> = {}) => ({
      category: 'technical',
      subject: 'Бейне ашылмайды',
      text: 'Видео на странице совета не воспроизводится в телефоне.',
      ...extra,
    })

    it('per address: 4 guest tickets of 100 at once, then 429', async () => {
      const ip = newIp()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest().post(
            '/api/v1/support/tickets',
            ticket({ contact: { name: 'Guest', email: `t-${ip}-${i}@mail.test` } }),
            from(ip),
          ),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 4, 429: PARALLEL - 4 })
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })

    it('per guest e-mail: 3 of 100 at once from 100 addresses', async () => {
      const contact = { name: 'Guest', email: `t-${crypto.randomBytes(4).toString('hex')}@mail.test` }
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          guest().post('/api/v1/support/tickets', ticket({ contact }), from(otherIp(500 + i))),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 3, 429: PARALLEL - 3 })
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })

    it('per signed-in user: 3 of 100 at once from 100 addresses', async () => {
      const citizen = await loginAs(t)
      await citizen.csrfToken()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          citizen.post('/api/v1/support/tickets', ticket(), from(otherIp(600 + i))),
        ),
      )
      expect(tally(res)).to.deep.equal({ 201: 3, 429: PARALLEL - 3 })
      expectRefused(
        res.find((r) => r.status === 429)!,
        HOUR,
      )
    })
  })

  describe('event registrations', () => {
    let events: string[]
    before(async () => {
      const council = await createEventCouncil(0)
      const organizer = await loginAs(t, { roles: ['council_member'], councilIds: [council.id] })
      events = []
      for (let i = 0; i < 4; i++)
        events.push(
          (await publishedEvent(organizer, eventBody([council.id], council.regionId!, { audience: 'public' }))).id,
        )
    })

    it('per user: 3 registrations, the 4th (another event) refused; 100 at once let 3 through the limiter', async () => {
      const citizen = await loginAs(t)
      for (let i = 0; i < 3; i++)
        expect(
          (await citizen.post(`/api/v1/events/${events[i]}/registrations`, undefined, from(newIp()))).status,
        ).to.equal(201)
      expectRefused(await citizen.post(`/api/v1/events/${events[3]}/registrations`, undefined, from(newIp())), HOUR)

      const other = await loginAs(t)
      await other.csrfToken()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          other.post(`/api/v1/events/${events[0]}/registrations`, undefined, from(otherIp(700 + i))),
        ),
      )
      // Three pass the limiter: one registers, the two others find the registration (409).
      expect(tally(res)).to.deep.equal({ 201: 1, 409: 2, 429: PARALLEL - 3 })
    })

    it('per address: 4 of 100 at once (any users), then 429', async () => {
      const ip = newIp()
      const users: Agent[] = []
      // One after another: logins from the test's own address share its small per-address budget.
      for (let i = 0; i < 5; i++) users.push(await loginAs(t))
      for (let i = 0; i < 4; i++)
        expect((await users[i].post(`/api/v1/events/${events[0]}/registrations`, undefined, from(ip))).status).to.equal(
          201,
        )
      expectRefused(await users[4].post(`/api/v1/events/${events[0]}/registrations`, undefined, from(ip)), HOUR)

      // The address is counted before anything else, so even 100 strangers at once spend only 4.
      const ip2 = newIp()
      const res = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          guest().post(`/api/v1/events/${events[1]}/registrations`, {}, from(ip2)),
        ),
      )
      expect(tally(res)).to.deep.equal({ 401: 4, 429: PARALLEL - 4 })
    })
  })
})
