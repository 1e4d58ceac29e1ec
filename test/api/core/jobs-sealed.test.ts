// Job payloads that carry a secret or a mail are stored sealed (AES-256-GCM, core/sealed.ts) and
// erased once done; finished jobs expire (TTL on `expiresAt`). Checked on the raw documents the
// database holds, as a backup or a person reading the `jobs` collection would see them.
import { expect } from 'chai'
import mongoose from 'mongoose'
import {
  defineJob,
  enqueueJob,
  Job,
  stampFinishedJobs,
  DONE_JOBS_KEPT_MS,
  FAILED_JOBS_KEPT_MS,
} from '../../../server/core/jobs.js'
import { retryFailedJob } from '../../../server/core/jobs-admin.js'
import { sendMail } from '../../../server/core/mail.js'
import { Agent } from '../../helpers/agent.js'
import { eventually } from '../../helpers/eventually.js'
import { waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { appealBody, createCouncil, guestContact } from '../appeals/fixtures.js'

declare module '../../../server/core/jobs.js' {
  interface JobPayloads {
    'test.sealed': { secret: string; n: number }
  }
}

const DAY = 86_400_000
/** The stored document as the database holds it (no mongoose casting), as text. */
const rawText = async (id: unknown) => JSON.stringify(await Job.collection.findOne({ _id: id as never }))

describe('jobs: sealed payloads and expiry of finished jobs', function () {
  this.timeout(30_000)
  let t: TestServer
  const received: { secret: string; n: number }[] = []
  before(async () => {
    t = await startTestServer()
    defineJob('test.sealed', async (p) => {
      received.push(p)
    })
  })
  after(() => t.close())

  it('stores a sealed payload encrypted, hands the handler the original, erases it when done', async () => {
    const secret = `code-${Date.now()}-Қ7`
    const before = Date.now()
    const id = await enqueueJob('test.sealed', { secret, n: 42 }, { sealed: true })
    const stored = await Job.collection.findOne({ _id: new mongoose.Types.ObjectId(id) })
    expect(stored!.payload.sealed).to.match(/^v1\.[A-Za-z0-9_-]{40,}$/)
    expect(JSON.stringify(stored)).not.to.include(secret)
    const done = await eventually(() => Job.findOne({ _id: id, status: 'done' }).lean(), 'the job to finish')
    expect(received).to.deep.include({ secret, n: 42 })
    expect(done.payload).to.deep.equal({})
    expect(await rawText(done._id)).not.to.include(secret)
    const kept = done.expiresAt!.getTime() - done.finishedAt!.getTime()
    expect(kept).to.equal(DONE_JOBS_KEPT_MS)
    expect(done.finishedAt!.getTime()).to.be.at.least(before)
  })

  it('keeps a plain payload until the job expires', async () => {
    const id = await enqueueJob('test.sealed', { secret: 'not-secret', n: 1 })
    const done = await eventually(() => Job.findOne({ _id: id, status: 'done' }).lean(), 'the job to finish')
    expect(done.payload).to.deep.equal({ secret: 'not-secret', n: 1 })
    expect(done.expiresAt!.getTime() - done.finishedAt!.getTime()).to.equal(DONE_JOBS_KEPT_MS)
  })

  it('fails a tampered sealed payload at once (no retries), keeps it 90 days, and a retry clears the expiry', async () => {
    const id = await enqueueJob(
      'test.sealed',
      { secret: 'x', n: 2 },
      { runAt: new Date(Date.now() + 3600_000), sealed: true },
    )
    const job = await Job.findById(id).lean()
    const sealed = (job!.payload as { sealed: string }).sealed
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1)
    await Job.updateOne({ _id: id }, { $set: { payload: { sealed: flipped }, runAt: new Date() } })
    const failed = await eventually(() => Job.findOne({ _id: id, status: 'failed' }).lean(), 'the job to fail')
    expect(failed.attempts).to.equal(1)
    expect(failed.lastError).to.include('sealed value unreadable')
    expect(failed.expiresAt!.getTime() - failed.finishedAt!.getTime()).to.be.closeTo(FAILED_JOBS_KEPT_MS, 1000)
    expect(received.filter((p) => p.n === 2)).to.have.length(0)
    expect(await retryFailedJob(id)).to.deep.equal({ id, name: 'test.sealed' })
    const retried = await Job.collection.findOne({ _id: failed._id })
    expect(retried).not.to.have.property('expiresAt')
    expect(retried).not.to.have.property('finishedAt')
  })

  it('gives finished jobs stored without an expiry one, and has a TTL index on it', async () => {
    const [old] = await Job.create([
      {
        name: 'test.sealed',
        payload: { secret: 'old', n: 3 },
        status: 'done',
        runAt: new Date(),
        finishedAt: new Date(),
      },
    ])
    const now = Date.now()
    await stampFinishedJobs(now)
    const stamped = await Job.findById(old._id).lean()
    expect(stamped!.expiresAt!.getTime()).to.equal(now + DONE_JOBS_KEPT_MS)
    expect(stamped!.expiresAt!.getTime() - now).to.be.greaterThan(13 * DAY)
    const ttl = (await Job.collection.indexes()).find((ix) => ix.key.expiresAt === 1)
    expect(ttl?.expireAfterSeconds).to.equal(0)
  })

  it("seals a guest appeal's announcement: neither the access code nor the confirmation link is readable in jobs", async () => {
    const councilId = await createCouncil()
    const contact = guestContact()
    const since = new Date()
    const res = await new Agent(t.url, { lng: 'kk' }).post('/api/v1/appeals', appealBody(councilId, { contact }))
    expect(res.status, res.text).to.equal(201)
    const mail = await waitForMail(t, { to: contact.email, template: 'appeals:email.confirm' })
    expect(mail.text).to.include(res.body.accessCode)
    const token = new URL(/https?:\/\/\S+confirm\S*/.exec(mail.text)![0]).searchParams.get('token')!
    expect(token).to.have.length.greaterThan(10)
    const job = await eventually(
      () =>
        Job.findOne({ name: 'appeals.announce', status: 'done', createdAt: mongoose.trusted({ $gte: since }) }).lean(),
      'the announcement to be done',
    )
    const all = JSON.stringify(await Job.collection.find({ name: 'appeals.announce' }).toArray())
    expect(all).not.to.include(res.body.accessCode)
    expect(all).not.to.include(token)
    expect(job.payload).to.deep.equal({})
  })

  it("seals a guest support ticket's receipt: the code is mailed, and not readable in jobs", async () => {
    const email = guestContact().email
    const res = await new Agent(t.url, { lng: 'ru' }).post('/api/v1/support/tickets', {
      category: 'technical',
      subject: 'Не открывается видео',
      text: 'Видео на странице совета не воспроизводится.',
      contact: { name: 'Асель', email },
    })
    expect(res.status, res.text).to.equal(201)
    const mail = await waitForMail(t, { to: email, template: 'support:email.received' })
    expect(mail.text).to.include(res.body.accessCode)
    const jobs = await Job.collection.find({ name: 'support.mail' }).toArray()
    expect(jobs.length).to.be.greaterThan(0)
    expect(JSON.stringify(jobs)).not.to.include(res.body.accessCode)
  })
})

describe('jobs: a mail the transport refused is queued sealed', function () {
  this.timeout(30_000)
  let t: TestServer
  before(async () => {
    // Nothing listens on port 9 here: every delivery fails and is queued for retry.
    t = await startTestServer({ SMTP_URL: 'smtp://127.0.0.1:9' })
  })
  after(() => t.close())

  it('keeps neither the address nor the link readable in the retry job', async () => {
    const to = `sealed-${Date.now()}@mail.test`
    const link = `${t.url}/verify-email?token=secret-token-${Date.now()}`
    await sendMail({ to, lng: 'kk', template: 'auth:email.verify', vars: { name: 'Айжан', link, hours: 24 } })
    const job = await Job.collection.findOne({ name: 'mail.send' }, { sort: { _id: -1 } })
    expect(job, 'the failed delivery is queued').to.not.equal(null)
    expect(job!.payload.sealed).to.match(/^v1\./)
    const text = JSON.stringify(job)
    expect(text).not.to.include(to)
    expect(text).not.to.include('secret-token-')
  })
})
