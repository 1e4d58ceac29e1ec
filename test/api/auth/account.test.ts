import { expect } from 'chai'
import mongoose from 'mongoose'
import { Job } from '../../../server/core/jobs.js'
import { Agent } from '../../helpers/agent.js'
import { eventually } from '../../helpers/eventually.js'
import { linkFrom, readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

describe('auth: account self-service', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  describe('POST /api/v1/auth/password/change', () => {
    it('should change the password, keep this session and end the others', async () => {
      const { email, password } = await createUser(t)
      const here = new Agent(t.url)
      const elsewhere = new Agent(t.url)
      await here.post('/api/v1/auth/login', { email, password })
      await elsewhere.post('/api/v1/auth/login', { email, password })
      const res = await here.post('/api/v1/auth/password/change', {
        currentPassword: password,
        newPassword: 'changed-password-1',
      })
      expect(res.status).to.equal(204)
      expect((await here.get('/api/v1/auth/me')).status).to.equal(200)
      expect((await elsewhere.get('/api/v1/auth/me')).status).to.equal(401)
      expect(
        (await new Agent(t.url).post('/api/v1/auth/login', { email, password: 'changed-password-1' })).status,
      ).to.equal(200)
    })

    it('should void a reset link mailed before the change (whoever holds the old mail cannot take the account back)', async () => {
      const { email, password } = await createUser(t)
      expect((await new Agent(t.url).post('/api/v1/auth/password/forgot', { email })).status).to.equal(202)
      const mail = await waitForMail(t, { to: email, template: 'auth:email.reset' }, { after: 0 })
      const token = linkFrom(mail, '/reset-password').searchParams.get('token')!
      const me = new Agent(t.url)
      await me.post('/api/v1/auth/login', { email, password })
      expect(
        (
          await me.post('/api/v1/auth/password/change', {
            currentPassword: password,
            newPassword: 'changed-password-2',
          })
        ).status,
      ).to.equal(204)
      const stale = await new Agent(t.url).post('/api/v1/auth/password/reset', {
        token,
        password: 'attacker-password-1',
      })
      expect(stale.status).to.equal(400)
      expect(stale.body.code).to.equal('auth.invalid_token')
      expect(
        (await new Agent(t.url).post('/api/v1/auth/login', { email, password: 'changed-password-2' })).status,
      ).to.equal(200)
    })

    it('should fail with 400 for a wrong current password (localized) or a weak new one', async () => {
      const a = await loginAs(t, { locale: 'ru' })
      const wrong = await a.post('/api/v1/auth/password/change?lng=ru', {
        currentPassword: 'not-my-password',
        newPassword: 'changed-password-1',
      })
      expect(wrong.status).to.equal(400)
      expect(wrong.body.errors[0]).to.deep.equal({
        path: 'body.currentPassword',
        code: 'wrong_password',
        message: 'Неверный текущий пароль',
      })
      const weak = await a.post('/api/v1/auth/password/change', { currentPassword: 'whatever', newPassword: 'short' })
      expect(weak.status).to.equal(400)
      expect(weak.body.errors[0].path).to.equal('body.newPassword')
    })

    it('should fail with 401 for a guest', async () => {
      expect(
        (
          await new Agent(t.url).post('/api/v1/auth/password/change', {
            currentPassword: 'x',
            newPassword: 'changed-password-1',
          })
        ).status,
      ).to.equal(401)
    })
  })

  describe('POST /api/v1/auth/verify-email/resend', () => {
    it('should e-mail a new link; the old one stops working', async () => {
      const a = new Agent(t.url)
      await a.post('/api/v1/auth/register', {
        email: 'resend@example.kz',
        password: 'kenes-password-1',
        displayName: 'R',
      })
      const first = await waitForMail(t, { to: 'resend@example.kz', template: 'auth:email.verify' })
      expect((await a.post('/api/v1/auth/verify-email/resend')).status).to.equal(202)
      const second = await waitForMail(t, { to: 'resend@example.kz', template: 'auth:email.verify' }, { after: 1 })
      const token = (m: typeof first) => linkFrom(m, '/verify-email').searchParams.get('token')
      expect(token(second)).not.to.equal(token(first))
      expect((await a.post('/api/v1/auth/verify-email', { token: token(first) })).status).to.equal(400)
      expect((await a.post('/api/v1/auth/verify-email', { token: token(second) })).status).to.equal(204)
    })

    it('should send nothing to a verified user, and limit requests', async () => {
      const a = await loginAs(t)
      for (let i = 0; i < 3; i++) expect((await a.post('/api/v1/auth/verify-email/resend')).status).to.equal(202)
      const res = await a.post('/api/v1/auth/verify-email/resend')
      expect(res.status).to.equal(429)
      expect(res.body.code).to.equal('rate_limited')
      // Every queued verification job has run (sent or skipped): then the outbox is final.
      await eventually(
        async () =>
          (await Job.countDocuments({
            name: 'users.verification_mail',
            status: mongoose.trusted({ $in: ['queued', 'running'] }),
          })) === 0,
        'the verification jobs to run',
      )
      expect(await readOutbox(t, { to: a.user!.email })).to.have.length(0)
    })
  })
})
