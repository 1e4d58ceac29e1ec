import { expect } from 'chai'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Job, enqueueJob } from '../../../server/core/jobs.js'
import { GrantAward } from '../../../server/modules/grants/grants.model.js'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { DEFAULT_PASSWORD, createUser } from '../../helpers/users.js'
import { applicationBody, callBody, createCouncil, iso } from '../../helpers/grants.js'

const DAY = 86_400_000

async function signIn(t: TestServer, email: string): Promise<Agent> {
  const a = new Agent(t.url)
  const res = await a.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })
  expect(res.status).to.equal(200)
  return a
}

describe('grants: milestone reminders are persisted jobs, sent once, that survive a restart', () => {
  let root: string
  let env: Record<string, string>
  let t: TestServer
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-grants-restart-'))
    env = { DATA_DIR: path.join(root, 'data'), UPLOADS_DIR: path.join(root, 'uploads') }
  })
  after(async () => {
    await t?.close()
    await fs.rm(root, { recursive: true, force: true })
  })

  it('should send the reminder queued before a restart exactly once after it', async () => {
    // First run: the worker is off, so the reminder stays queued in the database.
    t = await startTestServer({ ...env, JOBS_ENABLED: 'false' })
    const councilId = await createCouncil()
    const member = await createUser(t, { roles: ['council_member'], councilIds: [councilId], locale: 'ru' })
    const adminUser = await createUser(t, { roles: ['admin'] })
    const admin = await signIn(t, adminUser.email)
    const m = await signIn(t, member.email)
    const call = (await admin.post('/api/v1/grants/calls', callBody())).body
    await admin.patch(`/api/v1/grants/calls/${call.id}`, { status: 'published' })
    // Milestone 1 due tomorrow: its reminder (3 working days before) is due now.
    const body = applicationBody(councilId, {
      plan: [
        { title: 'Сауалнама', dueAt: iso(Date.now() + DAY) },
        { title: 'Есеп', dueAt: iso(Date.now() + 200 * DAY) },
      ],
    })
    const app = (await m.post(`/api/v1/grants/calls/${call.id}/applications`, body)).body
    await m.post(`/api/v1/grants/applications/${app.id}/submit`, {})
    await admin.patch(`/api/v1/grants/calls/${call.id}`, { status: 'closed' })
    const award = (await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [app.id] })).body
      .items[0]
    const queued = await Job.findOne({ dedupeKey: `grants.milestone:${award.id}:0`, status: 'queued' }).lean()
    expect(queued).to.not.equal(null)
    await t.close()

    // Second run on the same data: the worker finds it and mails the council once.
    t = await startTestServer({ ...env, JOBS_ENABLED: 'true' })
    const mail = await waitForMail(
      t,
      { to: member.email, template: 'grants:email.milestone_due' },
      { timeoutMs: 10_000 },
    )
    expect(mail.lng).to.equal('ru')
    expect(mail.subject).to.include('Сауалнама')
    // A duplicate of the same job (a retry, a second worker) sends nothing more.
    const dueAt = new Date(body.plan[0].dueAt).toISOString()
    const dup = await enqueueJob('grants.milestone_reminder', { awardId: award.id, index: 0, dueAt })
    await jobFinished(dup)
    const all = await readOutbox(t, { to: member.email, template: 'grants:email.milestone_due' })
    expect(all).to.have.length(1)
    // Recorded on the award (over SMTP the outbox's key would not stop a second mail: the record does).
    const stored = await GrantAward.findById(award.id).lean<{ reminded: string[] }>()
    expect(stored!.reminded).to.include(`0:${dueAt}`)
  })
})

/** Waits (bounded) until the worker has run a job: the condition is polled, not a fixed sleep. */
async function jobFinished(id: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const job = await Job.findById(id).lean<{ status: string }>()
    if (job?.status === 'done') return
    if (job?.status === 'failed') throw new Error('job failed')
    if (Date.now() > until) throw new Error('timed out waiting for the job')
    await new Promise((r) => setTimeout(r, 50))
  }
}
