import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { twoCouncils } from '../councils/fixtures.js'

describe('news API', () => {
  let t: TestServer
  let guest: Agent
  let moderator: Agent
  let citizen: Agent
  let memberA: Agent
  let memberB: Agent
  let councilA: any
  let councilB: any

  const article = (over: Record<string, unknown> = {}) => ({
    title: { kk: 'Кеңестің кезекті отырысы', ru: 'Очередное заседание совета' },
    summary: { kk: 'Қысқаша', ru: 'Кратко' },
    body: { kk: '<p>Кеңестерге арналған мәтін</p>', ru: '<p>Текст для советов</p>' },
    tags: ['Отырыс', '#Заседание '],
    status: 'published',
    ...over,
  })

  before(async () => {
    t = await startTestServer()
    ;({ guest, moderator, citizen, councilA, councilB, memberA, memberB } = await twoCouncils(t))
  })
  after(() => t?.close())

  describe('POST /api/v1/councils/:councilId/news', () => {
    it('should publish an article for its council member with a slug, normalized tags and the author', async () => {
      const res = await memberA.post(`/api/v1/councils/${councilA.id}/news`, article())
      expect(res.status).to.equal(201)
      expect(res.body).to.include({ councilId: councilA.id, status: 'published', authorId: memberA.user!.id, views: 0 })
      // Written in Kazakh (the request's language): the slug keeps the Kazakh words, in Latin letters.
      expect(res.body.slug).to.equal('kengesting-kezekti-otyrysy')
      expect(res.body.tags).to.deep.equal(['отырыс', 'заседание'])
      expect(res.body.publishedAt).to.be.a('string')
      const again = await memberA.post(`/api/v1/councils/${councilA.id}/news`, article())
      expect(again.body.slug).to.equal('kengesting-kezekti-otyrysy-2')
      const inRussian = await memberA.post(`/api/v1/councils/${councilA.id}/news?lng=ru`, article())
      expect(inRussian.body.slug).to.equal('ocherednoe-zasedanie-soveta')
    })

    it('should sanitize the body: scripts, handlers and javascript: links removed', async () => {
      const body = {
        ru:
          '<p onclick="steal()">Текст<script>alert(1)</script></p><img src="x" onerror="alert(1)"><img src="/media/files/a.webp" onerror="x()">' +
          '<a href="javascript:alert(1)">плохая</a><a href="https://gov.kz">хорошая</a><iframe src="https://evil"></iframe><style>p{}</style>',
      }
      const res = await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ body }))
      expect(res.status).to.equal(201)
      const html: string = res.body.body.ru
      expect(html).to.not.match(/script|onclick|onerror|javascript:|iframe|style/i)
      expect(html).to.contain('<img src="/media/files/a.webp" />')
      expect(html).to.contain('<a href="https://gov.kz" rel="noopener noreferrer" target="_blank">хорошая</a>')
      expect(html).to.not.contain('src="x"')
      const empty = await memberA.post(
        `/api/v1/councils/${councilA.id}/news`,
        article({ body: { ru: '<script>alert(1)</script>' } }),
      )
      expect(empty.status).to.equal(400)
    })

    it('should fail with 403 for a member of another council and a citizen, 401 for a guest, 404 for an unknown council', async () => {
      expect((await memberB.post(`/api/v1/councils/${councilA.id}/news`, article())).status).to.equal(403)
      expect((await citizen.post(`/api/v1/councils/${councilA.id}/news`, article())).status).to.equal(403)
      expect((await guest.post(`/api/v1/councils/${councilA.id}/news`, article())).status).to.equal(401)
      expect((await moderator.post(`/api/v1/councils/${'e'.repeat(24)}/news`, article())).status).to.equal(404)
      expect((await moderator.post('/api/v1/councils/bad/news', article())).status).to.equal(404)
    })

    it('should validate with localized messages (kk, ru)', async () => {
      const bad = article({ status: 'scheduled', tags: Array.from({ length: 11 }, (_, i) => `t${i}`), extra: 1 })
      const kk = await memberA.post(`/api/v1/councils/${councilA.id}/news`, bad, {
        headers: { 'accept-language': 'kk' },
      })
      const ru = await memberA.post(`/api/v1/councils/${councilA.id}/news`, bad, {
        headers: { 'accept-language': 'ru' },
      })
      expect(kk.status).to.equal(400)
      expect(kk.body.errors.map((e: any) => e.path)).to.include.members(['body.tags', 'body'])
      expect(ru.body.detail).to.not.equal(kk.body.detail)
      const past = await memberA.post(
        `/api/v1/councils/${councilA.id}/news`,
        article({ status: 'scheduled', publishAt: '2001-01-01T00:00:00Z' }),
        { headers: { 'accept-language': 'ru' } },
      )
      expect(past.body.errors[0]).to.include({
        code: 'publish_at_past',
        message: 'Время публикации должно быть в будущем',
      })
      const noDate = await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ status: 'scheduled' }), {
        headers: { 'accept-language': 'kk' },
      })
      expect(noDate.body.errors[0]).to.include({
        code: 'publish_at_required',
        message: 'Жоспарланған жариялау үшін уақытты көрсетіңіз',
      })
      expect(
        (await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ title: { ru: { $ne: null } } }))).status,
      ).to.equal(400)
    })
  })

  describe('drafts and GET /api/v1/news/:idOrSlug', () => {
    let draft: any
    before(async () => {
      draft = (
        await memberA.post(
          `/api/v1/councils/${councilA.id}/news`,
          article({ status: 'draft', title: { ru: 'Черновик о бюджете' } }),
        )
      ).body
    })

    it('should show a draft to its council and to moderators only; 404 (not 403) for everyone else', async () => {
      expect((await memberA.get(`/api/v1/news/${draft.id}`)).body.status).to.equal('draft')
      expect((await moderator.get(`/api/v1/news/${draft.slug}`)).status).to.equal(200)
      for (const a of [memberB, citizen, guest]) {
        const res = await a.get(`/api/v1/news/${draft.id}`)
        expect(res.status).to.equal(404)
        expect(res.body.code).to.equal('not_found')
      }
      const list = await guest.get(`/api/v1/news?council=${councilA.id}&limit=100`)
      expect(list.body.items.map((n: any) => n.id)).to.not.include(draft.id)
    })

    it('should answer 404 for malformed ids and unknown slugs', async () => {
      for (const ref of ['xyz!', 'A'.repeat(24), 'no-such-news', '0'.repeat(23)])
        expect((await guest.get(`/api/v1/news/${encodeURIComponent(ref)}`)).status, ref).to.equal(404)
    })

    it('should count a view once per visitor within the window', async () => {
      const n = (
        await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ title: { ru: 'Новость для просмотров' } }))
      ).body
      const v1 = await guest.get(`/api/v1/news/${n.id}`)
      const v2 = await guest.get(`/api/v1/news/${n.slug}`)
      expect(v1.body.views).to.equal(1)
      expect(v2.body.views).to.equal(1)
      const other = await guest.get(`/api/v1/news/${n.id}`, { headers: { 'user-agent': 'another-browser/1.0' } })
      expect(other.body.views).to.equal(2)
      const signedIn = await citizen.get(`/api/v1/news/${n.id}`)
      expect(signedIn.body.views).to.equal(3)
      expect((await citizen.get(`/api/v1/news/${n.id}`)).body.views).to.equal(3)
    })
  })

  describe('PATCH, DELETE and cover of /api/v1/news/:id', () => {
    let n: any
    beforeEach(async () => {
      n = (await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ title: { ru: 'Изменяемая новость' } })))
        .body
    })

    it('should fail with 403 for a member of another council on every write route, 401 for a guest', async () => {
      expect((await memberB.patch(`/api/v1/news/${n.id}`, { title: { ru: 'Взлом' } })).status).to.equal(403)
      expect((await memberB.delete(`/api/v1/news/${n.id}`)).status).to.equal(403)
      const png = Buffer.from('89504e470d0a1a0a', 'hex')
      expect(
        (
          await memberB.upload(`/api/v1/news/${n.id}/cover`, {
            files: [{ field: 'file', filename: 'c.png', content: png }],
          })
        ).status,
      ).to.equal(403)
      expect((await citizen.patch(`/api/v1/news/${n.id}`, { title: { ru: 'Взлом' } })).status).to.equal(403)
      expect((await guest.patch(`/api/v1/news/${n.id}`, { title: { ru: 'Взлом' } })).status).to.equal(401)
      expect((await guest.delete(`/api/v1/news/${n.id}`)).status).to.equal(401)
      expect((await memberA.get(`/api/v1/news/${n.id}`)).body.title.ru).to.equal('Изменяемая новость')
    })

    it('should edit, archive (gone from public) and unarchive keeping the publication date', async () => {
      const edited = await memberA.patch(`/api/v1/news/${n.id}`, {
        title: { ru: 'Исправленная новость' },
        tags: ['Бюджет'],
      })
      expect(edited.status).to.equal(200)
      expect(edited.body.tags).to.deep.equal(['бюджет'])
      const archived = await moderator.patch(`/api/v1/news/${n.id}`, { status: 'archived' })
      expect(archived.body.status).to.equal('archived')
      expect((await guest.get(`/api/v1/news/${n.id}`)).status).to.equal(404)
      const back = await memberA.patch(`/api/v1/news/${n.id}`, { status: 'published' })
      expect(back.body.publishedAt).to.equal(n.publishedAt)
      expect((await memberA.patch(`/api/v1/news/${n.id}`, {})).status).to.equal(400)
      expect((await memberA.patch(`/api/v1/news/${n.id}`, { views: 1000 })).status).to.equal(400)
      expect((await memberA.patch(`/api/v1/news/${'c'.repeat(24)}`, { status: 'archived' })).status).to.equal(404)
    })

    it('should delete for its council and answer 404 afterwards', async () => {
      expect((await memberA.delete(`/api/v1/news/${n.id}`)).status).to.equal(204)
      expect((await memberA.get(`/api/v1/news/${n.id}`)).status).to.equal(404)
      expect((await memberA.delete(`/api/v1/news/${n.id}`)).status).to.equal(404)
    })
  })

  describe('GET /api/v1/news (lists and search)', () => {
    before(async () => {
      await memberB.post(
        `/api/v1/councils/${councilB.id}/news`,
        article({
          title: { kk: 'Шымкент қаласының кеңестері жиналды', ru: 'Советы Шымкента собрались' },
          tags: ['Шымкент'],
          body: { ru: '<p>Обсуждение бюджета города</p>' },
        }),
      )
    })

    it('should list published news by council (id or slug), region (id or code) and tag', async () => {
      const byCouncil = await guest.get(`/api/v1/news?council=${councilB.slug}`)
      expect(byCouncil.body.items).to.have.length(1)
      expect(byCouncil.body.items[0]).to.have.keys(
        'id',
        'slug',
        'councilId',
        'title',
        'summary',
        'coverUrl',
        'tags',
        'publishedAt',
      )
      expect((await guest.get(`/api/v1/news?council=${councilB.id}`)).body.items).to.have.length(1)
      expect((await guest.get('/api/v1/news?region=KZ-79')).body.items.map((n: any) => n.councilId)).to.deep.equal([
        councilB.id,
      ])
      expect((await guest.get(`/api/v1/news?tag=${encodeURIComponent('#ШЫМКЕНТ')}`)).body.items).to.have.length(1)
      expect((await guest.get('/api/v1/news?council=no-such-council')).body.items).to.deep.equal([])
      expect((await guest.get('/api/v1/news?council=%24gt')).status).to.equal(400)
    })

    it('should find news by inflected words in Kazakh and Russian', async () => {
      const cases: [string, string][] = [
        ['кеңес', councilB.id],
        ['кеңестің', councilB.id],
        ['совет', councilB.id],
        ['советов', councilB.id],
        ['бюджет города', councilB.id],
        ['Шымкентте', councilB.id],
      ]
      for (const [q, councilId] of cases) {
        const res = await guest.get(`/api/v1/news?q=${encodeURIComponent(q)}`)
        expect(res.status).to.equal(200)
        expect(
          res.body.items.map((n: any) => n.councilId),
          q,
        ).to.include(councilId)
      }
      expect(
        (await guest.get(`/api/v1/news?q=${encodeURIComponent('Шымкент')}&council=${councilA.id}`)).body.items,
      ).to.deep.equal([])
    })

    it('should cap limit at 100 and page through everything without duplicates', async () => {
      for (let i = 0; i < 6; i++)
        await memberA.post(`/api/v1/councils/${councilA.id}/news`, article({ title: { ru: `Пачка ${i}` } }))
      const all = (await guest.get('/api/v1/news?limit=10000')).body.items
      expect(all.length).to.be.at.most(100)
      const dates = all.map((n: any) => n.publishedAt)
      expect(dates).to.deep.equal([...dates].sort().reverse())
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const res: any = await guest.get(`/api/v1/news?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        seen.push(...res.body.items.map((n: any) => n.id))
        cursor = res.body.nextCursor
      } while (cursor)
      expect(seen).to.have.length(all.length)
      expect(new Set(seen).size).to.equal(seen.length)
    })
  })

  describe('GET /api/v1/news/feed.xml', () => {
    it('should be valid RSS 2.0 in the request language with escaped text and absolute links', async () => {
      await memberA.post(
        `/api/v1/councils/${councilA.id}/news`,
        article({ title: { kk: 'Салық & <бюджет> "туралы"', ru: 'Налоги & <бюджет> "о"' } }),
      )
      for (const lng of ['kk', 'ru'] as const) {
        const res = await guest.get(`/api/v1/news/feed.xml?council=${councilA.slug}&lng=${lng}`)
        expect(res.status).to.equal(200)
        expect(res.headers.get('content-type')).to.equal('application/rss+xml; charset=utf-8')
        const xml = res.text
        expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).to.equal(true)
        expect(xml).to.not.match(/&(?!amp;|lt;|gt;|quot;|apos;)/)
        const items = [...xml.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => m[1])
        expect(items.length).to.be.greaterThan(0)
        for (const it of items) {
          expect(it).to.match(/<title>[^<]+<\/title>/)
          expect(it).to.match(new RegExp(`<link>${t.config.publicUrl.replace(/[.]/g, '\\.')}/news/[a-z0-9-]+</link>`))
          expect(new Date(/<pubDate>([^<]+)<\/pubDate>/.exec(it)![1]).getTime()).to.be.greaterThan(0)
        }
        const titles = items.map((i) => /<title>([^<]+)<\/title>/.exec(i)![1])
        expect(titles).to.include(
          lng === 'kk' ? 'Салық &amp; &lt;бюджет&gt; &quot;туралы&quot;' : 'Налоги &amp; &lt;бюджет&gt; &quot;о&quot;',
        )
        expect(xml).to.contain(`<language>${lng}-KZ</language>`)
        // Balanced elements: every opened tag is closed (a cheap well-formedness check).
        const opened = (xml.match(/<(item|channel|rss)[ >]/g) ?? []).length
        const closed = (xml.match(/<\/(item|channel|rss)>/g) ?? []).length
        expect(opened).to.equal(closed)
      }
      expect((await guest.get('/api/v1/news/feed.xml?council=no-such')).status).to.equal(404)
    })
  })

  describe('cache and council stats', () => {
    it('should show a new article in the next list and update the council news count', async () => {
      const before = await guest.get(`/api/v1/councils/${councilB.id}`)
      await guest.get(`/api/v1/councils/${councilB.id}`)
      await guest.get(`/api/v1/news?council=${councilB.id}`)
      const hit = await guest.get(`/api/v1/news?council=${councilB.id}`)
      expect(hit.headers.get('x-cache')).to.equal('HIT')
      const etag = hit.headers.get('etag')!
      expect(
        (await guest.get(`/api/v1/news?council=${councilB.id}`, { headers: { 'if-none-match': etag } })).status,
      ).to.equal(304)
      const created = (
        await memberB.post(`/api/v1/councils/${councilB.id}/news`, article({ title: { ru: 'Свежая новость' } }))
      ).body
      const after = await guest.get(`/api/v1/news?council=${councilB.id}`)
      expect(after.body.items[0].id).to.equal(created.id)
      expect(
        (await guest.get(`/api/v1/news?council=${councilB.id}`, { headers: { 'if-none-match': etag } })).status,
      ).to.equal(200)
      const profile = await guest.get(`/api/v1/councils/${councilB.id}`)
      expect(profile.body.stats.news).to.equal(before.body.stats.news + 1)
    })

    it('computes concurrent misses of one list once: the others get that answer', async () => {
      const url = `${t.url}/api/v1/news?council=${councilB.id}&limit=7`
      const all = await Promise.all(Array.from({ length: 12 }, () => fetch(url)))
      expect(all.map((r) => r.status)).to.deep.equal(all.map(() => 200))
      expect(all.filter((r) => r.headers.get('x-cache') === 'MISS')).to.have.length(1)
      const bodies = new Set(await Promise.all(all.map((r) => r.text())))
      expect(bodies.size).to.equal(1)
      // A route that does not opt in is still answered for everyone, concurrently.
      const health = await Promise.all(Array.from({ length: 5 }, () => fetch(`${t.url}/api/v1/health`)))
      expect(health.map((r) => [r.status, r.headers.get('x-cache')])).to.deep.equal(health.map(() => [200, null]))
    })
  })
})
