import crypto from 'node:crypto'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { pngImage, textFile } from '../councils/images.js'

const guestEmail = () => `guest-${crypto.randomBytes(5).toString('hex')}@mail.test`
const ticket = (extra: Record<string, unknown> = {}) => ({
  category: 'technical',
  subject: 'Бейне ашылмайды',
  text: 'Видео на странице совета не воспроизводится в телефоне.',
  ...extra,
})

describe('support desk: tickets', () => {
  let t: TestServer
  let staff: Agent
  let citizen: Agent
  let guest: Agent
  const email = guestEmail()
  let created: { id: string; number: string; accessCode: string; status: string; firstResponseDueAt: string }

  before(async () => {
    t = await startTestServer()
    staff = await loginAs(t, { roles: ['moderator'], locale: 'kk' })
    citizen = await loginAs(t, { roles: ['citizen'], locale: 'ru' })
    guest = new Agent(t.url, { lng: 'ru' })
  })
  after(() => t?.close())

  describe('a guest', () => {
    it('should open a ticket with screenshots and get a number, a code and a due date one working day ahead', async () => {
      const png = await pngImage(40, 30)
      const res = await guest.upload('/api/v1/support/tickets', {
        fields: {
          category: 'access',
          subject: 'Не приходит письмо',
          text: 'Письмо с подтверждением не приходит.',
          'contact.name': 'Асель',
          'contact.email': email,
        },
        files: [
          { field: 'files', filename: 'screen1.png', content: png, type: 'image/png' },
          { field: 'files', filename: 'screen2.png', content: png, type: 'image/png' },
        ],
      })
      expect(res.status, res.text).to.equal(201)
      expect(res.body.number).to.match(/^SD-\d{4}-\d{6}$/)
      expect(res.body.accessCode).to.match(/^[A-Z0-9]{10}$/)
      expect(res.body.status).to.equal('new')
      const due = new Date(res.body.firstResponseDueAt).getTime()
      expect(due).to.be.greaterThan(Date.now())
      expect(due - Date.now()).to.be.lessThan(6 * 86_400_000) // the next working day, even over a long weekend
      created = res.body
      const mail = await waitForMail(t, { to: email, template: 'support:email.received' })
      expect(mail.lng).to.equal('ru')
      expect(mail.text).to.include(created.number).and.include(created.accessCode)
    })

    it('should refuse a guest ticket without contact, and a non-image screenshot', async () => {
      const res = await guest.post('/api/v1/support/tickets', ticket())
      expect(res.status).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
      const bad = await guest.upload('/api/v1/support/tickets', {
        fields: { ...ticket(), 'contact.name': 'A', 'contact.email': guestEmail() },
        files: [{ field: 'files', filename: 'x.png', content: textFile(), type: 'image/png' }],
      })
      expect(bad.status).to.equal(415)
      expect(bad.body.code).to.equal('upload.unsupported_type')
      const four = await guest.upload('/api/v1/support/tickets', {
        fields: { ...ticket(), 'contact.name': 'A', 'contact.email': guestEmail() },
        files: await Promise.all(
          [1, 2, 3, 4].map(async (i) => ({
            field: 'files',
            filename: `s${i}.png`,
            content: await pngImage(8, 8),
            type: 'image/png',
          })),
        ),
      })
      expect(four.status).to.be.oneOf([400, 413])
    })

    it('should follow the ticket with number and code, and see nothing with a wrong code', async () => {
      const own = await guest.get(`/api/v1/support/tickets/${created.id}?code=${created.accessCode.toLowerCase()}`)
      expect(own.status).to.equal(200)
      expect(own.body.attachments).to.have.length(2)
      expect(own.body.author).to.deep.equal({ name: 'Асель', guest: true })
      const pic = await guest.get(`${own.body.attachments[0].url}?code=${created.accessCode}`)
      expect(pic.status).to.equal(200)
      expect(pic.headers.get('content-type')).to.equal('image/webp')

      const wrong = await guest.get(`/api/v1/support/tickets/${created.id}?code=AAAAAAAAAA`)
      expect(wrong.status).to.equal(404)
      expect(wrong.body).not.to.have.property('subject')
      expect((await guest.get(`/api/v1/support/tickets/${created.id}`)).status).to.equal(401)
      const list = await guest.get(`/api/v1/support/tickets?number=${created.number}&code=${created.accessCode}`)
      expect(list.body.items.map((i: { id: string }) => i.id)).to.deep.equal([created.id])
      const miss = await guest.get(`/api/v1/support/tickets?number=${created.number}&code=AAAAAAAAAA`)
      expect(miss.status).to.equal(200)
      expect(miss.body.items).to.deep.equal([])
      expect((await guest.get('/api/v1/support/tickets')).status).to.equal(401)
      expect(
        (await guest.post(`/api/v1/support/tickets/${created.id}/messages?code=AAAAAAAAAA`, { text: 'hi' })).status,
      ).to.equal(404)
    })

    it('should get staff answers and status changes by e-mail in the language it wrote in', async () => {
      const answer = await staff.post(`/api/v1/support/tickets/${created.id}/messages`, {
        text: 'Проверьте папку «Спам».',
      })
      expect(answer.status, answer.text).to.equal(201)
      expect(answer.body.by).to.equal('staff')
      const mail = await waitForMail(t, { to: email, template: 'support:email.answered' })
      expect(mail.lng).to.equal('ru')
      expect(mail.text).to.include('Проверьте папку')
      const view = await guest.get(`/api/v1/support/tickets/${created.id}?code=${created.accessCode}`)
      expect(view.body.status).to.equal('in_progress')
      expect(view.body.firstResponseAt).to.be.a('string')
      expect(view.body.overdue).to.equal(false)

      const reply = await guest.post(`/api/v1/support/tickets/${created.id}/messages?code=${created.accessCode}`, {
        text: 'Нашла, спасибо!',
      })
      expect(reply.status).to.equal(201)
      expect(reply.body.by).to.equal('author')
      const done = await staff.patch(`/api/v1/support/tickets/${created.id}`, { status: 'closed' })
      expect(done.status).to.equal(200)
      const closed = await waitForMail(t, { to: email, template: 'support:email.status_changed' })
      expect(closed.subject).to.include('Закрыто')
      const late = await guest.post(`/api/v1/support/tickets/${created.id}/messages?code=${created.accessCode}`, {
        text: 'Ещё вопрос',
      })
      expect(late.status).to.equal(409)
      expect(late.body.code).to.equal('support.closed')
    })
  })

  describe('a citizen', () => {
    let id: string
    it('should open a ticket from the account (no code) and list only its own tickets', async () => {
      const res = await citizen.post('/api/v1/support/tickets', ticket({ category: 'accessibility' }))
      expect(res.status, res.text).to.equal(201)
      expect(res.body).not.to.have.property('accessCode')
      id = res.body.id
      const withContact = await citizen.post(
        '/api/v1/support/tickets',
        ticket({ contact: { name: 'X', email: 'x@y.kz' } }),
      )
      expect(withContact.status).to.equal(400)
      const mine = await citizen.get('/api/v1/support/tickets')
      expect(mine.body.items.map((i: { id: string }) => i.id)).to.deep.equal([id])
      expect(mine.body.items[0].author).not.to.have.property('email')
      await waitForMail(t, { to: citizen.user!.email, template: 'support:email.received' })
    })

    it("should not see another person's ticket, nor change a status", async () => {
      const other = await loginAs(t, { roles: ['citizen'] })
      expect((await other.get(`/api/v1/support/tickets/${id}`)).status).to.equal(403)
      expect((await other.get('/api/v1/support/tickets')).body.items).to.deep.equal([])
      const patch = await citizen.patch(`/api/v1/support/tickets/${id}`, { status: 'resolved' })
      expect(patch.status).to.equal(403)
      expect((await citizen.get('/api/v1/support/tickets.csv')).status).to.equal(403)
      const member = await loginAs(t, { roles: ['council_member'] })
      expect((await member.get(`/api/v1/support/tickets/${id}`)).status).to.equal(403)
    })

    it('should hear in Russian when staff assign and resolve it', async () => {
      const assign = await staff.patch(`/api/v1/support/tickets/${id}`, { assigneeId: staff.user!.id })
      expect(assign.status).to.equal(200)
      expect(assign.body.assigneeId).to.equal(staff.user!.id)
      const notStaff = await staff.patch(`/api/v1/support/tickets/${id}`, { assigneeId: citizen.user!.id })
      expect(notStaff.status).to.equal(400)
      expect((await staff.patch(`/api/v1/support/tickets/${id}`, {})).status).to.equal(400)
      await staff.patch(`/api/v1/support/tickets/${id}`, { status: 'resolved' })
      const mail = await waitForMail(t, { to: citizen.user!.email, template: 'support:email.status_changed' })
      expect(mail.lng).to.equal('ru')
      expect(mail.text).to.include('Решено')
    })
  })

  describe('the staff queue', () => {
    it('should filter by status, category, assignee and overdue, page, and export CSV', async () => {
      const { Ticket } = await import('../../../server/modules/support/support.model.js')
      // An old ticket nobody answered: its first-response term has passed.
      const late = await guest.post(
        '/api/v1/support/tickets',
        ticket({ category: 'content', contact: { name: 'Ерлан', email: guestEmail() } }),
      )
      await Ticket.updateOne({ _id: late.body.id }, { $set: { firstResponseDueAt: new Date(Date.now() - 3600_000) } })

      const overdue = await staff.get('/api/v1/support/tickets?overdue=true')
      expect(overdue.status).to.equal(200)
      expect(overdue.body.items.map((i: { id: string }) => i.id)).to.deep.equal([late.body.id])
      expect(overdue.body.items[0].overdue).to.equal(true)
      expect(overdue.body.items[0].author.email).to.be.a('string')
      const notOverdue = await staff.get('/api/v1/support/tickets?overdue=false')
      expect(notOverdue.body.items.map((i: { id: string }) => i.id)).not.to.include(late.body.id)
      const byCategory = await staff.get('/api/v1/support/tickets?category=accessibility')
      expect(byCategory.body.items.every((i: { category: string }) => i.category === 'accessibility')).to.equal(true)
      expect(byCategory.body.items).to.have.length(1)
      const mine = await staff.get(`/api/v1/support/tickets?assignee=${staff.user!.id}`)
      expect(mine.body.items).to.have.length(1)
      const unassigned = await staff.get('/api/v1/support/tickets?assignee=none&status=new')
      expect(unassigned.body.items.map((i: { id: string }) => i.id)).to.include(late.body.id)
      expect((await staff.get('/api/v1/support/tickets?status=bogus')).status).to.equal(400)

      const page1 = await staff.get('/api/v1/support/tickets?limit=2')
      expect(page1.body.items).to.have.length(2)
      const page2 = await staff.get(`/api/v1/support/tickets?limit=2&cursor=${page1.body.nextCursor}`)
      const ids = [...page1.body.items, ...page2.body.items].map((i: { id: string }) => i.id)
      expect(new Set(ids).size).to.equal(ids.length)
      expect(ids).to.have.length(3)

      const csv = await staff.get('/api/v1/support/tickets.csv?overdue=true', { headers: { accept: 'text/csv' } })
      expect(csv.status).to.equal(200)
      expect(csv.headers.get('content-type')).to.include('text/csv')
      const lines = csv.text.trim().split('\r\n')
      expect(lines).to.have.length(2)
      expect(lines[1]).to.include(late.body.number)
    })
  })

  describe('rate limits', () => {
    it('should count guest code checks before checking: 429 once spent, even for the right code', async () => {
      const { codeChecks } = await import('../../../server/modules/support/support.routes.js')
      // The server sees the loopback address in one of its two spellings: spend both.
      for (const ip of ['::ffff:127.0.0.1', '127.0.0.1', '::1']) {
        const used = (await codeChecks.peek(ip))?.consumed ?? 0
        await codeChecks.consume(ip, codeChecks.points - used).catch(() => {})
      }
      const res = await guest.get(`/api/v1/support/tickets/${created.id}?code=${created.accessCode}`)
      expect(res.status).to.equal(429)
      expect(res.body.code).to.equal('rate_limited')
      for (const ip of ['::ffff:127.0.0.1', '127.0.0.1', '::1']) await codeChecks.reset(ip)
    })
  })
})
