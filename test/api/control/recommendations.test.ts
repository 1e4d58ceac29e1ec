import { expect } from 'chai'
import mongoose from 'mongoose'
import { listAudit } from '../../../server/core/audit.js'
import { Recommendation } from '../../../server/modules/control/control.model.js'
import { eventually } from '../../helpers/eventually.js'
import { implementationMachine, recommendationMachine } from '../../../server/modules/control/control.service.js'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'
import { closeCall, createCouncil, publishedCall, submittedApplication } from '../../helpers/grants.js'

const body = (councilId: string, extra: Record<string, unknown> = {}) => ({
  councilId,
  stateBody: { kk: 'Денсаулық сақтау басқармасы', ru: 'Управление здравоохранения' },
  text: { kk: 'Кезекті қысқарту', ru: 'Сократить очереди' },
  sentAt: '2026-03-02T06:00:00.000Z',
  ...extra,
})

describe('control: recommendations to state bodies', () => {
  let t: TestServer
  let councilId: string
  let member: Agent
  before(async () => {
    t = await startTestServer()
    councilId = await createCouncil()
    member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
  })
  after(() => t?.close())

  it('should set dueAt 15 working days after sentAt with the Kazakhstan calendar (8 March and Nauryz skipped)', async () => {
    const res = await member.post('/api/v1/control/recommendations', body(councilId))
    expect(res.status, res.text).to.equal(201)
    expect(res.body.status).to.equal('sent')
    // Monday 2 March 2026 + 15 working days: 9 March (8 March moved), 23–25 March (Nauryz) are off → Friday 27 March, end of day in Almaty.
    expect(res.body.dueAt).to.equal('2026-03-27T18:59:59.999Z')
    expect(res.body.overdue).to.equal(true)
  })

  it('should let only the council’s members record (others 403, guests 401), and link only its own award', async () => {
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    expect((await other.post('/api/v1/control/recommendations', body(councilId))).status).to.equal(403)
    expect((await new Agent(t.url).post('/api/v1/control/recommendations', body(councilId))).status).to.equal(401)
    const moderator = await loginAs(t, { roles: ['moderator'] })
    expect((await moderator.post('/api/v1/control/recommendations', body(councilId))).status).to.equal(403)
    const future = await member.post(
      '/api/v1/control/recommendations',
      body(councilId, { sentAt: new Date(Date.now() + 86_400_000 * 3).toISOString() }),
    )
    expect(future.status).to.equal(400)

    const { admin, call } = await publishedCall(t)
    const app = await submittedApplication(t, call.id, { councilId, member })
    await closeCall(admin, call.id)
    const award = (await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [app.id] })).body
      .items[0]
    const linked = await member.post('/api/v1/control/recommendations', body(councilId, { awardId: award.id }))
    expect(linked.status).to.equal(201)
    expect(linked.body.awardId).to.equal(award.id)
    const otherCouncil = await createCouncil()
    const m2 = await loginAs(t, { roles: ['council_member'], councilIds: [otherCouncil] })
    const foreign = await m2.post('/api/v1/control/recommendations', body(otherCouncil, { awardId: award.id }))
    expect(foreign.status).to.equal(400)
    expect(foreign.body.errors[0]).to.include({ path: 'body.awardId', code: 'control.unknown_award' })
    const byAward = await new Agent(t.url).get(`/api/v1/control/recommendations?awardId=${award.id}`)
    expect(byAward.body.items.map((r: { id: string }) => r.id)).to.deep.equal([linked.body.id])
  })

  it('should allow exactly the documented transitions', () => {
    expect(recommendationMachine.can('sent', 'answered')).to.equal(true)
    expect(recommendationMachine.can('answered', 'sent')).to.equal(false)
    const allowed = implementationMachine.states.flatMap((a) =>
      implementationMachine.states.filter((b) => implementationMachine.can(a, b)).map((b) => `${a}>${b}`),
    )
    expect(allowed).to.have.members([
      'none>in_progress',
      'none>implemented',
      'none>not_implemented',
      'in_progress>implemented',
      'in_progress>not_implemented',
      'not_implemented>in_progress',
      'not_implemented>implemented',
    ])
  })

  it('sent → answered (once), then implementation; refused moves are 409 control.invalid_transition', async () => {
    const rec = (await member.post('/api/v1/control/recommendations', body(councilId))).body
    const early = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      implementation: 'implemented',
      note: '',
    })
    expect(early.status).to.equal(409)
    expect(early.body.code).to.equal('control.invalid_transition')
    const both = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      response: { receivedAt: '2026-03-20T05:00:00Z', text: { ru: 'Ок' }, decision: 'accepted' },
      implementation: 'implemented',
    })
    expect(both.status).to.equal(400)
    const before = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      response: { receivedAt: '2026-03-01T05:00:00Z', text: { ru: 'Ок' }, decision: 'accepted' },
    })
    expect(before.status).to.equal(400)
    const answered = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      response: { receivedAt: '2026-03-20T05:00:00Z', text: { ru: 'Примем меры' }, decision: 'partially' },
      version: rec.version,
    })
    expect(answered.status, answered.text).to.equal(200)
    expect(answered.body).to.include({ status: 'answered', overdue: false })
    expect(answered.body.response).to.include({ decision: 'partially', onTime: true })
    const twice = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      response: { receivedAt: '2026-03-21T05:00:00Z', text: { ru: 'Ещё' }, decision: 'rejected' },
    })
    expect(twice.status).to.equal(409)
    expect(twice.body.code).to.equal('control.invalid_transition')
    const stale = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      implementation: 'in_progress',
      version: rec.version,
    })
    expect(stale.status).to.equal(409)
    expect(stale.body.code).to.equal('conflict')
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const prog = await moderator.patch(`/api/v1/control/recommendations/${rec.id}`, {
      implementation: 'in_progress',
      note: 'Жұмыс жүріп жатыр',
    })
    expect(prog.status).to.equal(200)
    const done = await member.patch(`/api/v1/control/recommendations/${rec.id}`, {
      implementation: 'implemented',
      note: 'Орындалды',
    })
    expect(done.body.implementation).to.include({ status: 'implemented', note: 'Орындалды' })
    const undo = await member.patch(`/api/v1/control/recommendations/${rec.id}`, { implementation: 'in_progress' })
    expect(undo.status).to.equal(409)
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    expect(
      (await other.patch(`/api/v1/control/recommendations/${rec.id}`, { implementation: 'not_implemented' })).status,
    ).to.equal(403)
    const audits = await listAudit({ targetId: rec.id })
    expect(audits.map((a) => a.action)).to.include.members([
      'control.recommendation_recorded',
      'control.response_recorded',
      'control.implementation_recorded',
    ])
  })

  it('should flag late answers and overdue ones, and filter lists by status, overdue and state body', async () => {
    const c = await createCouncil()
    const m = await loginAs(t, { roles: ['council_member'], councilIds: [c] })
    const late = (await m.post('/api/v1/control/recommendations', body(c))).body
    const lateAns = await m.patch(`/api/v1/control/recommendations/${late.id}`, {
      response: { receivedAt: '2026-04-10T05:00:00Z', text: { kk: 'Кеш' }, decision: 'rejected' },
    })
    expect(lateAns.body.overdue).to.equal(true)
    expect(lateAns.body.response.onTime).to.equal(false)
    const open = (await m.post('/api/v1/control/recommendations', body(c))).body
    const fresh = (await m.post('/api/v1/control/recommendations', body(c, { sentAt: new Date().toISOString() }))).body
    expect(fresh.overdue).to.equal(false)
    const guest = new Agent(t.url)
    const ids = async (q: string) =>
      (await guest.get(`/api/v1/control/recommendations?councilId=${c}${q}`)).body.items.map(
        (r: { id: string }) => r.id,
      )
    expect(await ids('&overdue=true')).to.have.members([late.id, open.id])
    expect(await ids('&overdue=false')).to.have.members([fresh.id])
    expect(await ids('&status=sent')).to.have.members([open.id, fresh.id])
    expect(await ids('&status=answered')).to.have.members([late.id])
    expect(await ids('&stateBody=' + encodeURIComponent('управление  ЗДРАВООХРАНЕНИЯ'))).to.have.length(3)
    const page = await guest.get(`/api/v1/control/recommendations?councilId=${c}&limit=2`)
    const next = await guest.get(
      `/api/v1/control/recommendations?councilId=${c}&limit=2&cursor=${page.body.nextCursor}`,
    )
    expect([...page.body.items, ...next.body.items].map((r: { id: string }) => r.id)).to.have.members([
      late.id,
      open.id,
      fresh.id,
    ])
    expect(JSON.stringify(page.body)).to.not.match(/createdBy|email/)
  })

  it('should remind the council once, in each member’s language, when the answer is overdue', async () => {
    const c = await createCouncil()
    const ru = await createUser(t, { roles: ['council_member'], councilIds: [c], locale: 'ru' })
    const m = await loginAs(t, { roles: ['council_member'], councilIds: [c] })
    const rec = (await m.post('/api/v1/control/recommendations', body(c))).body
    const mail = await waitForMail(t, { to: ru.email, template: 'control:email.overdue' })
    expect(mail.lng).to.equal('ru')
    expect(mail.subject).to.include('Управление здравоохранения')
    await waitForMail(t, { to: m.user!.email, template: 'control:email.overdue' })
    // Recording it again for another recommendation does not re-send this one's reminder.
    await m.patch(`/api/v1/control/recommendations/${rec.id}`, {
      response: { receivedAt: '2026-04-10T05:00:00Z', text: { kk: 'Жауап' }, decision: 'accepted' },
    })
    expect(await readOutbox(t, { to: ru.email, template: 'control:email.overdue' })).to.have.length(1)
    // Recorded on the recommendation (over SMTP the outbox's key would not stop a second mail).
    const stored = await eventually(
      () => Recommendation.findOne({ _id: rec.id, overdueRemindedFor: mongoose.trusted({ $ne: null }) }).lean(),
      'the reminder to be recorded',
    )
    expect(new Date(stored.overdueRemindedFor!).getTime()).to.equal(new Date(stored.dueAt!).getTime())
  })
})

describe('control: RECOMMENDATION_DUE_WORKING_DAYS', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ RECOMMENDATION_DUE_WORKING_DAYS: '5' })
  })
  after(() => t?.close())

  it('should use the configured number of working days', async () => {
    const c = await createCouncil()
    const m = await loginAs(t, { roles: ['council_member'], councilIds: [c] })
    const res = await m.post('/api/v1/control/recommendations', body(c))
    // Monday 2 March + 5 working days (9 March off) → Tuesday 10 March.
    expect(res.body.dueAt).to.equal('2026-03-10T18:59:59.999Z')
  })
})
