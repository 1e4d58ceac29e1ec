import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

describe('auth: injection and mass assignment', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should fail with 400 validation.failed for an operator object as the e-mail or password', async () => {
    await createUser(t)
    for (const body of [
      { email: { $gt: '' }, password: 'whatever-password' },
      { email: 'a@b.kz', password: { $ne: null } },
      { email: ['a@b.kz'], password: 'x' },
    ]) {
      const res = await new Agent(t.url).post('/api/v1/auth/login', body)
      expect(res.status, JSON.stringify(body)).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
      expect(res.body.errors[0].code).to.equal('invalid_type')
    }
    const forgot = await new Agent(t.url).post('/api/v1/auth/password/forgot', { email: { $regex: '.*' } })
    expect(forgot.status).to.equal(400)
  })

  it('should refuse unknown keys, and never assign roles or verification from a register body', async () => {
    for (const extra of [
      { roles: ['admin'] },
      { emailVerified: true },
      { _id: '0123456789abcdef01234567' },
      { councilIds: [] },
      { disabled: false },
    ]) {
      const email = `mass-${Object.keys(extra)[0].replace('_', '')}@example.kz`
      const res = await new Agent(t.url).post('/api/v1/auth/register', {
        email,
        password: 'kenes-password-1',
        displayName: 'M',
        ...extra,
      })
      expect(res.status, JSON.stringify(extra)).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
      expect(res.body.errors[0].code).to.equal('unrecognized_keys')
      const login = await new Agent(t.url).post('/api/v1/auth/login', { email, password: 'kenes-password-1' })
      expect(login.status, 'no account was created').to.equal(401)
    }
  })

  it('should answer 400 to malformed JSON, not 500', async () => {
    const res = await new Agent(t.url).request('POST', '/api/v1/auth/login', {
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).to.equal(400)
    expect(res.body.code).to.equal('validation.failed')
  })

  it('should not let query-string operators reach the user list', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const res = await admin.get('/api/v1/users?role[$ne]=x')
    expect(res.status).to.equal(200) // the simple query parser keeps "role[$ne]" a plain (unknown) key
    const nested = await admin.get('/api/v1/users?q=.*&role=admin')
    expect(nested.status).to.equal(200)
    expect(nested.body.items).to.have.length(0) // ".*" is matched literally
    const arr = await admin.get('/api/v1/users?role=admin&role=citizen')
    expect(arr.status).to.equal(400)
  })
})
