import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { linkFrom, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { PDF, PNG, createCouncil, guestContact } from './fixtures.js'

describe('appeals: a guest sends, confirms, tracks and follows an appeal', () => {
  let t: TestServer
  let council: string
  let member: Agent
  let guest: Agent
  const contact = guestContact()
  let created: { id: string; trackingNumber: string; accessCode: string; status: string; dueAt: string | null }

  before(async () => {
    t = await startTestServer()
    council = await createCouncil()
    member = await loginAs(t, { roles: ['council_member'], councilIds: [council] })
    guest = new Agent(t.url, { lng: 'ru' })
  })
  after(() => t?.close())

  it('should accept a multipart appeal with attachments and keep it unconfirmed, unseen by the council', async () => {
    const res = await guest.upload('/api/v1/appeals', {
      fields: {
        councilId: council,
        category: 'complaint',
        subject: 'Шум по ночам',
        text: 'Стройка у дома работает ночью, прошу принять меры.',
        isPublic: 'false',
        'contact.name': contact.name,
        'contact.email': contact.email,
      },
      files: [
        { field: 'files', filename: 'акт.pdf', content: PDF, type: 'application/pdf' },
        { field: 'files', filename: 'photo.png', content: PNG, type: 'image/png' },
      ],
    })
    expect(res.status, res.text).to.equal(201)
    expect(res.body.status).to.equal('unconfirmed')
    expect(res.body.dueAt).to.equal(null)
    created = res.body
    const list = await member.get(`/api/v1/councils/${council}/appeals`)
    expect(list.body.items.map((i: { id: string }) => i.id)).not.to.include(created.id)
    expect((await member.get(`/api/v1/appeals/${created.id}`)).status).to.equal(404)
    // The guest can already see it with the code.
    const own = await guest.get(`/api/v1/appeals/${created.id}?code=${created.accessCode}`)
    expect(own.status).to.equal(200)
    expect(own.body.status).to.equal('unconfirmed')
  })

  it('should register it when the e-mailed link is followed, once, and tell the council', async () => {
    const mail = await waitForMail(t, { to: contact.email, template: 'appeals:email.confirm' })
    expect(mail.lng).to.equal('ru') // the language the guest wrote in
    expect(mail.text).to.include(created.accessCode)
    expect(mail.text).to.include(created.trackingNumber)
    const link = linkFrom(mail, '/appeals/confirm')
    const token = link.searchParams.get('token')!
    expect((await guest.post('/api/v1/appeals/confirm', { token: 'x'.repeat(43) })).status).to.equal(400)

    const res = await guest.post('/api/v1/appeals/confirm', { token })
    expect(res.status).to.equal(200)
    expect(res.body).to.include({ id: created.id, trackingNumber: created.trackingNumber, status: 'submitted' })
    expect(res.body.dueAt).to.be.a('string')
    const again = await guest.post('/api/v1/appeals/confirm', { token })
    expect(again.status).to.equal(200)
    expect(again.body.dueAt).to.equal(res.body.dueAt)

    await waitForMail(t, { to: contact.email, template: 'appeals:email.received' })
    await waitForMail(t, { to: member.user!.email, template: 'appeals:email.council_new' })
    const list = await member.get(`/api/v1/councils/${council}/appeals`)
    const item = list.body.items.find((i: { id: string }) => i.id === created.id)
    expect(item.authorName).to.equal(contact.name)
  })

  it('should track by number and code, with one 404 for a wrong number or a wrong code', async () => {
    const ok = await guest.get(
      `/api/v1/appeals/track?number=${created.trackingNumber}&code=${created.accessCode.toLowerCase()}`,
    )
    expect(ok.status).to.equal(200)
    expect(ok.body.id).to.equal(created.id)
    expect(ok.body.author).to.deep.equal({ name: contact.name, email: contact.email, guest: true })
    const wrongCode = await guest.get(`/api/v1/appeals/track?number=${created.trackingNumber}&code=ABCDEFGHJK`)
    const wrongNumber = await guest.get(`/api/v1/appeals/track?number=KK-2020-999999&code=${created.accessCode}`)
    expect(wrongCode.status).to.equal(404)
    expect(wrongNumber.status).to.equal(404)
    expect(wrongCode.body).to.deep.equal(wrongNumber.body)
  })

  it('should serve attachments only with the code, as downloads with their real type', async () => {
    const view = await guest.get(`/api/v1/appeals/${created.id}?code=${created.accessCode}`)
    expect(view.body.attachments).to.have.length(2)
    const pdf = view.body.attachments.find((a: { type: string }) => a.type === 'application/pdf')
    expect(pdf.name).to.equal('акт.pdf')
    const noCode = await guest.get(pdf.url)
    expect(noCode.status).to.equal(401)
    const res = await fetch(`${t.url}${pdf.url}?code=${created.accessCode}`)
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.equal('application/pdf')
    expect(res.headers.get('content-disposition')).to.match(/^attachment;/)
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff')
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).to.equal(true)
    const byMember = await member.get(pdf.url)
    expect(byMember.status).to.equal(200)
  })

  it('should let the guest read the answer (in Russian), reply with the code and rate it', async () => {
    expect((await guest.get(`/api/v1/appeals/${created.id}`)).status).to.equal(401)
    expect((await guest.get(`/api/v1/appeals/${created.id}?code=WRONGCODE2`)).status).to.equal(404)
    expect(
      (await member.post(`/api/v1/appeals/${created.id}/replies`, { text: 'Проверка назначена на пятницу.' })).status,
    ).to.equal(201)
    const mail = await waitForMail(t, { to: contact.email, template: 'appeals:email.answered' })
    expect(mail.lng).to.equal('ru')
    expect(mail.vars.status).to.equal('Дан ответ')
    expect(mail.text).to.include('Проверка назначена на пятницу.')

    const noCode = await guest.post(`/api/v1/appeals/${created.id}/replies`, { text: 'Спасибо, жду' })
    expect(noCode.status).to.equal(401)
    const reply = await guest.post(`/api/v1/appeals/${created.id}/replies?code=${created.accessCode}`, {
      text: 'Спасибо, жду',
    })
    expect(reply.status).to.equal(201)
    expect(reply.body).to.include({ by: 'author', authorName: contact.name })
    const status = await guest.get(`/api/v1/appeals/${created.id}?code=${created.accessCode}`)
    expect(status.body.status).to.equal('in_progress')
    const rated = await guest.post(`/api/v1/appeals/${created.id}/rating?code=${created.accessCode}`, { score: 5 })
    expect(rated.status).to.equal(201)
  })

  it('should refuse code guessing per IP after repeated misses (429)', async () => {
    let last = 0
    for (let i = 0; i < 25 && last !== 429; i++) {
      last = (await guest.get(`/api/v1/appeals/track?number=KK-2026-00000${i % 10}&code=ZZZZZZZZZ${i % 10}`)).status
      expect([404, 429]).to.include(last)
    }
    expect(last).to.equal(429)
    // Even the right code is refused while blocked: guessing cannot go on.
    const blocked = await guest.get(`/api/v1/appeals/track?number=${created.trackingNumber}&code=${created.accessCode}`)
    expect(blocked.status).to.equal(429)
    expect(blocked.headers.get('retry-after')).to.match(/^\d+$/)
  })
})

describe('appeals: code guessing in parallel', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should evaluate at most 20 of 100 simultaneous wrong codes from one address', async () => {
    const guest = new Agent(t.url)
    const res = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        guest.get(`/api/v1/appeals/track?number=KK-2026-${String(i).padStart(6, '0')}&code=ZZZZZZZZZZ`),
      ),
    )
    const statuses = res.map((r) => r.status)
    expect(statuses.filter((s) => s === 404)).to.have.length(20)
    expect(statuses.filter((s) => s === 429)).to.have.length(80)
  })
})
