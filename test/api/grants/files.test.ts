import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { unsentUpload } from '../../helpers/unsent-upload.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { MAX_FILES } from '../../../shared/schemas/grants.js'
import { applicationBody, closeCall, createCouncil, publishedCall } from '../../helpers/grants.js'

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)

describe('grants: attachments of applications and reports', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should attach files to a draft, serve them to who may see the application, and refuse a fake type', async () => {
    const { admin, experts, call } = await publishedCall(t, { experts: 1 })
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    const app = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    const fake = await member.upload(`/api/v1/grants/applications/${app.id}/attachments`, {
      files: [{ field: 'files', filename: 'plan.pdf', content: Buffer.from('not a pdf at all') }],
    })
    expect(fake.status).to.equal(415)
    expect(
      (
        await other.upload(`/api/v1/grants/applications/${app.id}/attachments`, {
          files: [{ field: 'files', filename: 'plan.pdf', content: PDF }],
        })
      ).status,
    ).to.equal(403)
    const ok = await member.upload(`/api/v1/grants/applications/${app.id}/attachments`, {
      files: [{ field: 'files', filename: 'жоспар.pdf', content: PDF }],
    })
    expect(ok.status, ok.text).to.equal(201)
    expect(ok.body.attachments).to.have.length(1)
    expect(ok.body.version).to.equal(app.version + 1)
    const url = ok.body.attachments[0].url
    const got = await member.get(url)
    expect(got.status).to.equal(200)
    expect(got.headers.get('content-type')).to.equal('application/pdf')
    // A draft's file: not for the admin, the experts or another council.
    for (const a of [admin, experts[0], other]) expect((await a.get(url)).status).to.equal(403)
    expect((await new Agent(t.url).get(url)).status).to.equal(401)
    await member.post(`/api/v1/grants/applications/${app.id}/submit`, {})
    expect((await admin.get(url)).status).to.equal(200)
    expect((await experts[0].get(url)).status).to.equal(200)
    const late = await member.upload(`/api/v1/grants/applications/${app.id}/attachments`, {
      files: [{ field: 'files', filename: 'more.pdf', content: PDF }],
    })
    expect(late.status).to.equal(409)

    // Report files: the council adds them while the report awaits its decision; public once accepted.
    await closeCall(admin, call.id)
    const award = (await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [app.id] })).body
      .items[0]
    const report = (
      await member.post(`/api/v1/grants/awards/${award.id}/reports`, { kind: 'interim', text: 'Есеп', spending: [] })
    ).body
    const withFile = await member.upload(`/api/v1/grants/reports/${report.id}/files`, {
      files: [{ field: 'files', filename: 'чек.pdf', content: PDF }],
    })
    expect(withFile.status, withFile.text).to.equal(201)
    const fileUrl = withFile.body.files[0].url
    expect((await new Agent(t.url).get(fileUrl)).status).to.equal(404)
    expect((await other.get(fileUrl)).status).to.equal(403)
    expect((await admin.get(fileUrl)).status).to.equal(200)
    await admin.patch(`/api/v1/grants/reports/${report.id}`, { status: 'accepted' })
    expect((await new Agent(t.url).get(fileUrl)).status).to.equal(200)
    const after = await member.upload(`/api/v1/grants/reports/${report.id}/files`, {
      files: [{ field: 'files', filename: 'кеш.pdf', content: PDF }],
    })
    expect(after.status).to.equal(409)
  })
  it("should refuse another council's upload before reading its body", async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil()] })
    const app = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    // Headers promise 8 MB; only the first part is sent. The answer must come without the rest.
    const path = `/api/v1/grants/applications/${app.id}/attachments`
    expect(await unsentUpload(other, path, 'files')).to.equal(403)
    // The council's own member, once the application is sent (409) or full (400): also unread.
    await member.post(`/api/v1/grants/applications/${app.id}/submit`, {})
    expect(await unsentUpload(member, path, 'files')).to.equal(409)
    const ownCouncil = await createCouncil()
    const another = await loginAs(t, { roles: ['council_member'], councilIds: [ownCouncil] })
    const draft = (await another.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(ownCouncil))).body
    const full = await another.upload(`/api/v1/grants/applications/${draft.id}/attachments`, {
      files: Array.from({ length: MAX_FILES }, (_, i) => ({ field: 'files', filename: `${i}.pdf`, content: PDF })),
    })
    expect(full.status, full.text).to.equal(201)
    expect(await unsentUpload(another, `/api/v1/grants/applications/${draft.id}/attachments`, 'files')).to.equal(400)
  })
})
