import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import { Job } from '../../../server/core/jobs.js'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'
import { TENGE, closeCall, createCouncil, publishedCall, submittedApplication } from '../../helpers/grants.js'

describe('grants: awards, reports and e-mails', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  async function awarded(year = 2026) {
    const world = await publishedCall(t, { call: { year } })
    const councilId = await createCouncil()
    const ru = await createUser(t, { roles: ['council_member'], councilIds: [councilId], locale: 'ru' })
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId], locale: 'kk' })
    const app = await submittedApplication(t, world.call.id, {
      councilId,
      member,
      budget: [300_000 * TENGE, 200_000 * TENGE],
    })
    await closeCall(world.admin, world.call.id)
    const res = await world.admin.post(`/api/v1/grants/calls/${world.call.id}/awards`, { applicationIds: [app.id] })
    expect(res.status).to.equal(201)
    return { ...world, member, ruEmail: ru.email, councilId, app, award: res.body.items[0] }
  }

  it('should e-mail the council at each step, each member in their own language', async () => {
    const w = await awarded()
    const submittedRu = await waitForMail(t, { to: w.ruEmail, template: 'grants:email.application_submitted' })
    expect(submittedRu.lng).to.equal('ru')
    expect(submittedRu.subject).to.include('Мониторинг поликлиник')
    const submittedKk = await waitForMail(t, {
      to: w.member.user!.email,
      template: 'grants:email.application_submitted',
    })
    expect(submittedKk.lng).to.equal('kk')
    expect(submittedKk.subject).to.include('Емханалар мониторингі')
    const award = await waitForMail(t, { to: w.ruEmail, template: 'grants:email.awarded' })
    expect(award.text).to.include('500\u00a0000\u00a0₸')
  })

  it('should e-mail the experts when the call is published', async () => {
    const expert = await createUser(t, { roles: ['expert'], locale: 'ru' })
    const admin = await loginAs(t, { roles: ['admin'] })
    const created = await admin.post(
      '/api/v1/grants/calls',
      (await import('../../helpers/grants.js')).callBody({ expertIds: [expert.id] }),
    )
    await admin.patch(`/api/v1/grants/calls/${created.body.id}`, { status: 'published' })
    const mail = await waitForMail(t, { to: expert.email, template: 'grants:email.expert_assigned' })
    expect(mail.subject).to.include('Малые гранты 2026')
  })

  it('should schedule a persisted reminder before each milestone', async () => {
    const w = await awarded()
    const jobs = await Job.find({ name: 'grants.milestone_reminder', 'payload.awardId': w.award.id }).lean<
      { payload: { index: number; dueAt: string }; runAt: Date; status: string }[]
    >()
    expect(jobs.map((j) => j.payload.index).sort()).to.deep.equal([0, 1])
    for (const j of jobs) expect(new Date(j.runAt).getTime()).to.be.lessThan(Date.parse(j.payload.dueAt))
  })

  it('should take interim and final reports; the admin accepts or returns with a comment; accepted final completes the award', async () => {
    const w = await awarded()
    const url = `/api/v1/grants/awards/${w.award.id}/reports`
    const over = await w.member.post(url, {
      kind: 'interim',
      text: 'Ә',
      spending: [{ item: 'A', amountTiyn: 500_000 * TENGE + 1 }],
    })
    expect(over.status).to.equal(400)
    expect(over.body.errors[0].code).to.equal('grants.over_award')
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    expect((await other.post(url, { kind: 'interim', text: 'X', spending: [] })).status).to.equal(403)

    const interim = await w.member.post(url, {
      kind: 'interim',
      text: 'Сауалнама өтті',
      spending: [{ item: 'Сауалнама', amountTiyn: 250_000 * TENGE }],
    })
    expect(interim.status, interim.text).to.equal(201)
    expect(interim.body).to.include({ status: 'submitted', spentTiyn: 250_000 * TENGE })
    const pending = await w.member.post(url, { kind: 'interim', text: 'Тағы', spending: [] })
    expect(pending.status).to.equal(409)
    expect(pending.body.code).to.equal('grants.report_pending')
    expect((await w.member.patch(`/api/v1/grants/reports/${interim.body.id}`, { status: 'accepted' })).status).to.equal(
      403,
    )

    const returned = await w.admin.patch(`/api/v1/grants/reports/${interim.body.id}`, {
      status: 'returned',
      comment: 'Чеки қосыңыз',
    })
    expect(returned.status).to.equal(200)
    expect(returned.body).to.include({ status: 'returned', comment: 'Чеки қосыңыз' })
    const mail = await waitForMail(t, { to: w.ruEmail, template: 'grants:email.report_returned' })
    expect(mail.text).to.include('Чеки қосыңыз')
    // returned is final: neither accepted nor returned again
    for (const status of ['accepted', 'returned']) {
      const res = await w.admin.patch(`/api/v1/grants/reports/${interim.body.id}`, { status })
      expect(res.status).to.equal(409)
      expect(res.body.code).to.equal('grants.invalid_transition')
    }
    const interim2 = await w.member.post(url, {
      kind: 'interim',
      text: 'Чектермен',
      spending: [{ item: 'Сауалнама', amountTiyn: 250_000 * TENGE }],
    })
    const acc = await w.admin.patch(`/api/v1/grants/reports/${interim2.body.id}`, {
      status: 'accepted',
      version: interim2.body.version,
    })
    expect(acc.body.status).to.equal('accepted')
    const stale = await w.admin.patch(`/api/v1/grants/reports/${interim2.body.id}`, {
      status: 'returned',
      version: interim2.body.version,
    })
    expect(stale.status).to.equal(409)

    const final = await w.member.post(url, {
      kind: 'final',
      text: 'Қорытынды',
      spending: [{ item: 'Барлығы', amountTiyn: 500_000 * TENGE }],
    })
    expect(
      (await w.admin.patch(`/api/v1/grants/reports/${final.body.id}`, { status: 'accepted', comment: 'Рахмет' }))
        .status,
    ).to.equal(200)
    const entries = await listAudit({ action: 'grants.report_accepted', targetId: final.body.id })
    expect(entries[0].actorId).to.equal(w.admin.user!.id)
    expect((await listAudit({ action: 'grants.report_returned', targetId: interim.body.id }))[0].actorId).to.equal(
      w.admin.user!.id,
    )

    const after = await w.member.post(url, { kind: 'interim', text: 'Кеш', spending: [] })
    expect(after.status).to.equal(409)
    expect(after.body.code).to.equal('grants.award_completed')

    const pub = await new Agent(t.url).get('/api/v1/grants/awards?year=2026&limit=100')
    const mine = pub.body.items.find((a: { id: string }) => a.id === w.award.id)
    expect(mine.status).to.equal('completed')
    expect(mine.acceptedReports.map((r: { kind: string }) => r.kind)).to.deep.equal(['interim', 'final'])
    expect(mine.spentTiyn).to.equal(500_000 * TENGE)
    // Guests see accepted reports only; the council sees all.
    const guestReports = await new Agent(t.url).get(`/api/v1/grants/awards/${w.award.id}/reports`)
    expect(guestReports.body.items).to.have.length(2)
    expect((await w.member.get(`/api/v1/grants/awards/${w.award.id}/reports`)).body.items).to.have.length(3)
    expect((await other.get(`/api/v1/grants/awards/${w.award.id}/reports`)).status).to.equal(403)
    const all = await readOutbox(t, { template: 'grants:email.report_accepted' })
    expect(all.length).to.be.greaterThan(0)
  })
})
