// A job leased to this live worker that it is not running (a claim whose reply was lost, or a
// failure it could not record, while the database was away) is released within seconds, not after
// the claim's lease: the worker checks for such orphans between claims (server/core/jobs.ts).
import { expect } from 'chai'
import { Job, jobWorkerId } from '../../../server/core/jobs.js'
import { waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('jobs: orphans of a live worker', function () {
  this.timeout(30_000)
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t.close())

  it("runs a job leased to this worker but not running here, long before the lease's end", async () => {
    const owner = jobWorkerId()
    expect(owner, 'the test server runs jobs').to.be.a('string')
    const to = `orphan-${Date.now()}@kenes.test`
    const lockedUntil = new Date(Date.now() + 3600_000)
    const [job] = await Job.create([
      {
        name: 'mail.send',
        payload: {
          to,
          lng: 'ru',
          template: 'auth:email.verify',
          vars: { name: 'Орфан', link: 'https://x.kz/v', hours: 24 },
        },
        runAt: new Date(),
        status: 'running',
        attempts: 1,
        lockedBy: owner,
        lockedUntil,
      },
    ])
    // Released within one check (5 s) and then run: the mail is written, the job is done.
    await waitForMail(t, { to }, { timeoutMs: 15_000 })
    const done = await Job.findById(job._id).lean()
    expect(done!.status).to.equal('done')
  })
})
