import { expect } from 'chai'
import mongoose from 'mongoose'
import { enqueueJob, Job } from '../../../server/core/jobs.js'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { ChatMessageModel } from '../../../server/modules/chat/chat.model.js'
import { RegistrationModel } from '../../../server/modules/events/events.model.js'
import { Ticket } from '../../../server/modules/support/support.model.js'
import { User } from '../../../server/modules/users/users.model.js'
import { Agent } from '../../helpers/agent.js'
import { eventually } from '../../helpers/eventually.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, DEFAULT_PASSWORD, loginAs } from '../../helpers/users.js'
import { ask, clientId, closeAll, connectChat } from '../../socket/chat.helpers.js'
import { closeCall, publishedCall } from '../../helpers/grants.js'
import { submitAs } from '../appeals/fixtures.js'
import { createCouncil, eventBody, publishedEvent } from '../events/fixtures.js'

/** Retries assertions until they hold (work done by the job worker), else throws the last failure. */
async function settles(check: () => Promise<void>, timeoutMs = 8000): Promise<void> {
  let last: unknown
  await eventually(
    async () => {
      try {
        await check()
        return true
      } catch (err) {
        last = err
        return false
      }
    },
    'the erasure job',
    timeoutMs,
  ).catch(() => {
    throw last
  })
}

/** Every job due by now has run (the mail an answer queues, for instance). */
const jobsDone = () =>
  settles(async () => {
    const due = {
      status: mongoose.trusted({ $in: ['queued', 'running'] as const }),
      runAt: mongoose.trusted({ $lte: new Date() }),
    }
    expect(await Job.countDocuments(due)).to.equal(0)
  })

/** Signs in with e-mail and password; the agent, or null when refused. */
async function signIn(t: TestServer, email: string, password = DEFAULT_PASSWORD): Promise<Agent | null> {
  const agent = new Agent(t.url)
  const res = await agent.post('/api/v1/auth/login', { email, password })
  return res.status === 200 ? agent : null
}

