import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { linkFrom, readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser } from '../../helpers/users.js'

describe('auth: register, verify, sign in and out, reset a password', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  const tokenOf = (url: URL) => url.searchParams.get('token')!

  it('should register a citizen, sign them in and e-mail a verification link that works once', async () => {
    const a = new Agent(t.url)
    const res = await a.post('/api/v1/auth/register', {
      email: '  Aigerim@Example.KZ ',
      password: 'kenes-password-1',
      displayName: 'Айгерім',
      locale: 'kk',
    })
    expect(res.status).to.equal(201)
    expect(res.body.user).to.include({
      email: 'aigerim@example.kz',
      displayName: 'Айгерім',
      emailVerified: false,
      locale: 'kk',
    })
    expect(res.body.user.roles).to.deep.equal(['citizen'])
    expect(res.body.user).to.have.keys(
      'id',
      'email',
      'displayName',
      'roles',
      'councilIds',
      'locale',
      'emailVerified',
      'accessibility',
      'createdAt',
    )
    expect(res.body.user).not.to.have.any.keys('passwordHash', '_id')

    const me = await a.get('/api/v1/auth/me')
    expect(me.status).to.equal(200)
    expect(me.body.user.id).to.equal(res.body.user.id)

    const mail = await waitForMail(t, { to: 'aigerim@example.kz', template: 'auth:email.verify' })
    expect(mail.lng).to.equal('kk')
    expect(mail.subject).to.match(/растаңыз/)
    const link = linkFrom(mail, '/verify-email')
    expect(link.origin + link.pathname).to.equal(`${t.config.publicUrl}/verify-email`)

    const guest = new Agent(t.url)
    expect((await guest.post('/api/v1/auth/verify-email', { token: tokenOf(link) })).status).to.equal(204)
    expect((await a.get('/api/v1/auth/me')).body.user.emailVerified).to.equal(true)
    const again = await guest.post('/api/v1/auth/verify-email', { token: tokenOf(link) })
    expect(again.status).to.equal(400)
    expect(again.body.code).to.equal('auth.invalid_token')
  })

  it('should write the verification mail in Russian for a Russian-speaking registrant', async () => {
    const a = new Agent(t.url, { lng: 'ru' })
    expect(
      (
        await a.post('/api/v1/auth/register', {
          email: 'ivan@example.kz',
          password: 'kenes-password-1',
          displayName: 'Иван',
        })
      ).status,
    ).to.equal(201)
    const mail = await waitForMail(t, { to: 'ivan@example.kz', template: 'auth:email.verify' })
    expect(mail.lng).to.equal('ru')
    expect(mail.subject).to.match(/подтвердите/)
    expect(mail.text).to.include('Иван')
  })

  it('should refuse a second account with the same e-mail in any case (409 auth.email_taken)', async () => {
    await createUser(t, { email: 'taken@example.kz' })
    const res = await new Agent(t.url).post('/api/v1/auth/register', {
      email: 'TAKEN@example.kz',
      password: 'kenes-password-1',
      displayName: 'X',
    })
    expect(res.status).to.equal(409)
    expect(res.body.code).to.equal('auth.email_taken')
    expect(res.headers.get('content-type')).to.match(/application\/problem\+json/)
  })

  it('should fail with 400 for a short password, a bad e-mail or a missing name', async () => {
    const a = new Agent(t.url)
    const short = await a.post('/api/v1/auth/register', {
      email: 'short@example.kz',
      password: 'short',
      displayName: 'S',
    })
    expect(short.status).to.equal(400)
    expect(short.body.code).to.equal('validation.failed')
    expect(short.body.errors[0]).to.include({ path: 'body.password', code: 'too_small' })
    const bad = await a.post('/api/v1/auth/register', {
      email: 'not-an-email',
      password: 'kenes-password-1',
      displayName: 'S',
    })
    expect(bad.body.errors.map((e: any) => e.path)).to.include('body.email')
    const missing = await a.post('/api/v1/auth/register', { email: 'm@example.kz', password: 'kenes-password-1' })
    expect(missing.body.errors[0]).to.include({ path: 'body.displayName', code: 'required' })
    const long = await a.post('/api/v1/auth/register', {
      email: 'l@example.kz',
      password: 'x'.repeat(257),
      displayName: 'L',
    })
    expect(long.status).to.equal(400)
  })

  it('should sign in with any case of the e-mail, and out again', async () => {
    const { email, password, id } = await createUser(t, { email: 'Case.Sensitive@Example.kz' })
    const a = new Agent(t.url)
    const res = await a.post('/api/v1/auth/login', { email: email.toUpperCase(), password })
    expect(res.status).to.equal(200)
    expect(res.body.user.id).to.equal(id)
    expect(a.hasSession).to.equal(true)
    expect((await a.post('/api/v1/auth/logout')).status).to.equal(204)
    expect(a.hasSession).to.equal(false)
    const me = await a.get('/api/v1/auth/me')
    expect(me.status).to.equal(401)
    expect(me.body.code).to.equal('auth.required')
  })

  it('should fail with 401 auth.invalid_credentials for a wrong password or an unknown e-mail, alike', async () => {
    const { email } = await createUser(t)
    const wrong = await new Agent(t.url).post('/api/v1/auth/login', { email, password: 'wrong-password-1' })
    const unknown = await new Agent(t.url).post('/api/v1/auth/login', {
      email: 'nobody@example.kz',
      password: 'wrong-password-1',
    })
    for (const res of [wrong, unknown]) {
      expect(res.status).to.equal(401)
      expect(res.body.code).to.equal('auth.invalid_credentials')
    }
    expect(wrong.body.detail).to.equal(unknown.body.detail)
  })

  it('should reset a forgotten password with a single-use link and end the old sessions', async () => {
    const { email, password } = await createUser(t, { locale: 'ru', email: 'forgetful@example.kz' })
    const old = new Agent(t.url)
    expect((await old.post('/api/v1/auth/login', { email, password })).status).to.equal(200)

    const before = (await readOutbox(t, { to: email })).length
    const res = await new Agent(t.url).post('/api/v1/auth/password/forgot', { email: 'Forgetful@Example.kz' })
    expect(res.status).to.equal(202)
    const mail = await waitForMail(t, { to: email, template: 'auth:email.reset' }, { after: 0 })
    expect(before).to.equal(0)
    expect(mail.lng).to.equal('ru')
    const token = tokenOf(linkFrom(mail, '/reset-password'))

    const guest = new Agent(t.url)
    const weak = await guest.post('/api/v1/auth/password/reset', { token, password: 'short' })
    expect(weak.status).to.equal(400)
    expect(
      (await guest.post('/api/v1/auth/password/reset', { token, password: 'brand-new-password' })).status,
    ).to.equal(204)
    const reused = await guest.post('/api/v1/auth/password/reset', { token, password: 'another-new-password' })
    expect(reused.status).to.equal(400)
    expect(reused.body.code).to.equal('auth.invalid_token')

    expect((await old.get('/api/v1/auth/me')).status, 'old session ended').to.equal(401)
    expect((await new Agent(t.url).post('/api/v1/auth/login', { email, password })).status).to.equal(401)
    expect(
      (await new Agent(t.url).post('/api/v1/auth/login', { email, password: 'brand-new-password' })).status,
    ).to.equal(200)
  })

  it('should answer 202 to a reset request for an unknown address and send nothing', async () => {
    const res = await new Agent(t.url).post('/api/v1/auth/password/forgot', { email: 'ghost@example.kz' })
    expect(res.status).to.equal(202)
    // A real address requested right after is mailed: once it is, the ghost's job has run too.
    const { email } = await createUser(t)
    await new Agent(t.url).post('/api/v1/auth/password/forgot', { email })
    await waitForMail(t, { to: email, template: 'auth:email.reset' })
    expect(await readOutbox(t, { to: 'ghost@example.kz' })).to.have.length(0)
  })

  it('should refuse made-up and malformed tokens', async () => {
    const a = new Agent(t.url)
    const made = await a.post('/api/v1/auth/verify-email', { token: 'A'.repeat(43) })
    expect(made.status).to.equal(400)
    expect(made.body.code).to.equal('auth.invalid_token')
    const odd = await a.post('/api/v1/auth/password/reset', { token: { $ne: null }, password: 'brand-new-password' })
    expect(odd.status).to.equal(400)
    expect(odd.body.code).to.equal('validation.failed')
  })

  it('should let a signed-in user change their name, language and accessibility settings', async () => {
    const { email, password } = await createUser(t)
    const a = new Agent(t.url)
    await a.post('/api/v1/auth/login', { email, password })
    const res = await a.patch('/api/v1/auth/me', {
      displayName: 'Жаңа есім',
      locale: 'ru',
      accessibility: { fontScale: 1.5, highContrast: true },
    })
    expect(res.status).to.equal(200)
    expect(res.body.user).to.include({ displayName: 'Жаңа есім', locale: 'ru' })
    expect(res.body.user.accessibility).to.deep.equal({ fontScale: 1.5, highContrast: true, hideImages: false })
    for (const body of [
      { roles: ['admin'] },
      { email: 'x@y.kz' },
      { emailVerified: true },
      { accessibility: { fontScale: 5 } },
    ]) {
      const bad = await a.patch('/api/v1/auth/me', body)
      expect(bad.status, JSON.stringify(body)).to.equal(400)
    }
    expect((await a.get('/api/v1/auth/me')).body.user.roles).to.deep.equal(['citizen'])
    expect((await new Agent(t.url).patch('/api/v1/auth/me', { locale: 'kk' })).status).to.equal(401)
  })

  it('should hash passwords with argon2id', async () => {
    const { User } = await import('../../../server/modules/users/users.model.js')
    const { email } = await createUser(t)
    const doc = await User.findOne({ email }).lean()
    expect(doc!.passwordHash).to.match(/^\$argon2id\$/)
  })
})
