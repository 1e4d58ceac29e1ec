import crypto from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import { makeVideo } from '../../fixtures/media.js'
import { PDF } from '../appeals/fixtures.js'
import { Agent } from '../../helpers/agent.js'
import { linkFrom } from '../../helpers/outbox.js'
import { startServerOn } from '../../helpers/processes.js'
import { ask, connectChat } from '../../socket/chat.helpers.js'
import { account, eventually, moved, outboxOf, seeded, walk } from './crash.helpers.js'

/**
 * kill -9 of the server in the middle of a burst of writes (guest and citizen appeals, chat
 * messages, news, event registrations, a video upload), then a restart on the same data and
 * uploads directories: every acknowledged write is there and readable through the API, nothing
 * unacknowledged is half there, uploads hold no partial or unreferenced file, and the
 * interrupted jobs (transcoding, e-mail) resume and finish once. Three rounds; the kill comes
 * after a delay drawn from a seeded RNG.
 */
const ROUNDS = 3
const ENV = {
  ADMIN_EMAIL: 'admin@crash.test',
  ADMIN_PASSWORD: 'crash-admin-password',
  JOBS_ENABLED: 'true',
  VIDEO_JOB_LEASE_MS: '3000',
  APPEALS_MAX_PER_IP_HOUR: '100000',
  APPEALS_MAX_PER_SENDER_HOUR: '100000',
  REGISTER_MAX_PER_IP_HOUR: '1000',
  EVENT_REGISTRATIONS_MAX_PER_USER_HOUR: '1000',
  EVENT_REGISTRATIONS_MAX_PER_IP_HOUR: '100000',
  CHAT_MESSAGES_MAX_PER_10S: '100000',
  CHAT_CONNECTIONS_MAX_PER_USER_MIN: '1000',
}
const PASSWORD = 'crash-test-password'
const ATTENDEES = 5
const TRACKING = /^KK-\d{4}-\d{6}$/

type Server = Awaited<ReturnType<typeof startServerOn>>
type Signed = Awaited<ReturnType<typeof account>>

