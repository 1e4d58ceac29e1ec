import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser } from '../../helpers/users.js'

const login = (t: TestServer, email: string, password: string) =>
  new Agent(t.url).post('/api/v1/auth/login', { email, password })

describe('auth: failed logins are slowed, then locked per account', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ LOGIN_MAX_FAILURES: '4', LOGIN_LOCK_SEC: '600' })
  })
  after(async () => {
    await t?.close()
  })

  it('should lock an account after 4 failures, even for the right password, with Retry-After', async () => {
    const { email, password } = await createUser(t)
    const times: number[] = []
    for (let i = 0; i < 4; i++) {
      const start = Date.now()
      const res = await login(t, email, 'wrong-password-x')
      times.push(Date.now() - start)
      expect(res.status, `attempt ${i + 1}`).to.equal(401)
    }
    expect(times[2], 'third failure is slowed').to.be.at.least(200)
    const locked = await login(t, email, password)
    expect(locked.status).to.equal(429)
    expect(locked.body.code).to.equal('auth.locked')
    expect(locked.body.retryAfterSec).to.be.within(1, 600)
    expect(Number(locked.headers.get('retry-after'))).to.equal(locked.body.retryAfterSec)
    expect(locked.body.detail).to.include(String(locked.body.retryAfterSec))
  })

  it('should lock an unknown e-mail the same way (no account enumeration)', async () => {
    for (let i = 0; i < 4; i++)
      expect((await login(t, 'nobody-here@example.kz', 'wrong-password-x')).status).to.equal(401)
    expect((await login(t, 'nobody-here@example.kz', 'wrong-password-x')).body.code).to.equal('auth.locked')
  })

  it('should not lock other accounts', async () => {
    const { email, password } = await createUser(t)
    expect((await login(t, email, password)).status).to.equal(200)
  })

  it('should clear the count on success', async () => {
    const { email, password } = await createUser(t)
    for (let i = 0; i < 3; i++) await login(t, email, 'wrong-password-x')
    expect((await login(t, email, password)).status).to.equal(200)
    for (let i = 0; i < 3; i++) expect((await login(t, email, 'wrong-password-x')).status).to.equal(401)
    expect((await login(t, email, password)).status).to.equal(200)
  })
})

describe('auth: failed logins are locked per IP address', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ LOGIN_MAX_FAILURES_PER_IP: '5' })
  })
  after(async () => {
    await t?.close()
  })

  it('should lock the address after 5 failures spread over different accounts', async () => {
    const { email, password } = await createUser(t)
    for (let i = 0; i < 5; i++)
      expect((await login(t, `spray-${i}@example.kz`, 'wrong-password-x')).status).to.equal(401)
    const res = await login(t, email, password)
    expect(res.status).to.equal(429)
    expect(res.body.code).to.equal('auth.locked')
    expect(res.headers.get('retry-after')).to.match(/^\d+$/)
  })
})

describe('auth: the lockout holds under parallel attempts', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ LOGIN_MAX_FAILURES: '5', LOGIN_MAX_FAILURES_PER_IP: '8', TRUST_PROXY: '1' })
  })
  after(async () => {
    await t?.close()
  })
  const fromAddress = (ip: string, email: string, password: string) =>
    fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ email, password }),
    })

  it('should check at most 5 of 20 simultaneous wrong passwords for one account, from 20 addresses', async () => {
    const { email, password } = await createUser(t)
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fromAddress(`198.51.100.${i + 1}`, email, 'wrong-password-x')),
    )
    const statuses = res.map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).to.have.length(5)
    expect(statuses.filter((s) => s === 429)).to.have.length(15)
    expect((await fromAddress('198.51.100.99', email, password)).status, 'locked even for the right one').to.equal(429)
  })

  it('should check at most 8 of 30 simultaneous attempts from one address over many accounts', async () => {
    const res = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fromAddress('203.0.113.7', `spray-par-${i}@example.kz`, 'wrong-password-x')),
    )
    const statuses = res.map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).to.have.length(8)
    expect(statuses.filter((s) => s === 429)).to.have.length(22)
  })
})

describe('rate limits on registration', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ REGISTER_MAX_PER_IP_HOUR: '2' })
  })
  after(async () => {
    await t?.close()
  })

  it('should answer 429 rate_limited after the hourly registrations of an address', async () => {
    for (let i = 0; i < 2; i++)
      expect(
        (
          await new Agent(t.url).post('/api/v1/auth/register', {
            email: `r${i}@example.kz`,
            password: 'kenes-password-1',
            displayName: 'R',
          })
        ).status,
      ).to.equal(201)
    const res = await new Agent(t.url).post('/api/v1/auth/register', {
      email: 'r9@example.kz',
      password: 'kenes-password-1',
      displayName: 'R',
    })
    expect(res.status).to.equal(429)
    expect(res.body.code).to.equal('rate_limited')
    expect(res.headers.get('retry-after')).to.match(/^\d+$/)
  })
})
