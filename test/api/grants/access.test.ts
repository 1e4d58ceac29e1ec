import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { applicationBody, closeCall, createCouncil, publishedCall, submittedApplication } from '../../helpers/grants.js'

describe('grants: who sees what', () => {
  let t: TestServer
  let admin: Agent
  let expertA: Agent
  let expertB: Agent
  let outsider: Agent
  let callId: string
  let councilId: string
  let member: Agent
  let otherMember: Agent
  let draftId: string
  let submitted: { id: string; councilId: string; member: Agent }

  before(async () => {
    t = await startTestServer()
    const world = await publishedCall(t, { experts: 2 })
    ;({ admin } = world)
    ;[expertA, expertB] = world.experts
    callId = world.call.id
    outsider = await loginAs(t, { roles: ['expert'] })
    councilId = await createCouncil()
    member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    otherMember = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    const draft = await member.post(`/api/v1/grants/calls/${callId}/applications`, applicationBody(councilId))
    expect(draft.status).to.equal(201)
    draftId = draft.body.id
    submitted = await submittedApplication(t, callId)
  })
  after(() => t?.close())

  it('should show a draft only to its council (admin, experts, others: 403; guests 401)', async () => {
    expect((await member.get(`/api/v1/grants/applications/${draftId}`)).status).to.equal(200)
    for (const a of [admin, expertA, otherMember])
      expect((await a.get(`/api/v1/grants/applications/${draftId}`)).status).to.equal(403)
    expect((await new Agent(t.url).get(`/api/v1/grants/applications/${draftId}`)).status).to.equal(401)
    const ranked = await admin.get(`/api/v1/grants/calls/${callId}/applications`)
    expect(ranked.body.items.map((a: { id: string }) => a.id)).to.not.include(draftId)
    const forExpert = await expertA.get(`/api/v1/grants/calls/${callId}/applications`)
    expect(forExpert.body.items.map((a: { id: string }) => a.id)).to.deep.equal([submitted.id])
  })

  it('should refuse a council member to create, edit or submit for another council', async () => {
    const res = await otherMember.post(`/api/v1/grants/calls/${callId}/applications`, applicationBody(councilId))
    expect(res.status).to.equal(403)
    expect((await otherMember.patch(`/api/v1/grants/applications/${draftId}`, { title: { ru: 'X' } })).status).to.equal(
      403,
    )
    expect((await otherMember.post(`/api/v1/grants/applications/${draftId}/submit`, {})).status).to.equal(403)
    expect((await otherMember.post(`/api/v1/grants/applications/${draftId}/withdraw`, {})).status).to.equal(403)
    expect(
      (await otherMember.get(`/api/v1/grants/calls/${callId}/applications?councilId=${councilId}`)).status,
    ).to.equal(403)
    const citizen = await loginAs(t, { roles: ['citizen'] })
    expect(
      (await citizen.post(`/api/v1/grants/calls/${callId}/applications`, applicationBody(councilId))).status,
    ).to.equal(403)
  })

  it('should show submitted applications to the admin and the call’s experts only, not to other experts', async () => {
    expect((await admin.get(`/api/v1/grants/applications/${submitted.id}`)).status).to.equal(200)
    expect((await expertA.get(`/api/v1/grants/applications/${submitted.id}`)).status).to.equal(200)
    expect((await outsider.get(`/api/v1/grants/applications/${submitted.id}`)).status).to.equal(403)
    expect((await outsider.get(`/api/v1/grants/calls/${callId}/applications`)).status).to.equal(403)
    expect((await otherMember.get(`/api/v1/grants/applications/${submitted.id}`)).status).to.equal(403)
    const review = await outsider.post(`/api/v1/grants/applications/${submitted.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 5, reach: 5 },
    })
    expect(review.status).to.equal(403)
  })

  it('should show reviews to the admin and their author only, and the score only to the admin', async () => {
    const a = await expertA.post(`/api/v1/grants/applications/${submitted.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 8, reach: 4 },
      comment: 'Жақсы',
    })
    expect(a.status, a.text).to.equal(201)
    const b = await expertB.post(`/api/v1/grants/applications/${submitted.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 6, reach: 10 },
    })
    expect(b.status).to.equal(201)
    const seenByA = (await expertA.get(`/api/v1/grants/applications/${submitted.id}`)).body
    expect(seenByA.reviews.map((r: { expertId: string }) => r.expertId)).to.deep.equal([expertA.user!.id])
    expect(seenByA.score).to.equal(null)
    const listA = (await expertA.get(`/api/v1/grants/calls/${callId}/applications`)).body.items[0]
    expect(listA.reviews).to.have.length(1)
    expect(listA.score).to.equal(null)
    const seenByAdmin = (await admin.get(`/api/v1/grants/applications/${submitted.id}`)).body
    expect(seenByAdmin.reviews).to.have.length(2)
    // (8·3 + 4·1)/4 = 7 and (6·3 + 10·1)/4 = 7 → mean 7
    expect(seenByAdmin.score).to.deep.equal({ mean: 7, reviews: 2, conflicts: 0 })
    const seenByCouncil = (await submitted.member.get(`/api/v1/grants/applications/${submitted.id}`)).body
    expect(seenByCouncil.reviews).to.deep.equal([])
    expect(seenByCouncil.score).to.equal(null)
    const entries = await listAudit({ action: 'grants.review_scored', targetId: submitted.id })
    expect(entries.map((e) => e.actorId)).to.have.members([expertA.user!.id, expertB.user!.id])
    expect(entries.find((e) => e.actorId === expertA.user!.id)!.details.scores).to.deep.equal({
      relevance: 8,
      reach: 4,
    })
  })

  it('should refuse an expert who is a member of the applying council (403)', async () => {
    const councilId2 = await createCouncil()
    const both = await loginAs(t, { roles: ['expert', 'council_member'], councilIds: [councilId2] })
    const world = await publishedCall(t, { admin })
    await admin.patch(`/api/v1/grants/calls/${world.call.id}`, { expertIds: [both.user!.id] })
    const app = await submittedApplication(t, world.call.id, { councilId: councilId2 })
    const res = await both.post(`/api/v1/grants/applications/${app.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 10, reach: 10 },
    })
    expect(res.status).to.equal(403)
    expect(res.body.code).to.equal('auth.forbidden')
  })

  it('should take no scores with a conflict of interest, and count it apart', async () => {
    const world = await publishedCall(t, { experts: 2, admin })
    const app = await submittedApplication(t, world.call.id)
    const withScores = await world.experts[0].post(`/api/v1/grants/applications/${app.id}/reviews`, {
      conflictOfInterest: true,
      scores: { relevance: 10, reach: 10 },
    })
    expect(withScores.status).to.equal(400)
    const declared = await world.experts[0].post(`/api/v1/grants/applications/${app.id}/reviews`, {
      conflictOfInterest: true,
    })
    expect(declared.status).to.equal(201)
    expect(declared.body.reviews[0]).to.include({ conflictOfInterest: true, weighted: null })
    expect(declared.body.reviews[0].scores).to.deep.equal({})
    const again = await world.experts[0].post(`/api/v1/grants/applications/${app.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 10, reach: 10 },
    })
    expect(again.status).to.equal(409)
    expect(again.body.code).to.equal('grants.already_reviewed')
    await world.experts[1].post(`/api/v1/grants/applications/${app.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 2, reach: 6 },
    })
    const score = (await admin.get(`/api/v1/grants/applications/${app.id}`)).body.score
    expect(score).to.deep.equal({ mean: 3, reviews: 1, conflicts: 1 })
    expect((await listAudit({ action: 'grants.conflict_declared', targetId: app.id }))[0].actorId).to.equal(
      world.experts[0].user!.id,
    )
  })

  it('should rank the admin’s list by the weighted mean score, best first', async () => {
    const world = await publishedCall(t, { experts: 1, admin })
    const low = await submittedApplication(t, world.call.id)
    const high = await submittedApplication(t, world.call.id)
    const unscored = await submittedApplication(t, world.call.id)
    const [e] = world.experts
    // low: relevance 2 (w3), reach 10 (w1) → 4; high: relevance 6, reach 0 → 4.5 (an unweighted mean would rank low first)
    await e.post(`/api/v1/grants/applications/${low.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 2, reach: 10 },
    })
    await e.post(`/api/v1/grants/applications/${high.id}/reviews`, {
      conflictOfInterest: false,
      scores: { relevance: 6, reach: 0 },
    })
    const list = (await admin.get(`/api/v1/grants/calls/${world.call.id}/applications`)).body.items
    expect(list.map((a: { id: string }) => a.id)).to.deep.equal([high.id, low.id, unscored.id])
    expect(list.map((a: { score: { mean: number | null } }) => a.score.mean)).to.deep.equal([4.5, 4, null])
  })

  it('should keep applicants’ personal data out of public responses', async () => {
    const world = await publishedCall(t, { admin, call: { year: 2032 } })
    const app = await submittedApplication(t, world.call.id)
    await closeCall(admin, world.call.id)
    expect(
      (await admin.post(`/api/v1/grants/calls/${world.call.id}/awards`, { applicationIds: [app.id] })).status,
    ).to.equal(201)
    const guest = new Agent(t.url)
    const res = await guest.get('/api/v1/grants/awards?year=2032')
    expect(res.status).to.equal(200)
    expect(res.body.items).to.have.length(1)
    const text = JSON.stringify(res.body)
    expect(text).to.not.include(app.member.user!.id)
    expect(text).to.not.include(app.member.user!.email)
    expect(text).to.not.match(/createdBy|submittedBy|awardedBy|email|expert/i)
    const call = await guest.get(`/api/v1/grants/calls/${world.call.id}`)
    expect(call.body.expertIds).to.equal(null)
  })

  it('should hide draft calls from everyone but the admin', async () => {
    const created = await admin.post('/api/v1/grants/calls', (await import('../../helpers/grants.js')).callBody())
    expect((await new Agent(t.url).get(`/api/v1/grants/calls/${created.body.id}`)).status).to.equal(404)
    expect((await member.get(`/api/v1/grants/calls/${created.body.id}`)).status).to.equal(404)
    expect((await admin.get(`/api/v1/grants/calls/${created.body.id}`)).status).to.equal(200)
    const list = await new Agent(t.url).get('/api/v1/grants/calls?limit=100')
    expect(list.body.items.map((c: { id: string }) => c.id)).to.not.include(created.body.id)
    expect(
      (await member.post('/api/v1/grants/calls', (await import('../../helpers/grants.js')).callBody())).status,
    ).to.equal(403)
    expect((await expertA.patch(`/api/v1/grants/calls/${created.body.id}`, { status: 'published' })).status).to.equal(
      403,
    )
  })
})
