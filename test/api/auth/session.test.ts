import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

describe('auth: sessions', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should set an httpOnly, SameSite=Lax session cookie (not Secure outside production)', async () => {
    const { createUser } = await import('../../helpers/users.js')
    const { email, password } = await createUser(t)
    const res = await new Agent(t.url).post('/api/v1/auth/login', { email, password })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kenes.sid='))!
    expect(cookie).to.match(/HttpOnly/i)
    expect(cookie).to.match(/SameSite=Lax/i)
    expect(cookie).to.match(/Expires=/i)
    expect(cookie).not.to.match(/;\s*Secure/i)
  })

  it('should apply a role change made by an admin at once', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const user = await loginAs(t)
    expect((await user.get('/api/v1/users')).status).to.equal(403)
    expect((await admin.patch(`/api/v1/users/${user.user!.id}`, { roles: ['citizen', 'admin'] })).status).to.equal(200)
    expect((await user.get('/api/v1/users')).status).to.equal(200)
    expect((await user.get('/api/v1/auth/me')).body.user.roles).to.deep.equal(['citizen', 'admin'])
  })

  it('should sign a disabled user out at once and refuse their logins', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const { createUser } = await import('../../helpers/users.js')
    const { email, password, id } = await createUser(t)
    const user = new Agent(t.url)
    await user.post('/api/v1/auth/login', { email, password })
    expect((await user.get('/api/v1/auth/me')).status).to.equal(200)
    expect((await admin.patch(`/api/v1/users/${id}`, { disabled: true })).body.user.disabled).to.equal(true)
    expect((await user.get('/api/v1/auth/me')).status).to.equal(401)
    const again = await new Agent(t.url).post('/api/v1/auth/login', { email, password })
    expect(again.status).to.equal(403)
    expect(again.body.code).to.equal('auth.disabled')
    expect((await admin.patch(`/api/v1/users/${id}`, { disabled: false })).status).to.equal(200)
    expect((await new Agent(t.url).post('/api/v1/auth/login', { email, password })).status).to.equal(200)
  })

  it('should record activity for the active-users indicator', async () => {
    const { countActiveUsers } = await import('../../../server/modules/users/users.service.js')
    const since = new Date(Date.now() - 1000)
    const before = await countActiveUsers(since)
    await loginAs(t)
    expect(await countActiveUsers(since)).to.equal(before + 1)
  })

  it('should answer the session probe 200 with the user, or null for a guest (where /auth/me says 401)', async () => {
    const guest = new Agent(t.url)
    const probe = await guest.get('/api/v1/auth/session')
    expect(probe.status).to.equal(200)
    expect(probe.body).to.deep.equal({ user: null })
    expect(probe.headers.get('cache-control')).to.equal('no-store')
    expect((await guest.get('/api/v1/auth/me')).status).to.equal(401)
    const user = await loginAs(t, { roles: ['moderator'] })
    const signedIn = await user.get('/api/v1/auth/session')
    expect(signedIn.status).to.equal(200)
    expect(signedIn.body.user.id).to.equal(user.user!.id)
    expect(signedIn.body.user.roles).to.deep.equal(['moderator'])
    expect(signedIn.body.user).to.deep.equal((await user.get('/api/v1/auth/me')).body.user)
    await user.post('/api/v1/auth/logout')
    expect((await user.get('/api/v1/auth/session')).body).to.deep.equal({ user: null })
  })

  it('should fail with 401 auth.required for logout without a session', async () => {
    const res = await new Agent(t.url).post('/api/v1/auth/logout')
    expect(res.status).to.equal(401)
    expect(res.body.code).to.equal('auth.required')
  })
})

describe('auth: sessions in production', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-some-length',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'silent',
    })
  })
  after(async () => {
    await t?.close()
  })

  it('should mark the session cookie Secure (behind a TLS proxy) and send HSTS', async () => {
    const { createUser } = await import('../../helpers/users.js')
    const { email, password } = await createUser(t)
    const res = await new Agent(t.url).post(
      '/api/v1/auth/login',
      { email, password },
      { headers: { 'x-forwarded-proto': 'https' } },
    )
    expect(res.status).to.equal(200)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kenes.sid='))!
    expect(cookie).to.match(/;\s*Secure/i)
    expect(cookie).to.match(/HttpOnly/i)
    expect(res.headers.get('strict-transport-security')).to.match(/max-age=\d+/)
  })

  it('should not hand a session cookie out over plain HTTP', async () => {
    const { createUser } = await import('../../helpers/users.js')
    const { email, password } = await createUser(t)
    const res = await new Agent(t.url).post('/api/v1/auth/login', { email, password })
    expect(res.headers.getSetCookie().some((c) => c.startsWith('kenes.sid='))).to.equal(false)
  })
})
