// Work that must not run twice at once (a reminder's mails): a claim per piece of work
// (core/claims.ts). Two copies of one reminder job running together send it once, through a real
// SMTP server (where no idempotency key helps); a job whose work is held elsewhere waits without
// spending an attempt; a dead holder's claim expires. And the outbox writes a keyed mail once even
// when two deliveries of it run at the same time.
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import mongoose from 'mongoose'
import { ClaimHeldError, withClaim } from '../../../server/core/claims.js'
import { enqueueJob, Job } from '../../../server/core/jobs.js'
import { sendMail } from '../../../server/core/mail.js'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { Agent } from '../../helpers/agent.js'
import { eventually } from '../../helpers/eventually.js'
import { readOutbox } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js'
import { createUser, DEFAULT_PASSWORD } from '../../helpers/users.js'
import { createCouncil, submitAs } from '../appeals/fixtures.js'

const Claims = () => mongoose.connection.collection('claims')

describe('claims: one holder at a time, expiring', function () {
  this.timeout(30_000)
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t.close())

  it('lets one holder work while another is refused, frees the claim after, and only its own', async () => {
    let release!: () => void
    const first = withClaim('test:a', 60_000, () => new Promise<string>((r) => (release = () => r('done'))))
    await eventually(async () => (await Claims().findOne({ _id: 'test:a' as never })) !== null, 'the claim')
    let ran = false
    const second = withClaim('test:a', 60_000, async () => void (ran = true))
    await second.then(
      () => expect.fail('a second holder ran'),
      (err) => expect(err).to.be.instanceOf(ClaimHeldError),
    )
    expect(ran).to.equal(false)
    expect(await withClaim('test:b', 60_000, async () => 'other key')).to.equal('other key')
    release()
    expect(await first).to.equal('done')
    expect(await Claims().findOne({ _id: 'test:a' as never })).to.equal(null)
    expect(await withClaim('test:a', 60_000, async () => 'free again')).to.equal('free again')
  })

  it("takes over a dead holder's expired claim, and that holder's late release leaves the new one", async () => {
    const old = { _id: 'test:c' as never, token: 'old-holder' }
    await Claims().insertOne({ ...old, until: new Date(Date.now() - 1000), owner: 'another-host:1' })
    const survived = await withClaim('test:c', 60_000, async () => {
      // The old holder wakes up and releases what it thinks is its claim: this one stays.
      await Claims().deleteOne(old)
      return Claims().findOne({ _id: 'test:c' as never })
    })
    expect(survived?.token).to.be.a('string').and.not.equal('old-holder')
    expect(survived!.until.getTime()).to.be.greaterThan(Date.now())
  })

  it('renews the claim while the work runs, past its hold', async () => {
    let second: unknown
    await withClaim('test:long', 600, async (stillHeld) => {
      await new Promise((r) => setTimeout(r, 1500)) // 2.5 holds; renewed every 200 ms
      second = await withClaim('test:long', 600, async () => 'ran').catch((err: unknown) => err)
      expect(stillHeld()).to.equal(true)
    })
    expect(second).to.be.instanceOf(ClaimHeldError)
  })

  it('takes over at once a live claim of a dead process of this host, not one of another host', async () => {
    const until = new Date(Date.now() + 60_000)
    await Claims().insertMany([
      { _id: 'test:dead' as never, until, owner: `${os.hostname()}:999999`, token: 'a' }, // no such process
      { _id: 'test:elsewhere' as never, until, owner: 'another-host:1', token: 'b' },
    ])
    expect(await withClaim('test:dead', 60_000, async () => 'taken over')).to.equal('taken over')
    await withClaim('test:elsewhere', 60_000, async () => expect.fail('ran')).then(
      () => expect.fail('ran'),
      (err) => expect(err).to.be.instanceOf(ClaimHeldError),
    )
  })

  it('writes a keyed mail to the outbox once when two deliveries of it run at the same time', async () => {
    const to = `twice-${Date.now()}@mail.test`
    const mail = {
      to,
      lng: 'kk' as const,
      template: 'auth:email.verify',
      vars: { name: 'Екі', link: 'https://x', hours: 24 },
    }
    await Promise.all([sendMail({ ...mail, key: `test:${to}` }), sendMail({ ...mail, key: `test:${to}` })])
    expect(await readOutbox(t, { to })).to.have.length(1)
    // Many keys, three deliveries of each at once: the record is named whole or not at all.
    const keys = Array.from({ length: 100 }, (_, i) => `many-${i}-${to}`)
    await Promise.all(keys.flatMap((k) => [0, 1, 2].map(() => sendMail({ ...mail, to: k, key: `test:${k}` }))))
    const written = await readOutbox(t)
    for (const k of keys)
      expect(
        written.filter((m) => m.to === k),
        k,
      ).to.have.length(1)
    // A record left empty (an older version killed between creating and writing it): still one message.
    const empty = Array.from({ length: 20 }, (_, i) => `empty-${i}-${to}`)
    const keysDir = path.join(t.config.outboxDir, 'keys')
    for (const k of empty)
      await fs.writeFile(path.join(keysDir, crypto.createHash('sha256').update(`test:${k}`).digest('hex')), '')
    await Promise.all(empty.flatMap((k) => [0, 1].map(() => sendMail({ ...mail, to: k, key: `test:${k}` }))))
    const after = await readOutbox(t)
    for (const k of empty)
      expect(
        after.filter((m) => m.to === k),
        k,
      ).to.have.length(1)
  })
})

