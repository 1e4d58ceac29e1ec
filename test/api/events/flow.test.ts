import { expect } from 'chai'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Job } from '../../../server/core/jobs.js'
import { MAX_EVENT_MATERIALS } from '../../../shared/schemas/events.js'
import { attendeesInYear } from '../../../server/modules/events/index.js'
import { RegistrationModel } from '../../../server/modules/events/events.model.js'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { unsentUpload } from '../../helpers/unsent-upload.js'
import { createUser, DEFAULT_PASSWORD, loginAs } from '../../helpers/users.js'
import { createCouncil, eventBody, publishedEvent } from './fixtures.js'

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)
const HOUR = 3600_000

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  async function walk(d: string): Promise<void> {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await fs.readdir(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else out.push(p)
    }
  }
  await walk(dir)
  return out
}

describe('events: registration, mail, check-in, materials, outcome', function () {
  this.timeout(60_000)
  let root: string
  let env: Record<string, string>
  let t: TestServer
  let a: { id: string; regionId: string | null }
  let b: { id: string; regionId: string | null }
  let organizer: Agent

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-events-'))
    env = { DATA_DIR: path.join(root, 'data'), UPLOADS_DIR: path.join(root, 'uploads') }
    t = await startTestServer(env)
    ;[a, b] = await Promise.all([createCouncil(3), createCouncil(4)])
    organizer = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
  })
  after(async () => {
    await t?.close()
    await fs.rm(root, { recursive: true, force: true })
  })

  it('should e-mail the registrant in their language with the code as a QR image and the .ics', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 1 }))
    const { email } = await createUser(t, { roles: ['council_member'], councilIds: [b.id], locale: 'ru' })
    const ru = new Agent(t.url)
    await ru.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })
    const res = await ru.post(`/api/v1/events/${e.id}/registrations`, {})
    expect(res.status).to.equal(201)
    expect(res.body.status).to.equal('registered')
    const mail = await waitForMail(t, { to: email, template: 'events:email.registered' })
    expect(mail.lng).to.equal('ru')
    expect(mail.subject).to.contain('Межрегиональная диалоговая площадка')
    expect(mail.text).to.contain(res.body.code)
    const attachments = (mail as unknown as { attachments: { filename: string; contentType: string; size: number }[] })
      .attachments
    expect(attachments.map((x) => x.contentType.split(';')[0])).to.deep.equal(['image/png', 'text/calendar'])
    const eml = await fs.readFile(mail.file.replace(/\.json$/, '.eml'), 'utf8')
    expect(eml).to.match(/Content-Type: image\/png/)
    expect(eml).to.match(/Content-Type: text\/calendar/)

    // The second person finds the event full and is told their place on the waiting list.
    const second = await loginAs(t, { roles: ['council_member'], councilIds: [b.id], locale: 'kk' })
    const w = await second.post(`/api/v1/events/${e.id}/registrations`, {})
    expect(w.body).to.include({ status: 'waitlisted', position: 1 })
    const wm = await waitForMail(t, { to: second.user!.email, template: 'events:email.waitlisted' })
    expect(wm.lng).to.equal('kk')
    expect(wm.text).to.contain('№ 1')
    const page = await second.get(`/api/v1/events/${e.id}`)
    expect(page.body.myRegistration).to.include({ status: 'waitlisted', position: 1 })
    expect(page.body.onlineUrl).to.equal(null) // only for people with a seat

    // The first cancels: the second is promoted and e-mailed (with the QR and the .ics).
    expect((await ru.delete(`/api/v1/events/${e.id}/registrations/mine`)).status).to.equal(204)
    const pm = await waitForMail(t, { to: second.user!.email, template: 'events:email.promoted' })
    expect(pm.text).to.contain(w.body.code)
    const mine = await second.get('/api/v1/events/mine')
    expect(mine.body.items[0]).to.include({ status: 'registered', code: w.body.code })
    expect(mine.body.items[0].event.id).to.equal(e.id)
    expect((await second.get(`/api/v1/events/${e.id}`)).body.onlineUrl).to.equal('https://meet.example.kz/dialogue')
  })

  it('should close registration at registrationClosesAt', async () => {
    const e = await publishedEvent(
      organizer,
      eventBody([a.id], a.regionId!, { registrationClosesAt: new Date(Date.now() - 60_000).toISOString() }),
    )
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [b.id] })
    const res = await member.post(`/api/v1/events/${e.id}/registrations`, {})
    expect(res.status).to.equal(409)
    expect(res.body.code).to.equal('events.registration_closed')
  })

  it('should check in idempotently, refuse the waiting list and unknown codes, and record attendance', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 1, kind: 'dialogue' }))
    const [p1, p2] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [b.id] }),
      loginAs(t, { roles: ['council_member'], councilIds: [b.id] }),
    ])
    const r1 = (await p1.post(`/api/v1/events/${e.id}/registrations`, {})).body
    const r2 = (await p2.post(`/api/v1/events/${e.id}/registrations`, {})).body
    expect(r2.status).to.equal('waitlisted')

    // Typed codes: case, spaces and the dash do not matter.
    const typed = ` ${r1.code.toLowerCase().replace('-', ' ')} `
    const first = await organizer.post(`/api/v1/events/${e.id}/check-in`, { code: typed })
    expect(first.status).to.equal(200)
    expect(first.body).to.include({ id: r1.id, alreadyCheckedIn: false, userId: p1.user!.id })
    expect(first.body.checkedInAt).to.be.a('string')
    expect(first.body.councilName.ru).to.be.a('string')
    const again = await organizer.post(`/api/v1/events/${e.id}/check-in`, { code: r1.code })
    expect(again.status).to.equal(200)
    expect(again.body).to.include({ id: r1.id, alreadyCheckedIn: true, checkedInAt: first.body.checkedInAt })

    const waiting = await organizer.post(`/api/v1/events/${e.id}/check-in`, { code: r2.code })
    expect(waiting.status).to.equal(409)
    expect(waiting.body.code).to.equal('events.not_registered')
    expect((await organizer.post(`/api/v1/events/${e.id}/check-in`, { code: 'ZZZZ-ZZZZ' })).status).to.equal(404)

    const year = new Date(String((await organizer.get(`/api/v1/events/${e.id}`)).body.startsAt)).getUTCFullYear()
    expect(await attendeesInYear(year)).to.include(p1.user!.id)
    expect(await attendeesInYear(year)).to.not.include(p2.user!.id)
    expect(await attendeesInYear(year, ['forum'])).to.not.include(p1.user!.id)
    // A checked-in person cannot cancel any more.
    expect((await p1.delete(`/api/v1/events/${e.id}/registrations/mine`)).status).to.equal(409)
  })

  it('should export the list as CSV that Excel opens with Cyrillic', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const p = await loginAs(t, { roles: ['council_member'], councilIds: [b.id], displayName: 'Әлия Нұрланқызы' })
    await p.post(`/api/v1/events/${e.id}/registrations`, {})
    const res = await organizer.get(`/api/v1/events/${e.id}/registrations?format=csv&lng=ru`)
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/)
    expect(res.headers.get('content-disposition')).to.match(/attachment/)
    // fetch's text() drops a BOM: read the bytes.
    const bytes = await fetch(new URL(`/api/v1/events/${e.id}/registrations?format=csv&lng=ru`, t.url), {
      headers: { cookie: organizer.cookieHeader() },
    })
    const raw = Buffer.from(await bytes.arrayBuffer())
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf])
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[0]).to.contain('Участник')
    expect(lines[1]).to.contain('Әлия Нұрланқызы')
    expect(lines[1]).to.contain('Зарегистрирован')
  })

  it('should serve the event as an iCalendar file', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const res = await new Agent(t.url).get(`/api/v1/events/${e.slug}/calendar.ics?lng=ru`)
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.match(/^text\/calendar/)
    expect(res.text).to.contain('BEGIN:VCALENDAR')
    const unfolded = res.text.replace(/\r\n[ \t]/g, '')
    expect(unfolded).to.contain('SUMMARY:Межрегиональная диалоговая площадка')
    expect(res.text).to.not.contain('meet.example.kz') // the online link is for participants only
  })

  it('should take materials of the allowed types only, leaving nothing behind on refusal', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const ok = await organizer.upload(`/api/v1/events/${e.id}/materials`, {
      fields: { 'title.ru': 'Повестка', 'title.kk': 'Күн тәртібі' },
      files: [{ field: 'file', filename: 'agenda.pdf', content: PDF, type: 'application/pdf' }],
    })
    expect(ok.status).to.equal(201)
    expect(ok.body.materials).to.have.length(1)
    expect(ok.body.materials[0]).to.include({ mime: 'application/pdf', fileName: 'agenda.pdf' })
    const served = await new Agent(t.url).get(ok.body.materials[0].url)
    expect(served.status).to.equal(200)
    const before = await filesUnder(t.uploadsDir)

    const fake = await organizer.upload(`/api/v1/events/${e.id}/materials`, {
      fields: { title: 'x' },
      files: [
        { field: 'file', filename: 'agenda.pdf', content: Buffer.from('MZ not a pdf at all'), type: 'application/pdf' },
      ],
    })
    expect(fake.status).to.equal(415)
    expect(fake.body.code).to.equal('upload.unsupported_type')
    const big = await organizer.upload(`/api/v1/events/${e.id}/materials`, {
      fields: { title: 'x' },
      files: [{ field: 'file', filename: 'big.pdf', content: Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]) }],
    })
    expect(big.status).to.equal(413)
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [b.id] })
    const denied = await other.upload(`/api/v1/events/${e.id}/materials`, {
      fields: { title: 'x' },
      files: [{ field: 'file', filename: 'a.pdf', content: PDF }],
    })
    expect(denied.status).to.equal(403)
    expect(await filesUnder(t.uploadsDir)).to.deep.equal(before)
  })

  it('should keep at most 30 materials under parallel uploads, and refuse a further one or a cancelled event before reading it', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const url = `/api/v1/events/${e.id}/materials`
    const send = () =>
      organizer.upload(url, {
        fields: { title: 'Слайды' },
        files: [{ field: 'file', filename: 's.pdf', content: PDF }],
      })
    for (let i = 0; i < MAX_EVENT_MATERIALS - 3; i++) expect((await send()).status).to.equal(201)
    const before = await filesUnder(t.uploadsDir)
    // 8 at once for the last 3 places: 3 kept, the rest refused as over the limit and not stored.
    const raced = await Promise.all(Array.from({ length: 8 }, send))
    expect(raced.map((r) => r.status).sort()).to.deep.equal([201, 201, 201, 400, 400, 400, 400, 400])
    expect(raced.find((r) => r.status === 400)!.body.code).to.equal('upload.too_many_files')
    const got = await organizer.get(`/api/v1/events/${e.id}`)
    expect(got.body.materials).to.have.length(MAX_EVENT_MATERIALS)
    expect((await filesUnder(t.uploadsDir)).length).to.equal(before.length + 3)
    expect(await unsentUpload(organizer, url)).to.equal(400)
    const other = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    expect((await organizer.patch(`/api/v1/events/${other.id}`, { status: 'cancelled' })).status).to.equal(200)
    expect(await unsentUpload(organizer, `/api/v1/events/${other.id}/materials`)).to.equal(409)
  })

  it('should take the outcome only after the start', async () => {
    const future = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const early = await organizer.put(`/api/v1/events/${future.id}/outcome`, { summary: { ru: 'Итоги' } })
    expect(early.status).to.equal(409)
    expect(early.body.code).to.equal('events.not_started')
    const start = Date.now() - 2 * HOUR
    const past = await publishedEvent(
      organizer,
      eventBody([a.id], a.regionId!, {
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + HOUR).toISOString(),
        registrationClosesAt: new Date(start - HOUR).toISOString(),
      }),
    )
    const res = await organizer.put(`/api/v1/events/${past.id}/outcome`, {
      summary: { ru: 'Приняты рекомендации', kk: 'Ұсыныстар қабылданды' },
      recommendations: [{ ru: 'Открыть данные бюджета' }],
    })
    expect(res.status).to.equal(200)
    expect(res.body.outcome.summary.ru).to.equal('Приняты рекомендации')
    expect(res.body.outcome.recommendations).to.deep.equal([{ ru: 'Открыть данные бюджета' }])
    expect((await organizer.patch(`/api/v1/events/${past.id}`, { status: 'finished' })).status).to.equal(200)
    const list = await new Agent(t.url).get('/api/v1/events?when=past&limit=100')
    expect(list.body.items.map((x: { id: string }) => x.id)).to.include(past.id)
  })

  it('should open one dialogue chat room for the organizer councils through the chat module', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id, b.id], a.regionId!))
    const first = await organizer.post(`/api/v1/events/${e.id}/chat-room`, {})
    expect(first.status).to.equal(200)
    expect(first.body.created).to.equal(true)
    const again = await organizer.post(`/api/v1/events/${e.id}/chat-room`, {})
    expect(again.body).to.deep.equal({ chatRoomId: first.body.chatRoomId, created: false })
    const rooms = await organizer.get('/api/v1/chat/rooms?kind=dialogue')
    expect(rooms.body.items.map((r: { id: string }) => r.id)).to.include(first.body.chatRoomId)
  })

  it('should e-mail every registrant when the event is cancelled', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 1 }))
    const people = await Promise.all(
      [0, 1].map(() => loginAs(t, { roles: ['council_member'], councilIds: [b.id], locale: 'ru' })),
    )
    for (const p of people) await p.post(`/api/v1/events/${e.id}/registrations`, {})
    expect((await organizer.patch(`/api/v1/events/${e.id}`, { status: 'cancelled' })).status).to.equal(200)
    for (const p of people) {
      const m = await waitForMail(t, { to: p.user!.email, template: 'events:email.cancelled' })
      expect(m.subject).to.contain('отменено')
    }
  })

  it('should send the 24 h reminder once, from a persisted job that survives a restart', async () => {
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!))
    const p = await loginAs(t, { roles: ['council_member'], councilIds: [b.id] })
    await p.post(`/api/v1/events/${e.id}/registrations`, {})
    const key = `events.reminder:${e.id}`
    const job = await Job.findOne({ dedupeKey: key, status: 'queued' }).lean<{ runAt: Date }>()
    const startsAt = new Date(String(e.startsAt)).getTime()
    expect(new Date(job!.runAt).getTime()).to.equal(startsAt - 24 * HOUR)

    await t.close()
    t = await startTestServer(env)
    await Job.updateOne({ dedupeKey: key, status: 'queued' }, { $set: { runAt: new Date() } })
    const m = await waitForMail(t, { to: p.user!.email, template: 'events:email.reminder' }, { timeoutMs: 10_000 })
    expect(m.text).to.contain('Сәлеметсіз бе')
    // Running the reminder again (a retried job) sends nothing new.
    const { enqueueJob } = await import('../../../server/core/jobs.js')
    const again = await enqueueJob('events.reminder', { eventId: e.id, startsAt: new Date(startsAt).toISOString() })
    for (let i = 0; i < 100; i++) {
      const done = await Job.findOne({ _id: again, status: 'done' }).lean()
      if (done) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await Job.countDocuments({ _id: again, status: 'done' })).to.equal(1)
    expect(await readOutbox(t, { to: p.user!.email, template: 'events:email.reminder' })).to.have.length(1)
    // Recorded on the registration (over SMTP the outbox's key would not stop a second mail).
    const reg = await RegistrationModel.findOne({ eventId: e.id }).lean<{ mailed: string[] }>()
    expect(reg!.mailed).to.include(`reminder:${new Date(startsAt).toISOString()}`)
  })
})
