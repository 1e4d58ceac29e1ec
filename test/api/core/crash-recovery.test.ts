import { spawnSync } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import mongoose from 'mongoose'
import { Job, releaseJobsOfDeadWorkers } from '../../../server/core/jobs.js'
import { sendMail } from '../../../server/core/mail.js'
import { OWNER, ownerIsDeadHere } from '../../../server/core/owner.js'
import { sweepTmpUploads, tmpName } from '../../../server/core/uploads.js'
import { EventModel, RegistrationModel } from '../../../server/modules/events/events.model.js'
import { releaseDeadPending } from '../../../server/modules/events/events.registrations.js'
import { sweepUncommittedVideos } from '../../../server/modules/videos/videos.files.js'
import { readOutbox } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, eventBody, publishedEvent } from '../events/fixtures.js'

/**
 * What a restart does with the leftovers of a process killed on this host (the crash tests in
 * crash.test.ts hit these at random moments; here each is set up deliberately): its jobs are
 * released, its temporary uploads and uncommitted video folders removed, its undecided event
 * registrations removed and the counters recounted, and a keyed mail is written once.
 */
describe('crash recovery: the leftovers of a dead process', function () {
  this.timeout(30_000)
  let t: TestServer
  /** The pid of a process that has exited (of this host). */
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!
  const deadOwner = `${os.hostname()}:${deadPid}`

  before(async () => {
    t = await startTestServer({ JOBS_ENABLED: 'false' })
  })
  after(() => t?.close())

  it('should tell a dead process of this host from a live one, and leave other hosts alone', () => {
    expect(ownerIsDeadHere(deadOwner)).to.equal(true)
    expect(ownerIsDeadHere(`${deadOwner}:abc123`)).to.equal(true)
    expect(ownerIsDeadHere(OWNER)).to.equal(false)
    expect(ownerIsDeadHere(`${os.hostname()}:1`)).to.equal(false)
    expect(ownerIsDeadHere(`another-host-${os.hostname()}:${deadPid}`)).to.equal(false)
    expect(ownerIsDeadHere(null)).to.equal(false)
  })

  it('should tell this process from an earlier one that had the same pid (a restarted container, pid 1 again)', () => {
    const earlier = `${os.hostname()}:${process.pid}.0badb007`
    expect(OWNER).to.not.equal(earlier)
    expect(ownerIsDeadHere(earlier)).to.equal(true)
    expect(ownerIsDeadHere(`${earlier}:aa`)).to.equal(true)
    // written by a version without the start mark: not this process either
    expect(ownerIsDeadHere(`${os.hostname()}:${process.pid}`)).to.equal(true)
    // this process itself: a job worker's id, an upload's name
    expect(ownerIsDeadHere(`${OWNER}:aa`)).to.equal(false)
    expect(ownerIsDeadHere(`${OWNER}-1712345678-ab`)).to.equal(false)
  })

  it("should release a dead worker's running job at once, not a live one's", async () => {
    const until = new Date(Date.now() + 3600_000)
    const [dead, live] = await Job.create([
      { name: 'mail.send', runAt: new Date(), status: 'running', lockedBy: `${deadOwner}:aa`, lockedUntil: until },
      {
        name: 'mail.send',
        runAt: new Date(),
        status: 'running',
        lockedBy: `${os.hostname()}:1:bb`,
        lockedUntil: until,
      },
    ])
    expect(await releaseJobsOfDeadWorkers()).to.equal(1)
    expect((await Job.findById(dead._id).lean())!.lockedUntil!.getTime()).to.be.below(Date.now())
    expect((await Job.findById(live._id).lean())!.lockedUntil!.getTime()).to.equal(until.getTime())
    await Job.deleteMany({ _id: mongoose.trusted({ $in: [dead._id, live._id] }) })
  })

  it("should sweep a dead process's temporary uploads and keep this process's", async () => {
    const tmp = t.config.uploadsTmpDir
    await fs.mkdir(tmp, { recursive: true })
    const mine = tmpName('upload')
    expect(mine.startsWith(`${OWNER}-`)).to.equal(true)
    const theirs = `${deadOwner}-${Date.now()}-0123456789abcdef.upload`
    await Promise.all([fs.writeFile(path.join(tmp, mine), 'x'), fs.writeFile(path.join(tmp, theirs), 'half')])
    expect(await sweepTmpUploads(tmp)).to.equal(1)
    expect((await fs.readdir(tmp)).sort()).to.deep.equal([mine])
    await fs.rm(path.join(tmp, mine))
  })

  it('should remove a video folder a dead process never committed, and only the marker of a committed one', async () => {
    const videos = path.join(t.uploadsDir, 'videos')
    const [orphan, committed] = [new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId()].map(String)
    const live = String(new mongoose.Types.ObjectId())
    for (const id of [orphan, committed]) {
      await fs.mkdir(path.join(videos, id), { recursive: true })
      await fs.writeFile(path.join(videos, id, 'source.mp4'), 'bytes')
      await fs.writeFile(path.join(videos, `.pending-${deadOwner}-${id}`), '')
    }
    // This process's own upload in progress is left alone.
    await fs.mkdir(path.join(videos, live))
    await fs.writeFile(path.join(videos, `.pending-${OWNER}-${live}`), '')
    const removed = await sweepUncommittedVideos(async (id) => id === committed)
    expect(removed).to.deep.equal([orphan])
    expect((await fs.readdir(videos)).sort()).to.deep.equal([`.pending-${OWNER}-${live}`, committed, live].sort())
    expect(await fs.readdir(path.join(videos, committed))).to.deep.equal(['source.mp4'])
    await fs.rm(videos, { recursive: true })
  })

  it('should write a keyed mail once, and finish a half-written one under the same name', async () => {
    const to = `keyed-${Date.now()}@crash.test`
    const mail = {
      to,
      lng: 'kk' as const,
      template: 'auth:email.reset',
      vars: { link: 'x', name: 'N' },
      key: `k:${to}`,
    }
    await sendMail(mail)
    await sendMail(mail)
    const sent = await readOutbox(t, { to })
    expect(sent).to.have.length(1)
    // Killed after the key was recorded, before the message was whole: the next delivery completes it.
    await fs.rm(sent[0].file)
    await sendMail(mail)
    const again = await readOutbox(t, { to })
    expect(again.map((m) => m.file)).to.deep.equal([sent[0].file])
  })

  it("should remove a dead process's undecided registration, recount the event, and queue the mail of a decided one", async () => {
    const council = await createCouncil(0)
    const organizer = await loginAs(t, { roles: ['council_member'], councilIds: [council.id] })
    const e = await publishedEvent(
      organizer,
      eventBody([council.id], council.regionId!, { audience: 'public', capacity: 5 }),
    )
    const [a, b] = [await loginAs(t), await loginAs(t)]
    const ra = (await a.post(`/api/v1/events/${e.id}/registrations`, {})).body
    const rb = (await b.post(`/api/v1/events/${e.id}/registrations`, {})).body
    // a: killed between its seat and its decision (the seat is counted, the row still pending);
    // b: killed after its decision, before its mail job was written.
    await RegistrationModel.updateOne({ _id: ra.id }, { $set: { status: 'pending', pendingOwner: deadOwner } })
    await RegistrationModel.updateOne({ _id: rb.id }, { $set: { pendingOwner: deadOwner } })
    await Job.deleteMany({ name: 'events.mail' })
    expect((await EventModel.findById(e.id).lean<{ registeredCount: number }>())!.registeredCount).to.equal(2)

    expect(await releaseDeadPending()).to.equal(2)
    expect(await RegistrationModel.exists({ _id: ra.id })).to.equal(null)
    const ev = await EventModel.findById(e.id).lean<{ registeredCount: number; seatsLeft: number }>()
    expect([ev!.registeredCount, ev!.seatsLeft]).to.deep.equal([1, 4])
    const jobs = await Job.find({ name: 'events.mail' }).lean()
    expect(jobs.map((j) => j.payload)).to.deep.equal([{ registrationId: rb.id, kind: 'registered' }])
    expect((await RegistrationModel.findById(rb.id).lean<{ pendingOwner: string | null }>())!.pendingOwner).to.equal(
      null,
    )
  })
})
