import crypto from 'node:crypto'
import { expect } from 'chai'
import sharp from 'sharp'
import { routeTable } from '../../../server/core/route.js'
import { Council } from '../../../server/modules/councils/council.model.js'
import { Video } from '../../../server/modules/videos/video.model.js'
import { CALLERS, ROUTE_ACCESS, type Caller, type Outcome } from '../../../shared/route-access.js'
import type { VideoStatus } from '../../../shared/schemas/videos.js'
import { Agent, type TestResponse } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs, type UserOptions } from '../../helpers/users.js'
import { ask, closeAll, connectChat, createCouncil } from '../../socket/chat.helpers.js'
import { PNG } from '../appeals/fixtures.js'
import { pendingVideo } from '../videos/helpers.js'
import { applicationBody, callBody } from '../../helpers/grants.js'

/**
 * Every route of the route table, called as every caller of the matrix (shared/route-access.ts)
 * against fixtures owned by one council; the status must be the declared outcome, and no response
 * may carry a personal field its caller may not see.
 */
describe('role × route matrix (shared/route-access.ts)', function () {
  this.timeout(300_000)
  let t: TestServer
  const who: Record<Caller, UserOptions> = {} as Record<Caller, UserOptions>
  const agents = {} as Record<Caller, Agent>
  const fx: Record<string, string> = {}
  const secrets: { label: string; value: string; mayShow: Caller[] }[] = []

  before(async () => {
    t = await startTestServer()
    const [councilA, councilB, councilC] = await Promise.all([createCouncil(0), createCouncil(1), createCouncil(2)])
    Object.assign(fx, { councilA, councilB, councilC })
    Object.assign(who, {
      guest: {},
      citizen: { roles: ['citizen'] },
      owner: { roles: ['council_member'], councilIds: [councilA] },
      other: { roles: ['council_member'], councilIds: [councilB] },
      moderator: { roles: ['moderator'] },
      admin: { roles: ['admin'] },
    })
    for (const c of CALLERS) agents[c] = c === 'guest' ? new Agent(t.url) : await loginAs(t, who[c])
    const { owner, citizen } = agents

    fx.councilSlug = (await Council.findById(councilA, { slug: 1 }).lean<{ slug: string }>())!.slug
    fx.news = (await owner.post(`/api/v1/councils/${councilA}/news`, draftNews())).body.id
    fx.citizenId = citizen.user!.id
    const appeal = await citizen.upload('/api/v1/appeals', {
      fields: { councilId: councilA, category: 'question', subject: 'Жол туралы', text: 'Жол қашан жөнделеді? Когда?' },
      files: [{ field: 'files', filename: 'map.png', content: PNG, type: 'image/png' }],
    })
    expect(appeal.status, appeal.text).to.equal(201)
    fx.appeal = appeal.body.id
    fx.appealAttachment = (await citizen.get(`/api/v1/appeals/${fx.appeal}`)).body.attachments[0].id
    const contact = { name: 'Қонақ', email: `guest-${crypto.randomBytes(4).toString('hex')}@mail.test` }
    const guestAppeal = await new Agent(t.url).post('/api/v1/appeals', {
      councilId: councilA,
      category: 'proposal',
      subject: 'Саябақ',
      text: 'Саябаққа орындық қойыңыздар.',
      contact,
    })
    expect(guestAppeal.status).to.equal(201)

    const room = await owner.post('/api/v1/chat/rooms', {
      kind: 'dialogue',
      councilIds: [councilA, councilC],
      title: { kk: 'Диалог' },
      topic: { kk: 'Өңіраралық диалог' },
    })
    expect(room.status, room.text.slice(200)).to.equal(201)
    fx.room = room.body.room.id
    fx.message = await sendMessage('матрица')
    const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#0a8' } })
      .png()
      .toBuffer()
    const att = await owner.upload(`/api/v1/chat/rooms/${fx.room}/attachments`, {
      files: [{ field: 'file', filename: 'a.png', content: png, type: 'image/png' }],
    })
    expect(att.status, att.text).to.equal(201)
    fx.chatAttachment = att.body.id
    const day = 24 * 3600_000
    const event = await owner.post('/api/v1/events', {
      kind: 'meeting',
      title: { kk: 'Кездесу' },
      description: { kk: 'Күн тәртібі' },
      format: 'online',
      onlineUrl: 'https://meet.example.kz/kenes',
      startsAt: new Date(Date.now() + 10 * day).toISOString(),
      endsAt: new Date(Date.now() + 10 * day + 3600_000).toISOString(),
      registrationClosesAt: new Date(Date.now() + 9 * day).toISOString(),
      organizerCouncilIds: [councilA],
      capacity: 50,
      audience: 'public',
    })
    expect(event.status, event.text.slice(0, 300)).to.equal(201)
    fx.event = event.body.id
    expect((await owner.patch(`/api/v1/events/${fx.event}`, { status: 'published' })).status).to.equal(200)
    const call = await agents.admin.post('/api/v1/grants/calls', callBody())
    expect(call.status, call.text.slice(0, 300)).to.equal(201)
    fx.call = call.body.id
    expect((await agents.admin.patch(`/api/v1/grants/calls/${fx.call}`, { status: 'published' })).status).to.equal(200)
    const application = await owner.post(`/api/v1/grants/calls/${fx.call}/applications`, applicationBody(councilA))
    expect(application.status, application.text.slice(0, 300)).to.equal(201)
    fx.application = application.body.id
    fx.video = await pendingVideo(owner, councilA)
    fx.publishedVideo = await insertVideo('published')

    // What no response may carry for the callers not listed.
    const citizenUser = (await citizen.get('/api/v1/auth/me')).body.user
    secrets.push(
      // The council handling an appeal and staff see its author's contact (each read is audit-logged).
      { label: 'the citizen’s e-mail', value: citizenUser.email, mayShow: ['citizen', 'owner', 'moderator', 'admin'] },
      { label: 'a guest’s contact e-mail', value: contact.email, mayShow: ['owner', 'moderator', 'admin'] },
      { label: 'a guest appeal’s access code', value: guestAppeal.body.accessCode, mayShow: [] },
      { label: 'the citizen appeal’s access code', value: appeal.body.accessCode, mayShow: [] },
      { label: 'a password hash', value: '$argon2', mayShow: [] },
    )
    for (const c of CALLERS) {
      const sid = agents[c].cookieHeader().match(/kenes\.sid=([^;]+)/)?.[1]
      if (sid) secrets.push({ label: `${c}’s session id`, value: decodeURIComponent(sid), mayShow: [] })
    }
  })
  after(() => t?.close())

  const draftNews = () => ({ title: { kk: 'Жоба' }, body: { kk: '<p>Мәтін</p>' }, status: 'draft' })
  async function sendMessage(text: string): Promise<string> {
    const s = await connectChat(t.url, agents.owner)
    try {
      await ask(s, 'room:join', { roomId: fx.room })
      const ack = await ask(s, 'message:send', { roomId: fx.room, text, clientId: crypto.randomUUID() })
      return ack.message.id
    } finally {
      await closeAll(s)
    }
  }
  async function insertVideo(status: VideoStatus): Promise<string> {
    const v = await Video.create({
      councilId: fx.councilA,
      uploaderId: agents.owner.user!.id,
      title: { kk: 'Бейне', ru: 'Видео' },
      status,
      source: { key: `videos/none-${crypto.randomBytes(4).toString('hex')}/source.mp4`, mime: 'video/mp4', size: 1 },
      publishedAt: status === 'published' ? new Date() : null,
    })
    return String(v._id)
  }

  /** The concrete path and, for rows whose passing call would destroy the shared fixture, a fresh one. */
  async function pathFor(key: string, caller: Caller): Promise<string> {
    const [method, template] = key.split(' ')
    let { news, video, message } = fx
    let council = fx.councilA
    const allowed = ROUTE_ACCESS[key][caller] === 'ok'
    if (method === 'DELETE' && allowed && template === '/api/v1/councils/{id}')
      council = String(
        (
          await Council.create({
            slug: `gone-${crypto.randomBytes(4).toString('hex')}`,
            name: { kk: 'Ж' },
            level: 'oblast',
          })
        )._id,
      )
    if (method === 'DELETE' && allowed && template === '/api/v1/news/{id}')
      news = (await agents.owner.post(`/api/v1/councils/${fx.councilA}/news`, draftNews())).body.id
    if (method === 'DELETE' && allowed && template === '/api/v1/videos/{id}')
      video = await insertVideo('pending_review')
    if (method === 'DELETE' && allowed && template === '/api/v1/chat/messages/{id}')
      message = await sendMessage('жойылады')
    if (template === '/api/v1/videos/{id}/approve') video = fx.publishedVideo
    const byResource: [RegExp, string][] = [
      // GET takes a slug as well as an id in the same position: walk it with the slug.
      [method === 'GET' ? /^\/api\/v1\/councils\/\{id\}$/ : /^$/, fx.councilSlug],
      [/^\/api\/v1\/(councils)\/\{(id|councilId)\}/, council],
      [/^\/api\/v1\/news\/\{id\}/, news],
      [/^\/(api\/v1|media)\/videos\/\{id\}/, video],
      [/^\/api\/v1\/appeals\/\{id\}/, fx.appeal],
      [/^\/api\/v1\/chat\/rooms\/\{id\}/, fx.room],
      [/^\/api\/v1\/chat\/messages\/\{id\}/, message],
      [/^\/api\/v1\/chat\/attachments\/\{id\}/, fx.chatAttachment],
      [/^\/api\/v1\/users\/\{id\}/, fx.citizenId],
      [/^\/api\/v1\/events\/\{id\}/, fx.event],
      [/^\/api\/v1\/grants\/calls\/\{id\}/, fx.call],
      [/^\/api\/v1\/grants\/applications\/\{id\}/, fx.application],
      [/^\/api\/v1\/(grants\/(awards|reports)|control\/recommendations)\/\{id\}/, 'c'.repeat(24)],
      [/^\/api\/v1\/(best-practices|support\/tickets)\/\{id\}/, 'e'.repeat(24)],
    ]
    const main = byResource.find(([re]) => re.test(template))?.[1]
    return template
      .replace(/\{(id|councilId)\}/, main ?? 'missing')
      .replace('{attachmentId}', fx.appealAttachment)
      .replace('{materialId}', 'b'.repeat(24))
      .replace('{fileId}', 'd'.repeat(24))
      .replace('{year}', '2025')
      .replace('{uploadId}', 'a'.repeat(32))
      .replace('{rendition}', '360p')
      .replace('{file}', 'nothing.ts')
      .replace('{folder}', 'nothing')
      .replace('{owner}', 'nobody')
      .replace('{name}', 'none.png')
  }

  /**
   * Bodies for routes that decide access after reading a valid body (the service checks the appeal's
   * author or its access code): an empty body would be refused as invalid before anyone is asked.
   */
  const probe = (key: string): unknown =>
    ({
      'POST /api/v1/appeals/{id}/replies': { text: 'Матрица тексеруі' },
      'POST /api/v1/appeals/{id}/rating': { score: 5 },
      // The right is scoped to the organizer councils the body names (the rest is missing: 400).
      'POST /api/v1/events': { kind: 'meeting', organizerCouncilIds: [fx.councilA] },
      'POST /api/v1/grants/calls/{id}/applications': applicationBody(fx.councilA),
      'POST /api/v1/grants/awards/{id}/reports': { kind: 'interim', text: 'Есеп', spending: [] },
      'PATCH /api/v1/grants/reports/{id}': { status: 'accepted', comment: 'Қабылданды' },
      'POST /api/v1/control/recommendations': {
        councilId: fx.councilA,
        stateBody: { kk: 'Әкімдік' },
        text: { kk: 'Ұсыныс' },
        sentAt: new Date().toISOString(),
      },
      'PATCH /api/v1/control/recommendations/{id}': { implementation: 'in_progress', note: 'Орындалуда' },
      'POST /api/v1/support/tickets/{id}/messages': { text: 'Сұрақ' },
    })[key] ?? {}

  const verdict = (res: TestResponse): Outcome | number =>
    res.status === 401 || res.status === 403 || res.status === 404 ? res.status : res.status < 500 ? 'ok' : res.status

  it('should have a row for every declared route, and no row for a route that is gone', () => {
    const declared = routeTable().map((r) => `${r.method.toUpperCase()} ${r.path}`)
    expect(
      declared.filter((k) => !ROUTE_ACCESS[k]),
      'routes without a row',
    ).to.deep.equal([])
    expect(
      Object.keys(ROUTE_ACCESS).filter((k) => !declared.includes(k)),
      'rows without a route',
    ).to.deep.equal([])
  })

  it('should answer every caller as its row says and show no personal field to a caller who may not see it', async () => {
    const wrong: string[] = []
    const leaks: string[] = []
    // Session-ending routes last, so every other call still has its session.
    const keys = routeTable()
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort((a, b) => Number(a.endsWith('/auth/logout')) - Number(b.endsWith('/auth/logout')))
    for (const key of keys) {
      const [method] = key.split(' ')
      for (const caller of CALLERS) {
        const path = await pathFor(key, caller)
        const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method)
        const agent = agents[caller]
        const res = await agent.request(method, path, unsafe && method !== 'DELETE' ? { json: probe(key) } : {})
        const got = verdict(res)
        const want = ROUTE_ACCESS[key][caller]
        if (got !== want) wrong.push(`${key} as ${caller}: want ${want}, got ${res.status} ${res.text.slice(0, 120)}`)
        for (const s of secrets)
          if (!s.mayShow.includes(caller) && res.text.includes(s.value)) leaks.push(`${key} as ${caller}: ${s.label}`)
      }
    }
    expect(wrong, 'outcomes that differ from shared/route-access.ts').to.deep.equal([])
    expect(leaks, 'personal fields shown to a caller who may not see them').to.deep.equal([])
  })
})