describe('crash: kill -9 mid-burst, restart on the same directories', function () {
  this.timeout(240_000)
  const rand = seeded(0x4b4550)
  let root: string
  let dirs: { dataDir: string; uploadsDir: string }
  let server: Server
  let admin: Agent, member: Signed, citizen: Signed
  let attendees: Signed[]
  let councils: string[]
  let roomId: string
  let regionId: string
  const video = makeVideo({ width: 320, height: 240, seconds: 2 })

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-crash-'))
    dirs = { dataDir: path.join(root, 'data'), uploadsDir: path.join(root, 'uploads') }
    server = await startServerOn(dirs, ENV)
    admin = new Agent(server.url)
    expect(
      (await admin.post('/api/v1/auth/login', { email: ENV.ADMIN_EMAIL, password: ENV.ADMIN_PASSWORD })).status,
    ).to.equal(200)
    regionId = (await admin.get('/api/v1/regions')).body[0].id
    councils = []
    for (const n of [1, 2]) {
      const c = await admin.post('/api/v1/councils', {
        name: { kk: `Кеңес ${n}`, ru: `Совет ${n}` },
        level: 'republican',
        stateBody: { kk: 'Министрлік', ru: 'Министерство' },
      })
      expect(c.status, c.text).to.equal(201)
      councils.push(c.body.id)
    }
    member = await account(server.url, 'member@crash.test', PASSWORD, 'Мүше')
    const other = await account(server.url, 'member2@crash.test', PASSWORD, 'Мүше 2')
    for (const [u, c] of [
      [member, councils[0]],
      [other, councils[1]],
    ] as const)
      expect(
        (await admin.patch(`/api/v1/users/${u.user.id}`, { roles: ['council_member'], councilIds: [c] })).status,
      ).to.equal(200)
    citizen = await account(server.url, 'citizen@crash.test', PASSWORD, 'Азамат')
    const verify = await eventually(
      'the verification mail',
      async () => (await outboxOf(dirs.dataDir, { to: citizen.user.email, template: 'auth:email.verify' }))[0],
    )
    const token = linkFrom(verify, '/verify-email').searchParams.get('token')
    expect((await citizen.post('/api/v1/auth/verify-email', { token })).status).to.equal(204)
    attendees = []
    for (let i = 0; i < ATTENDEES; i++)
      attendees.push(await account(server.url, `att${i}@crash.test`, PASSWORD, `Қатысушы ${i}`))
    const room = await member.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: councils })
    expect(room.status, room.text).to.be.oneOf([200, 201])
    roomId = room.body.room.id
  })

  let watchdog: NodeJS.Timeout | undefined
  afterEach(() => clearTimeout(watchdog))

  after(async () => {
    await server?.kill9().catch(() => {})
    if (root) await fs.rm(root, { recursive: true, force: true })
  })

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: every acknowledged write survives, nothing half-made remains, jobs finish once`, async () => {
      // A stuck round says where it stuck (the checks wait on the restarted server's jobs).
      let at = 'the burst'
      const step = (what: string) => {
        at = what
        if (process.env.CRASH_VERBOSE) console.log(`  … ${what}`)
      }
      watchdog = setTimeout(() => console.error(`crash round ${round}: still waiting after "${at}"`), 120_000)
      const url = server.url
      const [m, c] = [moved(member, url), moved(citizen, url)]
      const atts = attendees.map((a) => moved(a, url))
      // The round's event, published before the burst.
      const start = Date.now() + 10 * 24 * 3600_000
      const ev = await m.post('/api/v1/events', {
        kind: 'dialogue',
        title: { kk: `Диалог ${round}`, ru: `Диалог ${round}` },
        description: { kk: 'Күн тәртібі', ru: 'Повестка' },
        format: 'offline',
        venue: { address: { kk: 'Астана', ru: 'Астана' }, regionId },
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + 3 * 3600_000).toISOString(),
        registrationClosesAt: new Date(start - 24 * 3600_000).toISOString(),
        organizerCouncilIds: [councils[0]],
        capacity: 3,
        audience: 'public',
      })
      expect(ev.status, ev.text).to.equal(201)
      const eventId = ev.body.id
      expect((await m.patch(`/api/v1/events/${eventId}`, { status: 'published' })).status).to.equal(200)
      const socket: Socket = await connectChat(url, m)
      expect((await ask(socket, 'room:join', { roomId })).ok).to.equal(true)

      // The burst: loops that write until the kill cuts them off, recording what was acknowledged.
      const trigger = ({ 2: 'video', 3: 'registrations' } as const)[round as 2 | 3]
      const reached: Record<'video' | 'registrations', Promise<void>> & { resolve: Record<string, () => void> } = {
        resolve: {},
      } as never
      for (const k of ['video', 'registrations'] as const) reached[k] = new Promise((r) => (reached.resolve[k] = r))
      const signal = (k: 'video' | 'registrations') => reached.resolve[k]()
      let killed = false
      const guests: { email: string; number: string; code: string; id: string }[] = []
      const guestTried: string[] = []
      const citizenAcked: string[] = []
      const newsAcked: string[] = []
      const chatTried: string[] = []
      const chatAcked = new Map<string, string>()
      const regAcked: { i: number; id: string; status: string }[] = []
      let videoAcked: string | undefined
      const loop = async (step: () => Promise<void>) => {
        while (!killed) {
          try {
            await step()
          } catch {
            return
          }
        }
      }
      const guestLoop = () =>
        loop(async () => {
          const email = `g-${crypto.randomBytes(5).toString('hex')}@crash.test`
          guestTried.push(email)
          const res = await new Agent(url).post('/api/v1/appeals', {
            councilId: councils[0],
            category: 'question',
            subject: 'Жол туралы',
            text: 'Жол қашан жөнделеді?',
            contact: { name: 'Қонақ', email },
          })
          if (res.status === 201)
            guests.push({ email, number: res.body.trackingNumber, code: res.body.accessCode, id: res.body.id })
          else if (!killed) throw new Error(`guest appeal: ${res.status} ${res.text}`)
        })
      const burst: Promise<unknown>[] = [
        guestLoop(),
        guestLoop(),
        loop(async () => {
          // With an attachment: stored before the appeal is committed, it must not outlive a kill in between.
          const res = await c.upload('/api/v1/appeals', {
            fields: { councilId: councils[0], category: 'proposal', subject: 'Ұсыныс', text: 'Саябақ салу керек.' },
            files: [{ field: 'files', filename: 'ұсыныс.pdf', content: PDF, type: 'application/pdf' }],
          })
          if (res.status === 201) citizenAcked.push(res.body.id)
        }),
        loop(async () => {
          const res = await m.post(`/api/v1/councils/${councils[0]}/news`, {
            title: { kk: `Жаңалық ${round}`, ru: `Новость ${round}` },
            body: { kk: '<p>Мәтін</p>', ru: '<p>Текст</p>' },
            status: 'published',
          })
          if (res.status === 201) newsAcked.push(res.body.id)
        }),
        loop(async () => {
          const clientId = crypto.randomUUID()
          chatTried.push(clientId)
          const ack = await ask(socket, 'message:send', { roomId, text: `#${chatTried.length}`, clientId }, 3000)
          if (ack.ok) chatAcked.set(clientId, ack.message.id)
        }),
        ...atts.map(async (a, i) => {
          try {
            const res = await a.post(`/api/v1/events/${eventId}/registrations`, {})
            if (res.status === 201) regAcked.push({ i, id: res.body.id, status: res.body.status })
            if (regAcked.length === ATTENDEES) signal('registrations')
          } catch {}
        }),
        (async () => {
          try {
            const res = await m.upload(`/api/v1/councils/${councils[0]}/videos`, {
              fields: { 'title.kk': `Бейне ${round}`, 'title.ru': `Видео ${round}` },
              files: [{ field: 'file', filename: 'clip.mp4', content: await fs.readFile(video), type: 'video/mp4' }],
            })
            if (res.status === 202) {
              videoAcked = res.body.id
              signal('video')
            }
          } catch {}
        })(),
      ]
      // The one-shot writes (registrations, the video) settle by themselves; the loops run until the kill.
      const burstDone = Promise.all(burst.slice(5))
      // Round 1 dies at a random moment of the burst; round 2 just after the video was acknowledged
      // (its transcoding under way), round 3 just after the registrations (their mail jobs under way).
      const delay = round === 1 ? 300 + Math.floor(rand() * 2500) : Math.floor(rand() * 300)
      if (trigger) await Promise.race([reached[trigger], burstDone])
      await new Promise((r) => setTimeout(r, delay))
      killed = true
      await server.kill9()
      await Promise.all(burst)
      if (trigger === 'video') expect(videoAcked, 'round 2 acknowledges the video before the kill').to.be.a('string')
      if (trigger === 'registrations')
        expect(regAcked, 'round 3 acknowledges the registrations').to.have.length(ATTENDEES)
      socket.close()

      if (process.env.CRASH_VERBOSE)
        console.log(
          `round ${round}: killed after ${delay} ms; acknowledged: ${guests.length}/${guestTried.length} guest appeals, ` +
            `${citizenAcked.length} citizen appeals, ${newsAcked.length} news, ${chatAcked.size}/${chatTried.length} messages, ` +
            `${regAcked.length}/${ATTENDEES} registrations, video ${videoAcked ?? 'not acknowledged'}`,
        )
      server = await startServerOn(dirs, ENV)
      const url2 = server.url
      const [m2, c2] = [moved(member, url2), moved(citizen, url2)]

      step('restarted')
      // Appeals: every acknowledged one is there; whatever exists is whole (number, one mail).
      for (const g of guests) {
        const res = await new Agent(url2).get(`/api/v1/appeals/track?number=${g.number}&code=${g.code}`)
        expect(res.status, `acknowledged guest appeal ${g.number}`).to.equal(200)
      }
      // The mails are owed by a job written with the appeal: after the restart they arrive, once.
      const confirmMails = await eventually('the confirmation mail of every acknowledged guest appeal', async () => {
        const got = await outboxOf(dirs.dataDir, { template: 'appeals:email.confirm' })
        return guests.every((g) => got.some((x) => x.to === g.email)) ? got : undefined
      })
      for (const email of guestTried) {
        const n = confirmMails.filter((x) => x.to === email).length
        if (guests.some((g) => g.email === email)) expect(n, `confirmation mails to ${email}`).to.equal(1)
        else expect(n, `confirmation mails to unacknowledged ${email}`).to.be.at.most(1)
      }
      const mine = await collect(c2, '/api/v1/appeals/mine')
      for (const id of citizenAcked)
        expect(
          mine.map((a) => a.id),
          'acknowledged citizen appeal',
        ).to.include(id)
      const received = await eventually('the receipt of every appeal of the citizen', async () => {
        const got = await outboxOf(dirs.dataDir, { to: citizen.user.email, template: 'appeals:email.received' })
        return mine.every((a) => got.some((x) => x.vars.trackingNumber === a.trackingNumber)) ? got : undefined
      })
      for (const a of mine) {
        expect(a.trackingNumber).to.match(TRACKING)
        const n = received.filter((x) => x.vars.trackingNumber === a.trackingNumber).length
        expect(n, `"received" mails for ${a.trackingNumber}`).to.equal(1)
      }

      step('appeals checked')
      // Attachments on disk belong to stored appeals (the citizen's: guests send none here).
      for (const id of (await walk(path.join(dirs.uploadsDir, 'appeals'))).filter(
        (f) => !f.includes('/') && !f.startsWith('.'),
      )) {
        const res = await c2.get(`/api/v1/appeals/${id}`)
        expect(res.status, `appeals/${id} on disk belongs to an appeal`).to.equal(200)
      }

      step('attachments checked')
      // News: every acknowledged item is published and readable.
      for (const id of newsAcked) {
        const res = await new Agent(url2).get(`/api/v1/news/${id}`)
        expect(res.status, `acknowledged news ${id}`).to.equal(200)
        expect(res.body.status).to.equal('published')
      }

      step('news checked')
      // Chat: a resend of every clientId tried gives the stored message (same id when acknowledged), never a second one.
      const s2 = await connectChat(url2, m2)
      for (const clientId of chatTried) {
        const ack = await ask(s2, 'message:send', { roomId, text: 'resend', clientId })
        expect(ack.ok, JSON.stringify(ack)).to.equal(true)
        if (chatAcked.has(clientId)) expect(ack.message.id).to.equal(chatAcked.get(clientId))
      }
      s2.close()
      const history = await collect(m2, `/api/v1/chat/rooms/${roomId}/messages`, 'before')
      const ids = history.map((x) => x.id)
      expect(new Set(ids).size, 'no message twice').to.equal(ids.length)
      const byClient = history.filter((x) => chatTried.includes(x.clientId))
      if (byClient.length) expect(byClient).to.have.length(chatTried.length)

      step('chat checked')
      // Event registrations: the counters equal the records; every acknowledged one is there; one mail each.
      const regs = await collect(m2, `/api/v1/events/${eventId}/registrations`)
      const event = (await m2.get(`/api/v1/events/${eventId}`)).body
      expect(event.registered, 'registered = registration records').to.equal(
        regs.filter((r) => r.status === 'registered').length,
      )
      expect(event.waitlisted, 'waitlisted = records').to.equal(regs.filter((r) => r.status === 'waitlisted').length)
      for (const r of regAcked)
        expect(
          regs.map((x) => x.id),
          `acknowledged registration of att${r.i}`,
        ).to.include(r.id)
      for (const r of regs) {
        const a = attendees.find((x) => x.user.id === r.userId)!
        const mails = await eventually(`the registration mail of ${a.user.email}`, async () => {
          const got = (await outboxOf(dirs.dataDir, { to: a.user.email })).filter(
            (x) => JSON.stringify(x.vars).includes(`Диалог ${round}`) || x.subject.includes(`Диалог ${round}`),
          )
          return got.length ? got : undefined
        })
        expect(mails, `mails for ${a.user.email}`).to.have.length(1)
      }

      step('registrations checked')
      // The video: acknowledged → transcoded once; otherwise nothing of it anywhere.
      if (videoAcked) {
        const v = await eventually('the transcoded video', async () => {
          const res = await m2.get(`/api/v1/videos/${videoAcked}`)
          return res.body.status === 'processing' ? undefined : res.body
        })
        expect(v.status).to.equal('pending_review')
        const files = await walk(path.join(dirs.uploadsDir, 'videos', videoAcked))
        expect(
          files.filter((f) => /^m-[^/]+$/.test(f)),
          'one rendition set',
        ).to.have.length(1)
        expect(
          files.filter((f) => f.includes('.work-')),
          'no scratch left',
        ).to.deep.equal([])
      }
      const videoDirs = (await walk(path.join(dirs.uploadsDir, 'videos'))).filter(
        (f) => !f.includes('/') && !f.startsWith('.'),
      )
      for (const id of videoDirs) {
        const res = await m2.get(`/api/v1/videos/${id}`)
        expect(res.status, `videos/${id} on disk belongs to a video`).to.equal(200)
        // One the kill kept from being acknowledged but committed whole is transcoded like any other.
        const v = await eventually(`video ${id} processed`, async () => {
          const r = await m2.get(`/api/v1/videos/${id}`)
          return r.body.status === 'processing' ? undefined : r.body
        })
        expect(v.status).to.equal('pending_review')
        const files = await walk(path.join(dirs.uploadsDir, 'videos', id))
        expect(
          files.filter((f) => /^m-[^/]+$/.test(f)),
          `one rendition set of ${id}`,
        ).to.have.length(1)
      }

      step('videos checked')
      // The outbox holds whole messages only: every .json parses.
      const outbox = path.join(dirs.dataDir, 'outbox')
      for (const name of (await fs.readdir(outbox)).filter((n) => n.endsWith('.json')))
        expect(() => JSON.parse(readText(path.join(outbox, name))), `outbox/${name} is whole`).not.to.throw()

      // Uploads: no temporary or partial file.
      const all = await walk(dirs.uploadsDir)
      expect(
        all.filter((f) => f.startsWith('.tmp/')),
        'nothing in uploads/.tmp',
      ).to.deep.equal([])
      expect(
        all.filter((f) => /\.part$|\.work-|\.pending-/.test(f)),
        'no partial file',
      ).to.deep.equal([])
    })
  }
})

const readText = (file: string) => readFileSync(file, 'utf8')

/** Every item of a cursor-paged list (`param`: the query parameter taking `nextCursor`; chat history pages with `before`). */
async function collect(agent: Agent, url: string, param = 'cursor'): Promise<any[]> {
  const items: any[] = []
  let cursor: string | null = null
  do {
    const sep = url.includes('?') ? '&' : '?'
    const res = await agent.get(`${url}${sep}limit=100${cursor ? `&${param}=${encodeURIComponent(cursor)}` : ''}`)
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`)
    items.push(...res.body.items)
    if (res.body.nextCursor && res.body.nextCursor === cursor) throw new Error(`${url}: the same cursor twice`)
    cursor = res.body.nextCursor
  } while (cursor)
  return items
}
