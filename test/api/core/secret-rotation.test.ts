// Rotating SESSION_SECRET (docs/deploy.md): with the old secret as SESSION_SECRET_PREVIOUS, a
// session signed before the rotation stays signed in and a job sealed before it is still run; without
// it, neither. Real server processes on one shared database engine.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { MongoClient } from 'mongodb'
import { Agent } from '../../helpers/agent.js'
import { eventually } from '../../helpers/eventually.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startEngine, startServerOn, type Child } from '../../helpers/processes.js'
import type { TestServer } from '../../helpers/server.js'

const OLD = 'old-secret-of-this-rotation-0123456789abcdef'
const NEW = 'new-secret-of-this-rotation-0123456789abcdef'

describe('SESSION_SECRET rotation across processes', function () {
  this.timeout(120_000)
  let engine: Child
  let root: string
  const running: Child[] = []
  const dirs = (name: string) => ({
    dataDir: path.join(root, name, 'data'),
    uploadsDir: path.join(root, name, 'uploads'),
  })
  const start = async (name: string, env: Record<string, string>) => {
    const c = await startServerOn(dirs(name), { MONGODB_URI: engine.url, ...env })
    running.push(c)
    return c
  }
  /** The same browser (its cookies) pointed at another process. */
  const sameBrowser = (from: Agent, url: string) => {
    const a = new Agent(url)
    for (const [k, v] of from.cookies) a.cookies.set(k, v)
    return a
  }

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-rotation-'))
    engine = await startEngine()
  })
  after(async () => {
    for (const c of running) await c.stop().catch(() => {})
    await engine?.stop()
    await fs.rm(root, { recursive: true, force: true })
  })

  it('keeps old sessions and sealed jobs valid with SESSION_SECRET_PREVIOUS, and only with it', async () => {
    // Before: a person signs up, and asks for a password reset while no worker runs (the job waits, sealed).
    const before = await start('before', { SESSION_SECRET: OLD, JOBS_ENABLED: 'false' })
    const browser = new Agent(before.url, { lng: 'ru' })
    const email = `rotation-${Date.now()}@mail.test`
    const reg = await browser.post('/api/v1/auth/register', {
      email,
      password: 'Rotation-password-42',
      displayName: 'Ротация',
    })
    expect(reg.status, reg.text).to.equal(201)
    expect((await browser.get('/api/v1/auth/me')).status).to.equal(200)
    expect((await new Agent(before.url).post('/api/v1/auth/password/forgot', { email })).status).to.equal(202)
    await before.stop()

    // New secret alone: the old session is not accepted, and the worker cannot open the sealed job.
    const without = await start('without', { SESSION_SECRET: NEW, JOBS_ENABLED: 'true' })
    expect((await sameBrowser(browser, without.url).get('/api/v1/auth/me')).status).to.equal(401)
    const jobs = new MongoClient(engine.url)
    try {
      const tried = await eventually(
        () =>
          jobs
            .db('kenes')
            .collection('jobs')
            .findOne({ name: 'users.password_reset_mail', lastError: { $exists: true } }),
        'the worker to try the sealed job',
        15_000,
      )
      expect(tried.lastError).to.include('sealed value unreadable')
    } finally {
      await jobs.close()
    }
    await without.stop()
    const outbox = (name: string) => ({ config: { outboxDir: path.join(dirs(name).dataDir, 'outbox') } }) as TestServer
    expect(await readOutbox(outbox('without'), { to: email, template: 'auth:email.reset' })).to.deep.equal([])

    // With the old one as SESSION_SECRET_PREVIOUS: the same browser is still signed in, the reset mail goes out.
    const withPrevious = await start('with', {
      SESSION_SECRET: NEW,
      SESSION_SECRET_PREVIOUS: OLD,
      JOBS_ENABLED: 'true',
    })
    const me = await sameBrowser(browser, withPrevious.url).get('/api/v1/auth/me')
    expect(me.status).to.equal(200)
    expect(me.body.user?.email ?? me.body.email).to.equal(email)
    // The job's back-off after the failed attempt is a few seconds.
    const mail = await waitForMail(outbox('with'), { to: email, template: 'auth:email.reset' }, { timeoutMs: 30_000 })
    expect(mail.lng).to.equal('ru')

    // The new secret is the one that signs: a sign-in there is accepted where only the new one is known.
    const fresh = new Agent(withPrevious.url)
    expect((await fresh.post('/api/v1/auth/login', { email, password: 'Rotation-password-42' })).status).to.equal(200)
    await withPrevious.stop()
    const after = await start('after', { SESSION_SECRET: NEW, JOBS_ENABLED: 'false' })
    expect((await sameBrowser(fresh, after.url).get('/api/v1/auth/me')).status).to.equal(200)
  })
})