describe('claims: two copies of a reminder job, through a real SMTP server', function () {
  this.timeout(60_000)
  let t: TestServer
  let smtp: SmtpSink
  before(async () => {
    smtp = await startSmtpSink()
    t = await startTestServer({ SMTP_URL: smtp.url })
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('sends the overdue reminder once to each member, and records it', async () => {
    const council = await createCouncil()
    const members = await Promise.all(
      [0, 1].map(() => createUser(t, { roles: ['council_member'], councilIds: [council], locale: 'kk' })),
    )
    const citizen = new Agent(t.url)
    const { email } = await createUser(t, { roles: ['citizen'] })
    expect((await citizen.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })).status).to.equal(200)
    const appeal = await submitAs(citizen, council)
    // The appeal's own mails (receipt, the council's notice) first; then only reminders arrive.
    await eventually(
      async () => members.every((m) => smtp.messages.some((msg) => msg.to.includes(m.email))),
      "the council's notice",
    )
    smtp.messages.length = 0
    const past = new Date(Date.now() - 60_000)
    await Appeal.updateOne({ _id: appeal.id }, { $set: { dueAt: past } })
    // Two copies at once (a reschedule while the first ran, or a lease that ran out, can make two).
    const payload = { appealId: appeal.id, kind: 'overdue' as const, dueAt: past.toISOString() }
    smtp.delayMs = 1500 // a slow mail server: the first copy is still sending when the second starts
    const ids = await Promise.all([enqueueJob('appeals.reminder', payload), enqueueJob('appeals.reminder', payload)])
    // The second copy finds the work claimed and waits, queued for later, while the first sends.
    await eventually(
      async () =>
        (await Job.countDocuments({ _id: mongoose.trusted({ $in: ids }), status: 'running' })) === 1 &&
        (await Job.countDocuments({
          _id: mongoose.trusted({ $in: ids }),
          status: 'queued',
          runAt: mongoose.trusted({ $gt: new Date(Date.now() + 1000) }),
        })) === 1,
      'one copy sending while the other waits',
      10_000,
    )
    await eventually(
      async () => (await Job.countDocuments({ _id: mongoose.trusted({ $in: ids }), status: 'done' })) === 2,
      'both copies to finish',
      20_000,
    )
    for (const m of members) {
      const got = smtp.messages.filter((msg) => msg.to.includes(m.email))
      expect(got, `reminders to ${m.email}`).to.have.length(1)
    }
    const stored = await Appeal.findById(appeal.id).lean<{ reminded: { overdue: Date } }>()
    expect(stored!.reminded.overdue.getTime()).to.equal(past.getTime())
    const jobs = await Job.find({ _id: mongoose.trusted({ $in: ids }) }).lean()
    expect(jobs.map((j) => j.attempts)).to.deep.equal([1, 1]) // a deferred copy spent no attempt
  })
})
