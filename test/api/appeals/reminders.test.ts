import { expect } from 'chai'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'
import { Job } from '../../../server/core/jobs.js'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { workingDaysBefore } from '../../../server/modules/appeals/calendar.js'
import { Agent } from '../../helpers/agent.js'
import { waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { DEFAULT_PASSWORD, createUser } from '../../helpers/users.js'
import { PDF, appealBody, createCouncil, filesUnder, guestContact, submitAs } from './fixtures.js'
import { eventually } from '../../helpers/eventually.js'

describe('appeals: reminders are persisted jobs that survive a restart', () => {
  let root: string
  let env: Record<string, string>
  let t: TestServer
  let memberEmail: string
  let appealId: string
  let guestAppealId: string
  const key = (kind: string) => `appeals.reminder:${appealId}:${kind}`

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-appeals-restart-'))
    env = { DATA_DIR: path.join(root, 'data'), UPLOADS_DIR: path.join(root, 'uploads') }
    t = await startTestServer(env)
  })
  after(async () => {
    await t?.close()
    await fs.rm(root, { recursive: true, force: true })
  })

  it('should schedule both council reminders at registration and a purge for an unconfirmed guest appeal', async () => {
    const council = await createCouncil()
    memberEmail = (await createUser(t, { roles: ['council_member'], councilIds: [council], locale: 'ru' })).email
    const citizen = new Agent(t.url)
    const { email } = await createUser(t, { roles: ['citizen'] })
    expect((await citizen.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })).status).to.equal(200)
    const a = await submitAs(citizen, council)
    appealId = a.id
    const soon = await Job.findOne({ dedupeKey: key('due_soon'), status: 'queued' }).lean<{
      runAt: Date
      payload: { dueAt: string }
    }>()
    expect(soon!.payload.dueAt).to.equal(a.dueAt)
    expect(new Date(soon!.runAt).toISOString()).to.equal(workingDaysBefore(new Date(a.dueAt!), 3).toISOString())
    const overdue = await Job.findOne({ dedupeKey: key('overdue'), status: 'queued' }).lean<{ runAt: Date }>()
    expect(new Date(overdue!.runAt).getTime()).to.equal(new Date(a.dueAt!).getTime() + 1000)

    const guest = await new Agent(t.url).upload('/api/v1/appeals', {
      fields: { ...appealBody(council), 'contact.name': guestContact().name, 'contact.email': guestContact().email },
      files: [{ field: 'files', filename: 'a.pdf', content: PDF }],
    })
    expect(guest.status).to.equal(201)
    guestAppealId = guest.body.id
    expect(await Job.countDocuments({ dedupeKey: `appeals.purge:${guestAppealId}`, status: 'queued' })).to.equal(1)
  })

  it('should fire the reminder after the server restarts on the same data directory', async () => {
    await t.close()
    t = await startTestServer(env)
    // Bring the stored job's time forward: the worker of the new process must find and run it.
    expect(
      (await Job.updateOne({ dedupeKey: key('due_soon'), status: 'queued' }, { $set: { runAt: new Date() } }))
        .modifiedCount,
    ).to.equal(1)
    const mail = await waitForMail(
      t,
      { to: memberEmail, template: 'appeals:email.reminder_due_soon' },
      { timeoutMs: 10_000 },
    )
    expect(mail.lng).to.equal('ru')
    // Recorded after the mails went.
    const stored = await eventually(
      () =>
        Appeal.findOne({ _id: appealId, 'reminded.dueSoon': mongoose.trusted({ $ne: null }) }).lean<{
          trackingNumber: string
          reminded: { dueSoon: Date }
        }>(),
      'the reminder to be recorded',
    )
    expect(mail.text).to.include(stored.trackingNumber)
    expect(stored.reminded.dueSoon).to.be.instanceOf(Date)
  })

  it('should send the overdue reminder once the due date has passed, and refresh the council profile it makes overdue', async () => {
    const councilId = String((await Appeal.findById(appealId, { councilId: 1 }).lean())!.councilId)
    const overdueShown = async () => {
      const res = await new Agent(t.url).get(`/api/v1/councils/${councilId}`)
      return { cache: res.headers.get('x-cache'), overdue: res.body.stats.appeals.overdue }
    }
    await overdueShown()
    expect(await overdueShown()).to.deep.equal({ cache: 'HIT', overdue: 0 })
    const past = new Date(Date.now() - 60_000)
    await Appeal.updateOne({ _id: appealId }, { $set: { dueAt: past } }) // time passing is no write: the cached answer stays
    expect(await overdueShown()).to.deep.equal({ cache: 'HIT', overdue: 0 })
    await Job.updateOne(
      { dedupeKey: key('overdue'), status: 'queued' },
      { $set: { runAt: new Date(), 'payload.dueAt': past.toISOString() } },
    )
    const mail = await waitForMail(
      t,
      { to: memberEmail, template: 'appeals:email.reminder_overdue' },
      { timeoutMs: 10_000 },
    )
    expect(mail.subject).to.match(/Просрочено/)
    // The job that marks the appeal overdue also drops the council's cached profile.
    expect(await overdueShown()).to.deep.equal({ cache: 'MISS', overdue: 1 })
  })

  it('should purge an unconfirmed guest appeal and its files once the link has expired', async () => {
    expect((await filesUnder(t)).some((f) => f.startsWith(`appeals/${guestAppealId}/`))).to.equal(true)
    await Appeal.updateOne({ _id: guestAppealId }, { $set: { 'confirm.expiresAt': new Date(Date.now() - 1000) } })
    await Job.updateOne(
      { dedupeKey: `appeals.purge:${guestAppealId}`, status: 'queued' },
      { $set: { runAt: new Date() } },
    )
    await eventually(async () => !(await Appeal.exists({ _id: guestAppealId })), 'the purge')
    // The job deletes the record, then the files: wait for both, not just the first.
    await eventually(
      async () => !(await filesUnder(t)).some((f) => f.startsWith(`appeals/${guestAppealId}/`)),
      'the files removed',
    )
  })

  it('should re-schedule reminders on extension and cancel them when the council answers', async () => {
    const council = await createCouncil()
    const { email } = await createUser(t, { roles: ['council_member'], councilIds: [council] })
    const member = new Agent(t.url)
    expect((await member.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })).status).to.equal(200)
    const citizen = new Agent(t.url)
    const c = await createUser(t, { roles: ['citizen'] })
    await citizen.post('/api/v1/auth/login', { email: c.email, password: DEFAULT_PASSWORD })
    const a = await submitAs(citizen, council)
    appealId = a.id
    const extended = await member.post(`/api/v1/appeals/${a.id}/extend`, { reason: 'Запрос в министерство' })
    expect(extended.status).to.equal(200)
    const jobs = await Job.find({
      dedupeKey: mongoose.trusted({ $in: [key('due_soon'), key('overdue')] }),
      status: 'queued',
    }).lean<{ payload: { dueAt: string } }[]>()
    expect(jobs).to.have.length(2)
    expect(jobs.every((j) => j.payload.dueAt === extended.body.dueAt)).to.equal(true)
    expect((await member.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ' })).status).to.equal(201)
    expect(
      await Job.countDocuments({
        dedupeKey: mongoose.trusted({ $in: [key('due_soon'), key('overdue')] }),
        status: 'queued',
      }),
    ).to.equal(0)
  })
})
