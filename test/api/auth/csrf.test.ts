import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

describe('auth: CSRF protection of cookie-authenticated requests', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should fail with 403 csrf.invalid without the X-CSRF-Token header', async () => {
    const a = await loginAs(t)
    const res = await a.post('/api/v1/auth/logout', undefined, { csrf: false })
    expect(res.status).to.equal(403)
    expect(res.body.code).to.equal('csrf.invalid')
    expect(res.headers.get('content-type')).to.match(/problem\+json/)
    expect((await a.get('/api/v1/auth/me')).status, 'still signed in').to.equal(200)
  })

  it('should fail with 403 csrf.invalid with a wrong token', async () => {
    const a = await loginAs(t)
    const res = await a.patch('/api/v1/auth/me', { displayName: 'X' }, { headers: { 'x-csrf-token': 'not-the-token' } })
    expect(res.status).to.equal(403)
    expect(res.body.code).to.equal('csrf.invalid')
  })

  it("should refuse another session's token", async () => {
    const a = await loginAs(t)
    const b = await loginAs(t)
    const res = await a.patch(
      '/api/v1/auth/me',
      { displayName: 'X' },
      { headers: { 'x-csrf-token': await b.csrfToken() } },
    )
    expect(res.status).to.equal(403)
  })

  it('should accept the token from GET /api/v1/auth/csrf', async () => {
    const a = await loginAs(t)
    const token = await a.csrfToken()
    expect(token).to.match(/^[A-Za-z0-9_-]{40,}$/)
    const res = await a.patch('/api/v1/auth/me', { displayName: 'With token' }, { headers: { 'x-csrf-token': token } })
    expect(res.status).to.equal(200)
  })

  it('should let requests without a session cookie through (nothing to forge)', async () => {
    const { email, password } = await createUser(t)
    const guest = new Agent(t.url)
    expect(
      (await guest.post('/api/v1/auth/password/forgot', { email: 'x@example.kz' }, { csrf: false })).status,
    ).to.equal(202)
    expect((await guest.post('/api/v1/auth/login', { email, password }, { csrf: false })).status).to.equal(200)
  })

  it('should refuse a form posted from another site (login CSRF: the victim signed in as the attacker)', async () => {
    const { email, password } = await createUser(t)
    const form = `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`
    const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }
    const forged = await new Agent(t.url, { lng: 'ru' }).request('POST', '/api/v1/auth/login', { body: form, headers })
    expect(forged.status).to.equal(403)
    expect(forged.body.code).to.equal('csrf.invalid')
    expect(forged.body.title).to.equal('Недействительный токен безопасности')
    expect(forged.headers.getSetCookie()).to.deep.equal([])
    const signup = await new Agent(t.url).request('POST', '/api/v1/auth/register', {
      json: { email: 'victim@example.kz', password: 'long-enough-pass', displayName: 'X' },
      headers: { origin: 'null' },
    })
    expect(signup.status).to.equal(403)
    // The portal's own pages (same origin) and clients that send no Origin are unaffected.
    expect(
      (await new Agent(t.url).post('/api/v1/auth/login', { email, password }, { headers: { origin: t.url } })).status,
    ).to.equal(200)
  })

  it('should rotate the session id and the token on login (no fixation)', async () => {
    const { email, password } = await createUser(t)
    const a = new Agent(t.url)
    const guestToken = await a.csrfToken() // creates a guest session
    const guestSid = a.cookies.get('kenes.sid')
    expect(guestSid).to.be.a('string')
    const login = await a.post('/api/v1/auth/login', { email, password })
    expect(login.status).to.equal(200)
    expect(a.cookies.get('kenes.sid')).not.to.equal(guestSid)
    const stale = await a.patch('/api/v1/auth/me', { displayName: 'Y' }, { headers: { 'x-csrf-token': guestToken } })
    expect(stale.status).to.equal(403)
    expect((await a.patch('/api/v1/auth/me', { displayName: 'Y' })).status).to.equal(200)
    // The old session id no longer names a signed-in session.
    const fixed = new Agent(t.url)
    fixed.cookies.set('kenes.sid', guestSid!)
    expect((await fixed.get('/api/v1/auth/me')).status).to.equal(401)
  })

  it('should not require the token on safe methods', async () => {
    const a = await loginAs(t)
    expect((await a.get('/api/v1/auth/me', { csrf: false })).status).to.equal(200)
  })
})
