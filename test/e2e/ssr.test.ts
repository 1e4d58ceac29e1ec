import { expect } from 'chai'
import type { ConsoleMessage, Page } from 'playwright-core'
import { Agent } from '../helpers/agent.js'
import { loginAs } from '../helpers/users.js'
import { pendingVideo } from '../api/videos/helpers.js'
import { browserSuite, web } from './support.js'

type Lng = 'kk' | 'ru'

/**
 * Server-side rendering of the public pages (server/core/ssr.ts, client/src/entry-server.tsx):
 * their content is in the HTML at first byte, in the negotiated language, with the query cache
 * the browser hydrates from; built assets are immutable, pages are revalidated.
 */
describe('web client: server-rendered public pages', function () {
  this.timeout(240_000)
  const s = browserSuite()
  const guest = () => new Agent(s.t.url)
  const html = (path: string, headers: Record<string, string> = {}) =>
    guest().get(path, { headers: { accept: 'text/html,application/xhtml+xml', ...headers } })
  const fixture = {
    council: { kk: 'Ақтөбе облысының қоғамдық кеңесі', ru: 'Общественный совет Актюбинской области' },
    news: { kk: 'Кеңес су құбыры туралы тыңдау өткізді', ru: 'Совет провёл слушания о водопроводе' },
    event: { kk: 'Жастармен ашық кездесу', ru: 'Открытая встреча с молодёжью' },
    video: { kk: 'Кеңестің көшпелі отырысы', ru: 'Выездное заседание совета' },
  }
  const pages: Record<string, string> = {}
  const TRICKY = 'Тұрғындар </script><script>alert(1)</script> сұрақ\u2028қойды\u2029.'

  before(async () => {
    const council = await s.council({ kk: fixture.council.kk, ru: fixture.council.ru, regionCode: 'KZ-15' })
    const member = await loginAs(s.t, { roles: ['council_member'], councilIds: [council.id] })
    const news = await member.post(`/api/v1/councils/${council.id}/news`, {
      title: fixture.news,
      // Text that must not end the state's <script> early nor break a JavaScript parser.
      summary: { kk: TRICKY, ru: TRICKY },
      body: { kk: '<p>Тыңдау <strong>ашық</strong> өтті.</p>', ru: '<p>Слушания прошли <strong>открыто</strong>.</p>' },
      status: 'published',
    })
    expect(news.status, news.text).to.equal(201)
    const moderator = await loginAs(s.t, { roles: ['moderator'] })
    const start = new Date(Date.now() + 10 * 86400_000)
    const event = await moderator.post('/api/v1/events', {
      kind: 'meeting',
      title: fixture.event,
      description: { kk: 'Жастар саясаты туралы', ru: 'О молодёжной политике' },
      format: 'online',
      onlineUrl: 'https://meet.example.kz/youth',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 7200_000).toISOString(),
      registrationClosesAt: new Date(start.getTime() - 3600_000).toISOString(),
      organizerCouncilIds: [council.id],
      capacity: 50,
      audience: 'public',
    })
    expect(event.status, event.text).to.equal(201)
    const published = await moderator.patch(`/api/v1/events/${event.body.id}`, { status: 'published' })
    expect(published.status, published.text).to.equal(200)
    const videoId = await pendingVideo(member, council.id, {
      'title.kk': fixture.video.kk,
      'title.ru': fixture.video.ru,
      'description.kk': 'Отырыс',
      'description.ru': 'Заседание',
    })
    const approved = await moderator.post(`/api/v1/videos/${videoId}/approve`, {})
    expect(approved.status, approved.text).to.equal(200)
    Object.assign(pages, {
      home: '/',
      councils: '/councils',
      council: `/councils/${council.slug}`,
      news: `/news/${news.body.slug}`,
      event: `/events/${event.body.slug ?? event.body.id}`,
      video: `/videos/${videoId}`,
    })
  })

  /** What each page must show in its raw HTML, in each language. */
  const expected = (page: string, lng: Lng): string[] => {
    const w = web(lng)
    switch (page) {
      case 'home':
        return [w.home.title, fixture.news[lng], fixture.video[lng]]
      case 'councils':
        return [fixture.council[lng]]
      case 'council':
        return [fixture.council[lng], fixture.news[lng], fixture.video[lng]]
      case 'news':
        return [fixture.news[lng]]
      case 'event':
        return [fixture.event[lng]]
      default:
        return [fixture.video[lng]]
    }
  }
  const rootOf = (body: string) => {
    const m =
      /<div id="root">([\s\S]*)<\/div>\s*<script type="application\/json" id="kenes-state">([\s\S]*?)<\/script>/.exec(
        body,
      )
    expect(m, 'a rendered #root followed by the query state').to.not.equal(null)
    return { root: m![1], state: m![2] }
  }

  for (const lng of ['kk', 'ru'] as const)
    it(`puts each public page's content in the HTML, in ${lng} (negotiated from ?lng, the cookie or Accept-Language)`, async () => {
      for (const [name, path] of Object.entries(pages)) {
        // One language source per page, in turn: Accept-Language, the cookie, ?lng=.
        const ways: [string, Record<string, string>][] = [
          [path, { 'accept-language': lng === 'ru' ? 'ru-RU,ru;q=0.9' : 'kk-KZ,kk;q=0.9' }],
          [path, { cookie: `lng=${lng}` }],
          [`${path}${path.includes('?') ? '&' : '?'}lng=${lng}`, {}],
        ]
        for (const [url, headers] of ways) {
          const res = await html(url, headers)
          expect(res.status, `${name} ${url}`).to.equal(200)
          expect(res.headers.get('content-type')).to.match(/^text\/html/)
          expect(res.text).to.match(new RegExp(`<html lang="${lng}" data-ssr=""`), `${name}: <html lang>`)
          // The page's own title, as the browser sets it (useTitle), in <title> already.
          if (name === 'council') expect(res.text).to.include(`<title>${fixture.council[lng]} · `)
          const { root, state } = rootOf(res.text)
          for (const text of expected(name, lng)) expect(root, `${name} (${lng}) shows “${text}”`).to.include(text)
          // The state parses and cannot close its <script> early.
          expect(state).to.not.include('<')
          expect(state).to.not.match(/[\u2028\u2029]/)
          const parsed = JSON.stringify(JSON.parse(state))
          if (name === 'news') expect(parsed).to.include(JSON.stringify(TRICKY).slice(1, -1))
          expect(res.headers.get('cache-control')).to.equal('no-cache')
        }
      }
    })

  it('answers an unknown council, article, event or video with a 404 and the not-found page', async () => {
    const w = web('ru')
    for (const [path, text] of [
      ['/councils/no-such-council', w.council.notFound],
      ['/news/no-such-article', null],
      ['/events/no-such-event', null],
      ['/videos/000000000000000000000000', null],
    ] as const) {
      const res = await html(path, { cookie: 'lng=ru' })
      expect(res.status, path).to.equal(404)
      expect(res.text, path).to.include('data-ssr=""')
      if (text) expect(rootOf(res.text).root).to.include(text)
    }
    // A path no page has stays the browser's business (the shell), as before.
    const shell = await html('/no-such-page')
    expect(shell.status).to.equal(200)
    expect(shell.text).to.include('<div id="root"></div>')
  })

  it('serves a signed-in person the shell, and caches the guest HTML until the data changes', async () => {
    const member = await loginAs(s.t, { roles: ['citizen'] })
    const mine = await member.get(pages.council, { headers: { accept: 'text/html' } })
    expect(mine.status).to.equal(200)
    expect(mine.text).to.include('<div id="root"></div>')
    expect(mine.text).to.not.include('kenes-state')

    const first = await html(pages.council, { cookie: 'lng=kk' })
    const second = await html(pages.council, { cookie: 'lng=kk' })
    expect(second.headers.get('x-cache')).to.equal('HIT')
    expect(second.text).to.equal(first.text)
    // A 304 with the ETag: the browser revalidates and keeps its copy.
    const etag = second.headers.get('etag')!
    expect((await html(pages.council, { cookie: 'lng=kk', 'if-none-match': etag })).status).to.equal(304)
    // An edit of the council (a write through the API) is on the next page view.
    const admin = await loginAs(s.t, { roles: ['admin'] })
    const id = (await guest().get(`/api/v1${pages.council}`)).body.id
    const renamed = { kk: 'Ақтөбе облысы кеңесі (жаңа атау)', ru: 'Совет Актюбинской области (новое название)' }
    const patch = await admin.patch(`/api/v1/councils/${id}`, { name: renamed })
    expect(patch.status, patch.text).to.equal(200)
    const after = await html(pages.council, { cookie: 'lng=kk' })
    expect(rootOf(after.text).root).to.include(renamed.kk)
    await admin.patch(`/api/v1/councils/${id}`, { name: fixture.council })
  })

  it('serves built assets as immutable and the shell and pages as revalidated', async () => {
    const res = await html('/')
    const assets = [...res.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
    expect(assets.length).to.be.greaterThan(1)
    for (const a of assets) {
      const r = await guest().get(a, { headers: { accept: '*/*' } })
      expect(r.status, a).to.equal(200)
      expect(r.headers.get('cache-control'), a).to.equal('public, max-age=31536000, immutable')
    }
    // The page's chunks and its language are preloaded.
    expect(res.text).to.match(/<link rel="modulepreload" crossorigin href="\/assets\/kk-[^"]+\.js">/)
    const council = await html(pages.council)
    expect(council.text).to.match(/<link rel="modulepreload" crossorigin href="\/assets\/council-[^"]+\.js">/)
    const shell = await html('/login')
    expect(shell.headers.get('cache-control')).to.equal('no-cache')
  })

  it('hydrates every server-rendered page in Chromium without a console error or a refetch, and stays interactive', async () => {
    for (const lng of ['kk', 'ru'] as const) {
      const ctx = await s.context({ lng })
      // Hydration attaches to the server's elements: none of those inside #root is removed and made
      // again (Preact, unlike React, does not report a mismatch on the console). An element that an
      // effect removes for good (the play button where the browser plays HLS itself) is not one.
      await ctx.addInitScript(() => {
        const w = window as unknown as { __remadeInRoot: () => number }
        const removed: Element[] = []
        const added: Element[] = []
        const observer = new MutationObserver((records) => {
          if (document.readyState === 'loading') return
          for (const r of records)
            if (document.getElementById('root')?.contains(r.target)) {
              for (const n of r.removedNodes) if (n instanceof Element) removed.push(n)
              for (const n of r.addedNodes) if (n instanceof Element) added.push(n)
            }
        })
        observer.observe(document, { childList: true, subtree: true })
        // What the parser inserts is not counted: parsing ends before the page's scripts run.
        document.addEventListener('readystatechange', () => {
          if (document.readyState === 'interactive') observer.takeRecords()
        })
        w.__remadeInRoot = () =>
          removed.filter((r) => added.some((a) => a.tagName === r.tagName && a.textContent === r.textContent)).length
      })
      const page = await ctx.newPage()
      const remadeInRoot = () =>
        page.evaluate(() => (window as unknown as { __remadeInRoot: () => number }).__remadeInRoot())
      const problems: string[] = []
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
      })
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
      const apiReads: string[] = []
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/')) apiReads.push(r.url())
      })
      for (const [name, path] of Object.entries(pages)) {
        apiReads.length = 0
        const res = await page.goto(path)
        expect(res?.status(), name).to.equal(200)
        await hydrated(page)
        expect(await remadeInRoot(), `${name} (${lng}): elements of the server's HTML made again`).to.equal(0)
        expect(problems, `${name} (${lng})`).to.deep.equal([])
        expect(apiReads, `${name} (${lng}) hydrates from the page's state`).to.deep.equal([])
        for (const text of expected(name, lng))
          expect(await page.locator('#root').innerText(), `${name} (${lng})`).to.include(text)
      }
      // A missing council: the server's not-found view hydrates as is (no "loading", no refetch).
      apiReads.length = 0
      const missing = await page.goto('/councils/no-such-council')
      expect(missing?.status()).to.equal(404)
      await hydrated(page)
      expect(await remadeInRoot(), "not-found page: elements of the server's HTML made again").to.equal(0)
      // The document's own 404 is logged by Chromium; nothing else may be.
      expect(problems.filter((p) => !/status of 404/.test(p))).to.deep.equal([])
      problems.length = 0
      expect(apiReads).to.deep.equal([])
      await page.locator('main h1', { hasText: web(lng).council.notFound }).waitFor()
      expect(await page.locator('main [role=alert]').count()).to.equal(1)
      // Interactive: the language switch re-renders in the other language, a link navigates in the page.
      await page.goto('/')
      await hydrated(page)
      const other: Lng = lng === 'kk' ? 'ru' : 'kk'
      await page.locator(`.lang-switch button[lang=${other}]`).click()
      await page.locator('h1', { hasText: web(other).home.title }).waitFor()
      await page.locator('.site-header nav a[href="/councils"]').first().click()
      await page.waitForURL('**/councils')
      await page.locator('#root', { hasText: fixture.council[other] }).waitFor()
      expect(problems, `after interaction (${lng})`).to.deep.equal([])
      await ctx.close()
    }
  })
})

/** Preact (the client's React, via preact/compat) has attached to the server's markup: its root vnode sits on #root (`__k`). */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const root = document.getElementById('root') as (HTMLElement & Record<string, unknown>) | null
    return Boolean(root && '__k' in root && root.__k)
  })
  await page.waitForLoadState('networkidle')
}
