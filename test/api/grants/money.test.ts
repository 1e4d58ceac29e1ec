import { expect } from 'chai'
import { GrantCall } from '../../../server/modules/grants/grants.model.js'
import { listAudit } from '../../../server/core/audit.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import {
  TENGE,
  applicationBody,
  closeCall,
  createCouncil,
  publishedCall,
  submittedApplication,
} from '../../helpers/grants.js'

describe('grants: money is exact and the budget holds', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should refuse an application whose budget is over maxAmountTiyn with 400 validation.failed', async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const over = applicationBody(councilId, {
      budget: [
        { item: 'A', amountTiyn: 300_000 * TENGE },
        { item: 'B', amountTiyn: 200_000 * TENGE + 1 },
      ],
    })
    const res = await member.post(`/api/v1/grants/calls/${call.id}/applications`, over)
    expect(res.status).to.equal(400)
    expect(res.body.code).to.equal('validation.failed')
    expect(res.body.errors[0]).to.include({ path: 'body.budget', code: 'grants.over_max_amount' })
    // Localized from the grants namespace (errors.field.over_max_amount), with the amounts.
    expect(res.body.errors[0].message).to.include('50000001').and.include('тиын')
    // Exactly the maximum is fine, and the total is the integer sum.
    const ok = await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))
    expect(ok.status, ok.text).to.equal(201)
    expect(ok.body.totalTiyn).to.equal(500_000 * TENGE)
    // Editing the draft over the maximum is refused the same way.
    const edit = await member.patch(`/api/v1/grants/applications/${ok.body.id}`, over)
    expect(edit.status).to.equal(400)
  })

  it('should refuse amounts that are not integer tiyn (floats, strings, negatives)', async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    for (const amountTiyn of [100.5, '100', -1, 0, 1e16]) {
      const res = await member.post(
        `/api/v1/grants/calls/${call.id}/applications`,
        applicationBody(councilId, { budget: [{ item: 'A', amountTiyn }] }),
      )
      expect(res.status, String(amountTiyn)).to.equal(400)
    }
    const admin = await loginAs(t, { roles: ['admin'] })
    const bad = await admin.post('/api/v1/grants/calls', {
      ...(await import('../../helpers/grants.js')).callBody(),
      budgetTiyn: 1.5,
    })
    expect(bad.status).to.equal(400)
  })

  it('should award within grantsCount and refuse one more with 409 grants.over_budget', async () => {
    const { admin, call } = await publishedCall(t, { call: { grantsCount: 2 } })
    const apps = []
    for (let i = 0; i < 3; i++) apps.push(await submittedApplication(t, call.id, { budget: [100_000 * TENGE] }))
    await closeCall(admin, call.id)
    const two = await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [apps[0].id, apps[1].id] })
    expect(two.status, two.text).to.equal(201)
    expect(two.body.items.map((a: { amountTiyn: number }) => a.amountTiyn)).to.deep.equal([
      100_000 * TENGE,
      100_000 * TENGE,
    ])
    expect(two.body.items[0].status).to.equal('active')
    const third = await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [apps[2].id] })
    expect(third.status).to.equal(409)
    expect(third.body.code).to.equal('grants.over_budget')
    // The refused application is still submitted (nothing half-done).
    expect((await admin.get(`/api/v1/grants/applications/${apps[2].id}`)).body.status).to.equal('submitted')
    const stored = await GrantCall.findById(call.id).lean<{ awardedCount: number; awardedTiyn: number }>()
    expect(stored).to.include({ awardedCount: 2, awardedTiyn: 200_000 * TENGE })
  })

  it('should refuse awards over budgetTiyn by one tiyn', async () => {
    const { admin, call } = await publishedCall(t, {
      call: { budgetTiyn: 500_000 * TENGE, maxAmountTiyn: 300_000 * TENGE },
    })
    const a = await submittedApplication(t, call.id, { budget: [250_000 * TENGE] })
    const b = await submittedApplication(t, call.id, { budget: [250_000 * TENGE + 1] })
    await closeCall(admin, call.id)
    const both = await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id, b.id] })
    expect(both.status).to.equal(409)
    expect(both.body.code).to.equal('grants.over_budget')
    expect((await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] })).status).to.equal(
      201,
    )
  })

  it('should never exceed the budget when two admins award at the same moment', async () => {
    const admin2 = await loginAs(t, { roles: ['admin'] })
    await admin2.csrfToken() // both admins ready before the race
    // Room for 3 grants of 100 000 ₸; 8 applications awarded by two admins in parallel, one each.
    const { admin, call } = await publishedCall(t, {
      call: { grantsCount: 10, budgetTiyn: 300_000 * TENGE, maxAmountTiyn: 100_000 * TENGE },
    })
    const apps = []
    for (let i = 0; i < 8; i++) apps.push(await submittedApplication(t, call.id, { budget: [100_000 * TENGE] }))
    await closeCall(admin, call.id)
    const results = await Promise.all(
      apps.map((a, i) =>
        (i % 2 ? admin2 : admin).post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] }),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'grants.over_budget')).to.equal(true)
    expect(statuses.filter((s) => s === 201)).to.have.length(3)
    expect(statuses.filter((s) => s === 409)).to.have.length(5)
    const stored = await GrantCall.findById(call.id).lean<{ awardedCount: number; awardedTiyn: number }>()
    expect(stored).to.include({ awardedCount: 3, awardedTiyn: 300_000 * TENGE })
    const pub = await admin.get('/api/v1/grants/awards?year=2026&limit=100')
    const ours = pub.body.items.filter((a: { callId: string }) => a.callId === call.id)
    expect(ours).to.have.length(3)
  })

  it('should never award the same application twice under concurrency', async () => {
    const admin2 = await loginAs(t, { roles: ['admin'] })
    await admin2.csrfToken() // both admins ready before the race
    const { admin, call } = await publishedCall(t)
    const a = await submittedApplication(t, call.id)
    await closeCall(admin, call.id)
    const results = await Promise.all(
      [admin, admin2, admin, admin2].map((x) =>
        x.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).to.have.length(1)
    const stored = await GrantCall.findById(call.id).lean<{ awardedCount: number; awardedTiyn: number }>()
    expect(stored).to.include({ awardedCount: 1, awardedTiyn: 500_000 * TENGE })
  })

  it('should audit-log every award with who, when and the amount', async () => {
    const { admin, call } = await publishedCall(t)
    const a = await submittedApplication(t, call.id, { budget: [123_456_78] })
    await closeCall(admin, call.id)
    const res = await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] })
    expect(res.status).to.equal(201)
    const [entry] = await listAudit({ action: 'grants.awarded', targetId: res.body.items[0].id })
    expect(entry.actorId).to.equal(admin.user!.id)
    expect(entry.details).to.include({ applicationId: a.id, amountTiyn: 123_456_78 })
    expect(Date.parse(entry.at)).to.be.greaterThan(Date.now() - 60_000)
  })

  it('should sum the public totals of the year exactly in tiyn', async () => {
    const { admin, call } = await publishedCall(t, { call: { year: 2031 } })
    const a = await submittedApplication(t, call.id, { budget: [1, 2] })
    const b = await submittedApplication(t, call.id, { budget: [499_999_99] })
    await closeCall(admin, call.id)
    expect(
      (await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id, b.id] })).status,
    ).to.equal(201)
    const pub = await admin.get('/api/v1/grants/awards?year=2031')
    expect(pub.body.totals).to.deep.equal({ awards: 2, amountTiyn: 3 + 499_999_99, councils: 2 })
  })
})