describe('my data: download it, delete the account', function () {
  this.timeout(60_000)
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it("should export a citizen's records, then erase the account: no sign-in, no name, no mail, the address free again", async () => {
    const council = await createCouncil(2)
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [council.id] })
    const { id: userId, email } = await createUser(t, { displayName: 'Айгерім Сәрсенова', locale: 'ru' })
    const citizen = (await signIn(t, email))!
    const appeal = await submitAs(citizen, council.id, {
      isPublic: true,
      text: 'Меня зовут Айгерім Сәрсенова, прошу отремонтировать двор по улице Абая, 12, кадастр 0101234567.',
    })
    // The author adds a line, signed out, with the access code (a reply without an account id).
    const byCode = await new Agent(t.url).post(`/api/v1/appeals/${appeal.id}/replies?code=${appeal.accessCode}`, {
      text: 'Дополняю: Айгерім Сәрсенова, дом 5',
    })
    expect(byCode.status, byCode.text).to.equal(201)
    await member.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Ответ совета' })
    const publicText = async () =>
      JSON.stringify((await new Agent(t.url).get(`/api/v1/appeals/public?council=${council.id}`)).body.items)
    expect(await publicText())
      .to.include('прошу отремонтировать двор')
      .and.not.include('Сәрсенова')
    const ticket = await citizen.post('/api/v1/support/tickets', {
      category: 'technical',
      subject: 'Видео не открывается',
      text: 'На телефоне видео совета не воспроизводится.',
    })
    expect(ticket.status, ticket.text).to.equal(201)

    const data = await citizen.get('/api/v1/auth/me/data')
    expect(data.status, data.text).to.equal(200)
    expect(data.headers.get('content-disposition')).to.match(
      /^attachment; filename="?kenes-my-data-\d{4}-\d\d-\d\d\.json"?$/,
    )
    expect(data.headers.get('cache-control')).to.contain('no-store')
    expect(data.body.account).to.include({ email, displayName: 'Айгерім Сәрсенова' })
    expect(data.body.account).to.not.have.property('passwordHash')
    expect(data.body.appeals.appeals.map((a: { trackingNumber: string }) => a.trackingNumber)).to.deep.equal([
      appeal.trackingNumber,
    ])
    expect(data.body.appeals.appeals[0].replies.map((r: { text: string }) => r.text)).to.include('Ответ совета')
    expect(data.body.support.tickets[0].subject).to.equal('Видео не открывается')
    expect(data.body.events.registrations).to.deep.equal([])
    expect(data.body.chat.messages).to.deep.equal([])

    const wrong = await citizen.post('/api/v1/auth/me/erase', { password: 'not-my-password' })
    expect(wrong.status).to.equal(400)
    expect(wrong.body.errors[0]).to.include({ path: 'body.password', code: 'wrong_password' })
    expect((await citizen.get('/api/v1/auth/me')).status).to.equal(200)

    // A mail to the person waiting for a retry (the SMTP server refused it earlier), and one to someone else.
    const later = new Date(Date.now() + 3600_000)
    const mailTo = (to: string) =>
      enqueueJob(
        'mail.send',
        { to, lng: 'ru', template: 'auth:email.verify', vars: { link: 'https://kenes.kz/x' } },
        { sealed: true, runAt: later },
      )
    const [theirs, someoneElses] = [await mailTo(email.toUpperCase()), await mailTo('other@example.kz')]
    const erased = await citizen.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD })
    expect(erased.status, erased.text).to.equal(204)
    expect((await citizen.get('/api/v1/auth/me')).status).to.equal(401)
    expect(await Job.exists({ _id: theirs })).to.equal(null)
    expect(await Job.exists({ _id: someoneElses })).to.not.equal(null)
    expect(await signIn(t, email)).to.equal(null)
    const user = await User.findById(userId).lean()
    expect(user).to.include({ displayName: '—', disabled: true })
    expect(user!.email).to.match(/^erased-[0-9a-f]{24}@erased\.invalid$/)

    // The copies go in a job: the appeal and the ticket keep their texts, without the name or address.
    await settles(async () => {
      const a = await Appeal.findById(appeal.id).lean()
      expect(a!.author).to.include({ name: '—', email: user!.email })
      // The name is out of the texts too (the public Q&A hid it by the name, which is gone now).
      // Only the name: the council's record keeps its numbers (the public view hides phones and e-mails).
      expect(a!.text).to.equal('Меня зовут […], прошу отремонтировать двор по улице Абая, 12, кадастр 0101234567.')
      expect(a!.replies.find((r) => r.by === 'council')!.text).to.equal('Ответ совета')
      expect(a!.replies.filter((r) => r.by === 'author').map((r) => [r.authorName, r.text])).to.deep.equal([
        ['—', 'Дополняю: […], дом 5'],
      ])
      const tk = await Ticket.findOne({ number: ticket.body.number }).lean()
      expect(tk!.author.name).to.equal('—')
    })
    expect(await publicText())
      .to.include('прошу отремонтировать двор')
      .and.not.include('Сәрсенова')
    // The council's next answer mails nobody: the placeholder address never receives anything.
    const before = await readOutbox(t)
    expect((await member.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Второй ответ' })).status).to.equal(201)
    await jobsDone()
    const after = await readOutbox(t)
    expect(after.filter((m) => m.to.includes('erased.invalid'))).to.deep.equal([])
    expect(after.filter((m) => m.to.includes(email)).length).to.equal(before.filter((m) => m.to.includes(email)).length)

    // The address may register again, as a new account.
    const again = new Agent(t.url)
    const reg = await again.post('/api/v1/auth/register', {
      email,
      password: 'another-long-password',
      displayName: 'Айгерім',
    })
    expect(reg.status, reg.text).to.equal(201)
    expect(reg.body.user.id).to.not.equal(String(user!._id))
  })

  it("should withdraw a member's coming registrations (the waiting list moves up) and take the name off chat messages", async () => {
    const [a, b] = await Promise.all([createCouncil(3), createCouncil(4)])
    const organizer = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    const { email } = await createUser(t, { roles: ['council_member'], councilIds: [b.id], displayName: 'Ерлан' })
    const leaving = (await signIn(t, email))!
    const waiting = await loginAs(t, { roles: ['council_member'], councilIds: [b.id] })
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 1 }))
    expect((await leaving.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('registered')
    expect((await waiting.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('waitlisted')

    const roomId = (await organizer.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a.id, b.id] })).body.room
      .id
    const socket = await connectChat(t.url, leaving)
    try {
      await ask(socket, 'room:join', { roomId })
      const sent = await ask(socket, 'message:send', { roomId, text: 'Сәлеметсіздер ме', clientId: clientId() })
      expect(sent.ok, JSON.stringify(sent)).to.equal(true)
    } finally {
      await closeAll(socket)
    }
    const data = (await leaving.get('/api/v1/auth/me/data')).body
    expect(data.events.registrations.map((r: { status: string }) => r.status)).to.deep.equal(['registered'])
    expect(data.chat.messages.map((m: { text: string }) => m.text)).to.deep.equal(['Сәлеметсіздер ме'])

    expect((await leaving.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD })).status).to.equal(204)
    await settles(async () => {
      const mine = await waiting.get(`/api/v1/events/${e.id}`)
      expect(mine.body.myRegistration.status).to.equal('registered')
      const msg = await ChatMessageModel.findOne({ roomId, text: 'Сәлеметсіздер ме' }).lean()
      expect(msg!.senderName).to.equal('—')
    })
    expect(await RegistrationModel.countDocuments({ eventId: e.id, email })).to.equal(0)
    // The promoted member is told, in their language.
    await waitForMail(t, { to: waiting.user!.email, template: 'events:email.promoted' })
    const history = await organizer.get(`/api/v1/chat/rooms/${roomId}/messages`)
    expect(history.body.items[0]).to.include({ text: 'Сәлеметсіздер ме', senderName: '—' })
  })

  it('should keep the last administrator, and let one of two go', async () => {
    await User.updateMany({ roles: 'admin' }, { $set: { disabled: true } })
    const only = await loginAs(t, { roles: ['admin'] })
    for (let i = 0; i < 6; i++) {
      const refused = await only.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD })
      expect(refused.status).to.equal(409)
      expect(refused.body.code).to.equal('users.last_admin')
    }
    expect((await only.get('/api/v1/auth/me')).status).to.equal(200)
    // Refused with the right password, again and again: no sign-in lockout for it.
    expect((await signIn(t, only.user!.email))?.constructor).to.equal(Agent)
    const second = await loginAs(t, { roles: ['admin'] })
    // Both at once: one goes, the other stays the last.
    const both = await Promise.all([
      only.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD }),
      second.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD }),
    ])
    expect(both.map((r) => r.status).sort()).to.deep.equal([204, 409])
    expect(await User.countDocuments({ roles: 'admin', disabled: false })).to.equal(1)
    // The one that went cannot be brought back by the one that stayed.
    const [stayed, gone] = (await only.get('/api/v1/auth/me')).status === 200 ? [only, second] : [second, only]
    const revive = await stayed.patch(`/api/v1/users/${gone.user!.id}`, { disabled: false, roles: ['admin'] })
    expect(revive.status).to.equal(409)
    expect(revive.body.code).to.equal('users.erased')
  })

  it('should take an expert off the open calls, and keep them on closed ones', async () => {
    const { admin, call, experts } = await publishedCall(t, { experts: 2 })
    const [leaving, staying] = experts
    const both = experts.map((e) => e.user!.id)
    const closed = (await publishedCall(t, { admin, call: { expertIds: both } })).call
    await closeCall(admin, closed.id)
    expect((await leaving.post('/api/v1/auth/me/erase', { password: DEFAULT_PASSWORD })).status).to.equal(204)
    await settles(async () => {
      const got = await admin.get(`/api/v1/grants/calls/${call.id}`)
      expect(got.body.expertIds).to.deep.equal([staying.user!.id])
    })
    expect((await admin.get(`/api/v1/grants/calls/${closed.id}`)).body.expertIds).to.deep.equal(both)
    // The administrator's expert list (live experts only) can be saved as shown.
    const saved = await admin.patch(`/api/v1/grants/calls/${call.id}`, { expertIds: [staying.user!.id] })
    expect(saved.status, saved.text).to.equal(200)
  })

  it('should refuse a name without a letter (it could pass for the placeholder of an erased account)', async () => {
    const citizen = await loginAs(t)
    for (const displayName of ['—', '---', '123'])
      expect((await citizen.patch('/api/v1/auth/me', { displayName })).body.errors?.[0]?.code).to.equal(
        'name_needs_letter',
      )
    expect((await citizen.patch('/api/v1/auth/me', { displayName: 'Әлия' })).status).to.equal(200)
  })

  it('should ask a guest to sign in, and cap exports at 10 an hour', async () => {
    expect((await new Agent(t.url).get('/api/v1/auth/me/data')).status).to.equal(401)
    expect((await new Agent(t.url).post('/api/v1/auth/me/erase', { password: 'x' })).status).to.be.oneOf([401, 403])
    const citizen = await loginAs(t)
    const statuses = await Promise.all(Array.from({ length: 14 }, () => citizen.get('/api/v1/auth/me/data')))
    expect(statuses.filter((r) => r.status === 200)).to.have.length(10)
    expect(statuses.filter((r) => r.status === 429)).to.have.length(4)
  })
})
