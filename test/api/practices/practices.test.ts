import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { unsentUpload } from '../../helpers/unsent-upload.js'
import { loginAs } from '../../helpers/users.js'
import { jpegImage, textFile } from '../councils/images.js'
import { createCouncil, pdfText, regions, waitForCompendium } from './fixtures.js'

const YEAR = 2026

describe('best practices and the yearly compendium', () => {
  let t: TestServer
  let moderator: Agent
  let member: Agent
  let outsider: Agent
  let guest: Agent
  let all: Awaited<ReturnType<typeof regions>>
  let oblast: (typeof all)[number]
  let city: (typeof all)[number]
  let councilA: string
  let republican: string
  const ids: Record<string, string> = {}

  before(async () => {
    t = await startTestServer()
    guest = new Agent(t.url)
    all = await regions(guest)
    oblast = all.find((r) => r.code === 'KZ-63')! // Шығыс Қазақстан облысы
    city = all.find((r) => r.code === 'KZ-79')! // Шымкент
    councilA = await createCouncil(oblast.id, 'Өскемен кеңесі')
    republican = await createCouncil(null, 'Республикалық кеңес')
    moderator = await loginAs(t, { roles: ['moderator'] })
    member = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
    outsider = await loginAs(t, { roles: ['council_member'], councilIds: [await createCouncil(city.id)] })
  })
  after(() => t?.close())

  const body = (councilId: string, title: string, extra: Record<string, unknown> = {}) => ({
    councilId,
    year: YEAR,
    title: { kk: title, ru: `${title} (ru)` },
    summary: {
      kk: 'Әкімдікпен бірлескен қоғамдық тыңдау: үңгірлер, ұңғымалар, һәм іс-шаралар.',
      ru: 'Совместные слушания.',
    },
    ...extra,
  })

  it('should let a member propose a practice of their own council, not of another', async () => {
    const res = await member.post('/api/v1/best-practices', body(councilA, 'Ашық әкімдік: ғимарат, қоңырау, өтініш'))
    expect(res.status, res.text).to.equal(201)
    expect(res.body).to.include({ status: 'proposed', councilId: councilA, regionId: oblast.id, year: YEAR })
    ids.open = res.body.id
    const other = await outsider.post('/api/v1/best-practices', body(councilA, 'Бөтен'))
    expect(other.status).to.equal(403)
    expect((await guest.post('/api/v1/best-practices', body(councilA, 'x'))).status).to.equal(401)
    const bad = await member.post('/api/v1/best-practices', { ...body(councilA, 'x'), title: { en: 'x' } })
    expect(bad.status).to.equal(400)
    const rep = await moderator.post(
      '/api/v1/best-practices',
      body(republican, 'Үкіметпен диалог — республикалық деңгей'),
    )
    expect(rep.status).to.equal(201)
    expect(rep.body.regionId).to.equal(null)
    ids.republican = rep.body.id
    const rejected = await member.post('/api/v1/best-practices', body(councilA, 'Қабылданбайтын ұсыныс'))
    ids.rejected = rejected.body.id
  })

  it('should take pictures through the upload checks, and only from its council', async () => {
    const pic = await member.upload(`/api/v1/best-practices/${ids.open}/images`, {
      files: [{ field: 'file', filename: 'photo.jpg', content: await jpegImage(320, 200), type: 'image/jpeg' }],
    })
    expect(pic.status, pic.text).to.equal(201)
    expect(pic.body.images).to.have.length(1)
    expect(pic.body.images[0].url).to.match(/^\/media\/files\/practices\/.+\.webp$/)
    const notImage = await member.upload(`/api/v1/best-practices/${ids.open}/images`, {
      files: [{ field: 'file', filename: 'x.jpg', content: textFile(), type: 'image/jpeg' }],
    })
    expect(notImage.status).to.equal(415)
    const foreign = await outsider.upload(`/api/v1/best-practices/${ids.open}/images`, {
      files: [{ field: 'file', filename: 'p.jpg', content: await jpegImage(), type: 'image/jpeg' }],
    })
    expect(foreign.status).to.equal(404)
  })

  it("should refuse a stranger's picture before reading it (the answer comes while the body is still unsent)", async () => {
    expect(await unsentUpload(outsider, `/api/v1/best-practices/${ids.open}/images`)).to.equal(404)
  })

  it('should keep proposals out of public view until a moderator approves; a rejection needs a reason', async () => {
    expect((await guest.get(`/api/v1/best-practices/${ids.open}`)).status).to.equal(404)
    expect((await member.get(`/api/v1/best-practices/${ids.open}`)).status).to.equal(200)
    expect((await member.patch(`/api/v1/best-practices/${ids.open}`, { status: 'approved' })).status).to.equal(403)
    const noReason = await moderator.patch(`/api/v1/best-practices/${ids.rejected}`, { status: 'rejected' })
    expect(noReason.status).to.equal(400)
    const rejected = await moderator.patch(`/api/v1/best-practices/${ids.rejected}`, {
      status: 'rejected',
      reason: 'Тәжірибе емес, жоспар',
    })
    expect(rejected.body.status).to.equal('rejected')
    expect(rejected.body.moderation[0]).to.include({ decision: 'rejected', reason: 'Тәжірибе емес, жоспар' })
    for (const id of [ids.open, ids.republican]) {
      const ok = await moderator.patch(`/api/v1/best-practices/${id}`, { status: 'approved' })
      expect(ok.status).to.equal(200)
    }
    // Reviewed: its council's members can no longer add pictures, and are told before the picture is read.
    expect(await unsentUpload(member, `/api/v1/best-practices/${ids.open}/images`)).to.equal(409)
    const queue = await moderator.get('/api/v1/best-practices?status=rejected')
    expect(queue.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.rejected])
    expect((await guest.get('/api/v1/best-practices?status=rejected')).status).to.equal(401)
  })

  it('should list approved practices publicly by year and region', async () => {
    const list = await guest.get(`/api/v1/best-practices?year=${YEAR}`)
    expect(list.body.items.map((i: { id: string }) => i.id).sort()).to.deep.equal([ids.open, ids.republican].sort())
    const inOblast = await guest.get(`/api/v1/best-practices?year=${YEAR}&regionId=${oblast.id}`)
    expect(inOblast.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.open])
    expect(inOblast.body.items[0].councilName.kk).to.include('Өскемен кеңесі')
    const rep = await guest.get(`/api/v1/best-practices?regionId=republican`)
    expect(rep.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.republican])
    expect((await guest.get(`/api/v1/best-practices?year=${YEAR - 1}`)).body.items).to.deep.equal([])
    expect((await guest.get('/api/v1/best-practices?regionId=%7B%22%24gt%22%3A%22%22%7D')).status).to.equal(400)
  })

  it('should generate the compendium in the background, one PDF per language with every title and a heading per region', async () => {
    expect((await guest.get(`/api/v1/best-practices/compendium/${YEAR}.pdf`)).status).to.equal(404)
    expect((await member.post('/api/v1/best-practices/compendium', { year: YEAR })).status).to.equal(403)
    const start = await moderator.post('/api/v1/best-practices/compendium', { year: YEAR })
    expect(start.status).to.equal(202)
    expect(start.body.jobId).to.be.a('string')
    const status = await waitForCompendium(moderator, YEAR)
    expect(status.status, status.error).to.equal('done')
    expect(status.progress).to.equal(100)
    expect(status.files.map((f: { lng: string }) => f.lng).sort()).to.deep.equal(['kk', 'ru'])
    // An unknown ?lng= falls back like everywhere else (here: Accept-Language ru), never a 400.
    const fallback = await fetch(`${t.url}/api/v1/best-practices/compendium/${YEAR}.pdf?lng=en`, {
      headers: { 'accept-language': 'ru' },
    })
    expect(fallback.status).to.equal(200)
    expect(fallback.headers.get('content-disposition')).to.include(`best-practices-${YEAR}-ru.pdf`)

    const kk = await fetch(`${t.url}/api/v1/best-practices/compendium/${YEAR}.pdf?lng=kk`)
    expect(kk.status).to.equal(200)
    expect(kk.headers.get('content-type')).to.equal('application/pdf')
    const pdf = Buffer.from(await kk.arrayBuffer())
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-')
    const text = await pdfText(pdf)
    // Kazakh letters survive: the titles come back out exactly.
    expect(text).to.include('Ашық әкімдік: ғимарат, қоңырау, өтініш')
    expect(text).to.include('Үкіметпен диалог — республикалық деңгей')
    expect(text).not.to.include('Қабылданбайтын ұсыныс')
    const pages = text.split('\f')
    for (const r of all) {
      const headingPage = pages.findIndex((p, i) => i > 1 && p.trimStart().startsWith(r.name.kk))
      expect(headingPage, `a page headed ${r.name.kk}`).to.be.greaterThan(1)
    }
    expect(pages.some((p) => p.trimStart().startsWith('Республикалық деңгейдегі кеңестер'))).to.equal(true)
    // The contents give the page the oblast's section starts on.
    const sectionPage = pages.findIndex((p, i) => i > 1 && p.trimStart().startsWith(oblast.name.kk)) + 1
    const tocLine = pages[1].split('\n').find((l) => l.includes(oblast.name.kk))!
    expect(tocLine.trim().endsWith(String(sectionPage))).to.equal(true)

    const ru = await pdfText(
      Buffer.from(await (await fetch(`${t.url}/api/v1/best-practices/compendium/${YEAR}.pdf?lng=ru`)).arrayBuffer()),
    )
    expect(ru).to.include('Ашық әкімдік: ғимарат, қоңырау, өтініш (ru)')
    expect(ru).to.include('Советы республиканского уровня')
    expect(ru).to.include(oblast.name.ru)
  })

  it('should regenerate on request with practices approved since', async () => {
    const late = await member.post('/api/v1/best-practices', body(councilA, 'Жаңа тәжірибе: құдық'))
    await moderator.patch(`/api/v1/best-practices/${late.body.id}`, { status: 'approved' })
    await moderator.post('/api/v1/best-practices/compendium', { year: YEAR })
    const status = await waitForCompendium(moderator, YEAR)
    expect(status.files[0].practices).to.equal(3)
    const text = await pdfText(
      Buffer.from(await (await fetch(`${t.url}/api/v1/best-practices/compendium/${YEAR}.pdf?lng=kk`)).arrayBuffer()),
    )
    expect(text).to.include('Жаңа тәжірибе: құдық')
  })
})
