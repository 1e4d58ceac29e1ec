import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { twoCouncils } from '../councils/fixtures.js'

describe("news API: a council's own list (GET /councils/:councilId/news)", () => {
  let t: TestServer
  let guest: Agent
  let moderator: Agent
  let citizen: Agent
  let memberA: Agent
  let memberB: Agent
  let councilA: any
  let councilB: any
  const created: Record<string, string[]> = { draft: [], scheduled: [], published: [], archived: [] }
  const list = (agent: Agent, query = '', councilId = councilA.id) =>
    agent.get(`/api/v1/councils/${councilId}/news${query}`)

  const article = (n: number, status: string, extra: Record<string, unknown> = {}) => ({
    title: { kk: `Кеңес жаңалығы ${n}`, ru: `Новость совета ${n}` },
    body: { kk: '<p>Мәтін</p>', ru: '<p>Текст</p>' },
    status,
    ...extra,
  })

  before(async () => {
    t = await startTestServer()
    ;({ guest, moderator, citizen, councilA, councilB, memberA, memberB } = await twoCouncils(t))
    const later = new Date(Date.now() + 7 * 24 * 3600_000).toISOString()
    const plan = ['draft', 'published', 'scheduled', 'draft', 'archived', 'published', 'draft']
    for (const [i, status] of plan.entries()) {
      const res = await memberA.post(
        `/api/v1/councils/${councilA.id}/news`,
        article(i, status === 'archived' ? 'published' : status, status === 'scheduled' ? { publishAt: later } : {}),
      )
      expect(res.status, JSON.stringify(res.body)).to.equal(201)
      if (status === 'archived')
        expect((await memberA.patch(`/api/v1/news/${res.body.id}`, { status: 'archived' })).status).to.equal(200)
      created[status].push(res.body.id)
    }
    // Another council's draft must never appear in A's list.
    expect((await memberB.post(`/api/v1/councils/${councilB.id}/news`, article(99, 'draft'))).status).to.equal(201)
  })
  after(() => t?.close())

  it("should list all of the council's articles in every status, last edited first, with status, publishAt and updatedAt, never cached", async () => {
    const res = await list(memberA, '?limit=50')
    expect(res.status).to.equal(200)
    expect(res.headers.get('cache-control')).to.contain('no-store')
    const all = Object.values(created).flat()
    expect(res.body.items.map((n: any) => n.id)).to.have.members(all)
    expect(res.body.nextCursor).to.equal(null)
    const scheduled = res.body.items.find((n: any) => n.id === created.scheduled[0])
    expect(scheduled).to.include({ status: 'scheduled', councilId: councilA.id, publishedAt: null })
    expect(scheduled.publishAt).to.be.a('string')
    expect(res.body.items.find((n: any) => n.id === created.archived[0]).status).to.equal('archived')
    for (const n of res.body.items)
      expect(n).to.have.all.keys(
        'id',
        'slug',
        'councilId',
        'title',
        'summary',
        'coverUrl',
        'tags',
        'publishedAt',
        'status',
        'publishAt',
        'updatedAt',
      )
    const times = res.body.items.map((n: any) => Date.parse(n.updatedAt))
    expect(times).to.deep.equal([...times].sort((a, b) => b - a))
  })

  it('should put an article edited just now first', async () => {
    const oldest = created.draft[0]
    expect(
      (await memberA.patch(`/api/v1/news/${oldest}`, { title: { kk: 'Жаңартылған жоба', ru: 'Обновлённый черновик' } }))
        .status,
    ).to.equal(200)
    const res = await list(memberA, '?limit=1')
    expect(res.body.items.map((n: any) => n.id)).to.deep.equal([oldest])
  })

  it('should narrow to one status with ?status=', async () => {
    for (const status of ['draft', 'scheduled', 'published', 'archived']) {
      const res = await list(memberA, `?status=${status}`)
      expect(res.status).to.equal(200)
      expect(
        res.body.items.map((n: any) => n.id),
        status,
      ).to.have.members(created[status])
      expect(res.body.items.every((n: any) => n.status === status)).to.equal(true)
    }
  })

  it('should walk every article page by page without duplicates or gaps', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await list(memberA, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(res.status).to.equal(200)
      expect(res.body.items.length).to.be.at.most(2)
      seen.push(...res.body.items.map((n: any) => n.id))
      cursor = res.body.nextCursor
      pages++
    } while (cursor && pages < 20)
    expect(pages).to.equal(4)
    expect(new Set(seen).size).to.equal(seen.length)
    expect(seen).to.have.members(Object.values(created).flat())
    // Paging a filtered list keeps the filter.
    const first = await list(memberA, '?status=draft&limit=2')
    const second = await list(memberA, `?status=draft&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
    expect([...first.body.items, ...second.body.items].map((n: any) => n.id)).to.have.members(created.draft)
    expect(second.body.nextCursor).to.equal(null)
  })

  it('should let a moderator read any council list', async () => {
    const res = await list(moderator, '?status=draft')
    expect(res.status).to.equal(200)
    expect(res.body.items.map((n: any) => n.id)).to.have.members(created.draft)
    const b = await list(moderator, '', councilB.id)
    expect(b.body.items).to.have.length(1)
  })

  it('should refuse a member of another council and a citizen (403) and a guest (401)', async () => {
    const other = await list(memberB)
    expect(other.status).to.equal(403)
    expect(other.headers.get('content-type')).to.contain('application/problem+json')
    expect(JSON.stringify(other.body)).to.not.contain('Кеңес жаңалығы')
    expect((await list(citizen)).status).to.equal(403)
    expect((await list(guest)).status).to.equal(401)
  })

  it('should answer 404 for a malformed or unknown council id', async () => {
    expect((await list(moderator, '', 'not-an-id')).status).to.equal(404)
    expect((await list(moderator, '', '0123456789abcdef01234567')).status).to.equal(404)
    expect((await list(memberA, '', '0123456789abcdef01234567')).status).to.equal(404)
  })

  it('should fail with 400 for an unknown or repeated status, or a forged cursor', async () => {
    expect((await list(memberA, '?status=deleted')).status).to.equal(400)
    // The query parser is flat: a repeated key arrives as an array, which is not a status.
    expect((await list(memberA, '?status=draft&status=published')).status).to.equal(400)
    const bad = await list(memberA, `?cursor=${Buffer.from(JSON.stringify([{ $gt: 0 }, 'x'])).toString('base64url')}`)
    expect(bad.status).to.equal(400)
    expect(bad.body.code).to.be.a('string')
  })
})
