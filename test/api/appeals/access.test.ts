import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { listAudit } from '../../../server/core/audit.js'
import { PDF, appealBody, createCouncil, guestContact, submitAs } from './fixtures.js'

describe('appeals: who may see and act on an appeal', () => {
  let t: TestServer
  let councilA: string
  let councilB: string
  let author: Agent
  let otherCitizen: Agent
  let memberA: Agent
  let memberB: Agent
  let moderator: Agent
  let admin: Agent
  let anonymous: Agent
  let appeal: { id: string; accessCode: string; trackingNumber: string }
  let attachmentUrl: string

  before(async () => {
    t = await startTestServer()
    councilA = await createCouncil()
    councilB = await createCouncil()
    author = await loginAs(t, { roles: ['citizen'] })
    otherCitizen = await loginAs(t, { roles: ['citizen'] })
    memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
    memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB] })
    moderator = await loginAs(t, { roles: ['moderator'] })
    admin = await loginAs(t, { roles: ['admin'] })
    anonymous = new Agent(t.url)
    const res = await author.upload('/api/v1/appeals', {
      fields: {
        councilId: councilA,
        category: 'proposal',
        subject: 'Саябақ салу',
        text: 'Ауданымызда жаңа саябақ салуды ұсынамын.',
      },
      files: [{ field: 'files', filename: 'plan.pdf', content: PDF }],
    })
    expect(res.status, res.text).to.equal(201)
    appeal = res.body
    attachmentUrl = (await author.get(`/api/v1/appeals/${appeal.id}`)).body.attachments[0].url
  })
  after(() => t?.close())

  it('should show the appeal with personal data to its author and its council members', async () => {
    for (const agent of [author, memberA]) {
      const res = await agent.get(`/api/v1/appeals/${appeal.id}`)
      expect(res.status).to.equal(200)
      expect(res.body.author.email).to.equal(author.user!.email)
      expect(res.headers.get('cache-control')).to.include('no-store')
    }
  })

  it('should refuse a member of another council (403) on every appeal route', async () => {
    expect((await memberB.get(`/api/v1/appeals/${appeal.id}`)).status).to.equal(403)
    expect((await memberB.get(attachmentUrl)).status).to.equal(403)
    expect((await memberB.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Чужой ответ' })).status).to.equal(403)
    expect((await memberB.patch(`/api/v1/appeals/${appeal.id}/status`, { status: 'in_progress' })).status).to.equal(403)
    expect((await memberB.post(`/api/v1/appeals/${appeal.id}/extend`, { reason: 'Чужое продление' })).status).to.equal(
      403,
    )
    expect((await memberB.get(`/api/v1/councils/${councilA}/appeals`)).status).to.equal(403)
    expect((await memberB.get(`/api/v1/councils/${councilA}/appeals.csv`)).status).to.equal(403)
    expect((await memberB.get(`/api/v1/councils/${councilB}/appeals`)).status).to.equal(200)
  })

  it('should refuse another citizen (403) and a guest without the code (401), and a wrong code (404)', async () => {
    expect((await otherCitizen.get(`/api/v1/appeals/${appeal.id}`)).status).to.equal(403)
    expect((await otherCitizen.get(attachmentUrl)).status).to.equal(403)
    expect((await otherCitizen.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Не мой' })).status).to.equal(403)
    expect((await otherCitizen.post(`/api/v1/appeals/${appeal.id}/rating`, { score: 1 })).status).to.equal(403)
    expect((await otherCitizen.get(`/api/v1/councils/${councilA}/appeals`)).status).to.equal(403)
    expect((await anonymous.get(`/api/v1/appeals/${appeal.id}`)).status).to.equal(401)
    expect((await anonymous.get(attachmentUrl)).status).to.equal(401)
    expect((await anonymous.get(`/api/v1/councils/${councilA}/appeals`)).status).to.equal(401)
    expect((await anonymous.get('/api/v1/appeals/mine')).status).to.equal(401)
    expect((await anonymous.get(`/api/v1/appeals/${appeal.id}?code=AAAAAAAAAA`)).status).to.equal(404)
    // The citizen's own code works for whoever holds it (e.g. the same person signed out).
    expect((await anonymous.get(`/api/v1/appeals/${appeal.id}?code=${appeal.accessCode}`)).status).to.equal(200)
  })

  it('should let a citizen act only as author: no status changes, no council replies', async () => {
    const res = await author.patch(`/api/v1/appeals/${appeal.id}/status`, { status: 'closed' })
    expect(res.status).to.equal(403)
    expect((await author.post(`/api/v1/appeals/${appeal.id}/extend`, { reason: 'Сам себе' })).status).to.equal(403)
  })

  it('should let a council member not rate, and only its author rate', async () => {
    await memberA.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Ұсыныс қаралады.' })
    expect((await memberA.post(`/api/v1/appeals/${appeal.id}/rating`, { score: 5 })).status).to.equal(403)
  })

  it('should let moderators and admins oversee, audit-logging every access to personal data', async () => {
    const before = (await listAudit({ targetId: appeal.id })).length
    const mod = await moderator.get(`/api/v1/appeals/${appeal.id}`)
    expect(mod.status).to.equal(200)
    expect(mod.body.author.email).to.equal(author.user!.email)
    expect((await admin.get(`/api/v1/appeals/${appeal.id}`)).status).to.equal(200)
    expect((await moderator.get(attachmentUrl)).status).to.equal(200)
    const entries = await listAudit({ targetId: appeal.id })
    expect(entries.length - before).to.equal(3)
    expect(entries.map((e) => e.action)).to.include.members(['appeal.personal_data_read', 'appeal.attachment_read'])
    expect(entries.map((e) => e.actorId)).to.include.members([moderator.user!.id, admin.user!.id])
    // A council member reading its own council's appeal is not an oversight access.
    await memberA.get(`/api/v1/appeals/${appeal.id}`)
    expect((await listAudit({ targetId: appeal.id })).length).to.equal(entries.length)

    const list = await moderator.get(`/api/v1/councils/${councilA}/appeals`)
    expect(list.status).to.equal(200)
    const listAudits = await listAudit({ action: 'appeal.council_list_read', targetId: councilA })
    expect(listAudits[0].actorId).to.equal(moderator.user!.id)
  })

  it("should let a moderator change the status but not answer in the council's name", async () => {
    expect((await moderator.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Модератор' })).status).to.equal(403)
    const res = await moderator.patch(`/api/v1/appeals/${appeal.id}/status`, { status: 'closed' })
    expect(res.status).to.equal(200)
    expect(res.body.status).to.equal('closed')
    const entries = await listAudit({ action: 'appeal.status_closed', targetId: appeal.id })
    expect(entries.map((e) => e.actorId)).to.deep.equal([moderator.user!.id])
  })

  it("should keep a guest's unconfirmed appeal from the council and moderators", async () => {
    const res = await anonymous.post('/api/v1/appeals', appealBody(councilA, { contact: guestContact() }))
    expect(res.status).to.equal(201)
    expect((await memberA.get(`/api/v1/appeals/${res.body.id}`)).status).to.equal(404)
    expect((await moderator.get(`/api/v1/appeals/${res.body.id}`)).status).to.equal(404)
    expect((await anonymous.get(`/api/v1/appeals/${res.body.id}?code=${res.body.accessCode}`)).status).to.equal(200)
  })

  it("should hold an unverified citizen's appeal until the account e-mail confirms it", async () => {
    const unverified = await loginAs(t, { roles: ['citizen'], emailVerified: false })
    const a = await submitAs(unverified, councilA)
    expect(a.status).to.equal('unconfirmed')
    expect(a.dueAt).to.equal(null)
    expect((await unverified.get(`/api/v1/appeals/${a.id}`)).body.status).to.equal('unconfirmed')
  })
})
