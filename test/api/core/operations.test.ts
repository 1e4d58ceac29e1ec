import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import { Job } from '../../../server/core/jobs.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { until } from '../../e2e/support.js'

describe('operations: GET /api/v1/admin/operations and POST /api/v1/admin/jobs/:id/retry', () => {
  let t: TestServer
  let admin: Agent
  before(async () => {
    t = await startTestServer()
    admin = await loginAs(t, { roles: ['admin'] })
  })
  after(() => t?.close())

  /** A job that gave up: a real job name whose handler succeeds when run again (no such account: nothing to send). */
  const failedJob = async () =>
    String(
      (
        await Job.create({
          name: 'users.password_reset_mail',
          payload: { email: `nobody-${Date.now()}@example.kz` },
          status: 'failed',
          runAt: new Date(),
          attempts: 3,
          maxAttempts: 3,
          lastError: 'Error: SMTP said no\n    at send (mail.ts:1:1)',
          finishedAt: new Date(),
        })
      )._id,
    )

  it('should be for admins only', async () => {
    expect((await new Agent(t.url).get('/api/v1/admin/operations')).status).to.equal(401)
    for (const role of ['citizen', 'moderator'] as const) {
      const a = await loginAs(t, { roles: [role] })
      expect((await a.get('/api/v1/admin/operations')).status, role).to.equal(403)
      expect((await a.post(`/api/v1/admin/jobs/${'a'.repeat(24)}/retry`)).status, role).to.equal(403)
    }
  })

  it('should report health, jobs by name and state with the failed ones, and key metrics', async () => {
    const id = await failedJob()
    await admin.get('/api/v1/councils') // at least one request counted
    const res = await admin.get('/api/v1/admin/operations')
    expect(res.status).to.equal(200)
    expect(res.headers.get('cache-control')).to.equal('no-store')
    const body = res.body
    expect(body.health).to.include({ status: 'ok', db: 'up' })
    const row = body.jobs.byName.find((r: any) => r.name === 'users.password_reset_mail')
    expect(row).to.include({ failed: 1 })
    const failed = body.jobs.failed.find((j: any) => j.id === id)
    expect(failed).to.include({ name: 'users.password_reset_mail', attempts: 3, maxAttempts: 3 })
    expect(failed.lastError).to.equal('Error: SMTP said no') // the first line only
    expect(body.metrics.requests).to.be.at.least(2)
    expect(body.metrics.errorRate).to.be.within(0, 1)
    expect(body.metrics.p95Ms).to.be.a('number')
    expect(body.metrics.sockets).to.equal(0)
    expect(body.metrics.users.total).to.be.at.least(1)
    expect(body.metrics.appeals).to.include.keys('total', 'open', 'overdue')
  })

  it('should count 5xx answers in the error rate', async () => {
    const before = (await admin.get('/api/v1/admin/operations')).body.metrics
    expect(before.serverErrors).to.be.at.most(before.requests)
    expect(before.errorRate).to.equal(before.requests ? before.serverErrors / before.requests : 0)
  })

  it('should queue a failed job again, run it, audit-log the retry, and refuse a second retry or an unknown job', async () => {
    const id = await failedJob()
    const res = await admin.post(`/api/v1/admin/jobs/${id}/retry`)
    expect(res.status).to.equal(200)
    expect(res.body).to.deep.equal({ id, name: 'users.password_reset_mail', status: 'queued' })
    const [entry] = await listAudit({ action: 'job.retried', targetId: id })
    expect(entry).to.include({ actorId: admin.user!.id })
    // The worker picks it up with a fresh count of attempts and it succeeds this time.
    const done = await until('the retried job to finish', 10_000, async () => {
      const j = await Job.findById(id).lean()
      return j?.status === 'done' ? j : undefined
    })
    expect(done.attempts).to.equal(1)
    const again = await admin.post(`/api/v1/admin/jobs/${id}/retry`)
    expect(again.status).to.equal(409)
    expect(again.body.code).to.equal('jobs.not_failed')
    expect(again.body.title).to.be.a('string').and.not.equal('jobs.not_failed')
    expect((await admin.post(`/api/v1/admin/jobs/${'f'.repeat(24)}/retry`)).status).to.equal(404)
    expect((await admin.post('/api/v1/admin/jobs/nope/retry')).status).to.equal(404)
  })
})
