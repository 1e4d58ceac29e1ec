import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { eventBody, publishedEvent, regionIds } from '../api/events/fixtures.js'
import { pendingVideo } from '../api/videos/helpers.js'
import { Agent } from '../helpers/agent.js'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, settled, shot, signIn } from './browser.js'
import { browserSuite, web } from './support.js'

type Lng = 'kk' | 'ru'
type Role = 'guest' | 'member' | 'admin'
type Login = { email: string; password: string }

const PHONE = { width: 375, height: 740 }
/** Every link of the main menu (the "More" and "Manage" disclosures included). */
const PUBLIC_LINKS = [
  '/',
  '/councils',
  '/news',
  '/events',
  '/qa',
  '/appeals/new',
  '/appeals/track',
  '/videos',
  '/best-practices',
  '/indicators',
  '/help',
  '/grants',
]
const STAFF_LINKS = ['/member', '/moderation']

/**
 * The portal on a 375 px phone, as a guest, a council member and an administrator, in Kazakh and
 * Russian: no page scrolls sideways, the main menu opens and closes from the keyboard with every
 * link reachable, and axe finds nothing serious. On a desktop the administrator's menu is one row.
 */
describe('web client: every main page on a 375 px phone', function () {
  this.timeout(600_000)
  const s = browserSuite()
  /** Per language: a signed-in person's profile language wins over the browser's cookie. */
  const logins = { kk: {}, ru: {} } as Record<Lng, Record<Exclude<Role, 'guest'>, Login>>
  const pages = {} as Record<Role, [string, string][]>

  before(async function () {
    const council = await s.council({
      kk: 'Павлодар облысының қоғамдық кеңесі',
      ru: 'Общественный совет Павлодарской области',
      regionCode: 'KZ-55',
      level: 'oblast',
    })
    for (const lng of ['kk', 'ru'] as const) {
      logins[lng].member = await s.member(council, { displayName: 'Гүлнар Жұмабаева', locale: lng })
      logins[lng].admin = await createUser(s.t, { roles: ['admin'], displayName: 'Админ Портала', locale: lng })
    }
    const member = await agentOf(logins.kk.member)
    const admin = await agentOf(logins.kk.admin)

    const news = await member.post(`/api/v1/councils/${council.id}/news`, {
      title: {
        kk: 'Кеңестің кезекті отырысында облыстық бюджет талқыланды',
        ru: 'На заседании совета обсудили областной бюджет',
      },
      summary: { kk: 'Ауыл жолдары мен мектептер.', ru: 'Сельские дороги и школы.' },
      body: {
        kk: '<p>Отырыста <strong>бюджет</strong> талқыланды.</p>',
        ru: '<p>Обсудили <strong>бюджет</strong>.</p>',
      },
      status: 'published',
    })
    expect(news.status, news.text).to.equal(201)
    const [regionId] = await regionIds()
    const event = await publishedEvent(member, eventBody([council.id], regionId, { audience: 'public' }))
    const videoId = await pendingVideo(member, council.id)
    expect((await admin.post(`/api/v1/videos/${videoId}/approve`, {})).status).to.equal(200)
    // The administrator's and a citizen's appeals: "my appeals" and the council's queue have rows.
    for (const who of [admin, await agentOf(logins.ru.admin), await agentOf(await createUser(s.t))]) {
      const appeal = await who.post('/api/v1/appeals', {
        councilId: council.id,
        category: 'proposal',
        subject: 'Аулаларды абаттандыру туралы ұсыныс',
        text: 'Біздің ауданның аулаларын абаттандыруды ұсынамыз.',
        isPublic: false,
      })
      expect(appeal.status, appeal.text).to.equal(201)
    }

    pages.guest = [
      ['home', '/'],
      ['councils', '/councils'],
      ['council', `/councils/${council.slug}`],
      ['news', '/news'],
      ['article', `/news/${news.body.slug}`],
      ['videos', '/videos'],
      ['video', `/videos/${videoId}`],
      ['qa', '/qa'],
      ['events', '/events'],
      ['event', `/events/${event.slug}`],
      ['appeal-form', '/appeals/new'],
      ['track', '/appeals/track'],
      ['help', '/help'],
      ['indicators', '/indicators'],
      ['best-practices', '/best-practices'],
      ['grants', '/grants'],
      ['login', '/login'],
      ['register', '/register'],
      // signed-in pages, reached as a guest: a sign-in prompt, and no failed request in the console
      ['my-events', '/events/mine'],
      ['ticket', '/help/tickets/000000000000000000000000'],
    ]
    pages.member = [
      ['home', '/'],
      ['my-appeals', '/appeals/mine'],
      ['member-area', '/member'],
      ['appeal-queue', `/member/councils/${council.id}/appeals`],
      ['council-news', `/member/councils/${council.id}/news`],
      ['my-grants', '/grants/mine'],
      ['my-events', '/events/mine'],
    ]
    pages.admin = [
      ['home', '/'],
      ['my-appeals', '/appeals/mine'],
      ['moderation', '/moderation'],
      ['new-council', '/moderation/councils/new'],
      ['users', '/moderation/users'],
      ['support-queue', '/help/queue'],
      ['practices-manage', '/best-practices/manage'],
      ['grants-admin', '/grants/admin'],
      ['scorecard', '/grants/scorecard'],
    ]
  })

  async function agentOf(login: Login): Promise<Agent> {
    const agent = new Agent(s.t.url)
    const res = await agent.post('/api/v1/auth/login', { email: login.email, password: login.password })
    expect(res.status, res.text).to.equal(200)
    return agent
  }
  async function contextFor(role: Role, lng: Lng, width = PHONE.width, height = PHONE.height) {
    const ctx = await s.context({ lng, width, height })
    const page = await ctx.newPage()
    if (role !== 'guest') await signIn(page, logins[lng][role].email, logins[lng][role].password)
    return { ctx, page }
  }
  const expanded = (page: Page, selector: string) => page.getAttribute(selector, 'aria-expanded')
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return {
        href: el instanceof HTMLAnchorElement ? new URL(el.href).pathname : null,
        inNav: Boolean(el?.closest('nav.main-nav')),
        group: el?.parentElement?.classList.contains('nav-group') ? el.getAttribute('aria-expanded') : null,
      }
    })

  /** Opens the menu from the keyboard and tabs through it, opening each disclosure on the way. */
  async function menuByKeyboard(page: Page, role: Role): Promise<void> {
    const toggle = page.locator('.nav-toggle')
    expect(await toggle.isVisible(), 'the menu button shows on a phone').to.equal(true)
    expect(await page.locator('.nav-list a').first().isVisible(), 'the menu starts closed').to.equal(false)
    await toggle.focus()
    await page.keyboard.press('Enter')
    expect(await expanded(page, '.nav-toggle')).to.equal('true')
    const reached = new Set<string>()
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const f = await focused(page)
      if (!f.inNav) break
      if (f.href) reached.add(f.href)
      if (f.group === 'false') await page.keyboard.press('Space') // open "More" / "Manage"
    }
    const expected =
      role === 'guest'
        ? PUBLIC_LINKS
        : role === 'member'
          ? [...PUBLIC_LINKS, '/member']
          : [...PUBLIC_LINKS, ...STAFF_LINKS]
    expect([...reached].sort()).to.deep.equal([...expected].sort())
    await shot(page, `mobile-${role}-menu-open`)
    // The open menu does not widen the page either.
    expect(await overflow(page), 'overflow with the menu open').to.be.at.most(0)
    // Escape closes it and gives focus back to the button; Space opens it again.
    await page.locator('.nav-list a[href="/councils"]').focus()
    await page.keyboard.press('Escape')
    expect(await expanded(page, '.nav-toggle')).to.equal('false')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('nav-toggle'))).to.equal(true)
    expect(await page.locator('.nav-list a').first().isVisible()).to.equal(false)
    await page.keyboard.press('Space')
    expect(await expanded(page, '.nav-toggle')).to.equal('true')
    // Following a link closes the menu.
    await page.locator('.nav-list a[href="/councils"]').click()
    await page.waitForURL((u) => u.pathname === '/councils')
    expect(await expanded(page, '.nav-toggle')).to.equal('false')
  }
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

  for (const lng of ['kk', 'ru'] as const) {
    for (const role of ['guest', 'member', 'admin'] as const) {
      it(`lays out every main page without sideways scrolling, with a keyboard menu (${role}, ${lng})`, async () => {
        const { ctx, page } = await contextFor(role, lng)
        const consoleErrors: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`)
        })
        page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`))
        const problems: string[] = []
        try {
          for (const [name, url] of pages[role]) {
            const res = await page.goto(url)
            expect(res?.status(), name).to.equal(200)
            await settled(page)
            expect(await page.getAttribute('html', 'lang'), name).to.equal(lng)
            const over = await overflow(page)
            if (over > 0) problems.push(`${name}: the page is ${over}px wider than the screen`)
            for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`)
            if (lng === 'kk' || role !== 'guest') await shot(page, `mobile-${role}-${name}-${lng}`)
          }
          await page.goto('/')
          await settled(page)
          await menuByKeyboard(page, role)
        } finally {
          await ctx.close()
        }
        expect(problems, problems.join('\n')).to.deep.equal([])
        // A guest's pages probe the session without a failed request: nothing in the console.
        if (role === 'guest') expect(consoleErrors, consoleErrors.join('\n')).to.deep.equal([])
      })
    }
  }

  for (const lng of ['kk', 'ru'] as const) {
    it(`keeps every guest page within the screen at the largest text size of the accessibility panel (${lng})`, async () => {
      const ctx = await s.context({ lng, width: 375, height: 800 })
      await ctx.addInitScript(() => localStorage.setItem('kenes.a11y', JSON.stringify({ fontScale: 2 })))
      const page = await ctx.newPage()
      const problems: string[] = []
      try {
        for (const [name, url] of pages.guest) {
          await page.goto(url)
          await settled(page)
          expect(await page.evaluate(() => document.documentElement.style.fontSize), name).to.equal('200%')
          const over = await overflow(page)
          if (over > 0) problems.push(`${name}: the page is ${over}px wider than the screen`)
          // A page that was loaded, not navigated to, leaves focus where the browser puts it.
          const focused = await page.evaluate(() => document.activeElement?.tagName)
          if (focused === 'MAIN') problems.push(`${name}: focus was moved to <main> on load`)
        }
        await shot(page, `mobile-guest-large-text-${lng}`)
        // After a navigation inside the page, focus moves to the new content.
        await page.goto('/')
        await settled(page)
        await page.locator('.site-footer a[href="/appeals/track"]').click()
        await page.waitForURL((u) => u.pathname === '/appeals/track')
        await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN')
      } finally {
        await ctx.close()
      }
      expect(problems, problems.join('\n')).to.deep.equal([])
    })
  }

  for (const lng of ['kk', 'ru'] as const) {
    it(`shows the administrator's whole menu as one row at 1280 px, "Manage" working from the keyboard (${lng})`, async () => {
      const { ctx, page } = await contextFor('admin', lng, 1280, 800)
      try {
        await page.goto('/')
        await settled(page)
        expect(await page.locator('.nav-toggle').isVisible(), 'no menu button on a desktop').to.equal(false)
        const rows = await page.evaluate(() => ({
          list: (document.querySelector('.nav-list') as HTMLElement).offsetHeight,
          link: (document.querySelector('.nav-list a') as HTMLElement).offsetHeight,
        }))
        expect(rows.list, 'the menu is exactly one link high').to.equal(rows.link)
        const manage = page.getByRole('button', { name: web(lng).nav.manage })
        await manage.focus()
        await page.keyboard.press('Enter')
        expect(await manage.getAttribute('aria-expanded')).to.equal('true')
        await page.keyboard.press('Tab')
        expect((await focused(page)).href).to.equal('/member')
        await page.keyboard.press('Escape')
        expect(await manage.getAttribute('aria-expanded')).to.equal('false')
        expect(await page.evaluate(() => document.activeElement?.textContent)).to.contain(web(lng).nav.manage)
        expect(await axeProblems(page)).to.deep.equal([])
        await page.keyboard.press('Space')
        await page.getByRole('link', { name: web(lng).nav.moderation }).click()
        await page.waitForURL((u) => u.pathname === '/moderation')
        expect(await manage.getAttribute('aria-expanded')).to.equal('false')
        await shot(page, `desktop-admin-moderation-${lng}`)
      } finally {
        await ctx.close()
      }
    })
  }

  it('creates exactly one appeal when its form is submitted twice in a row', async () => {
    const kk = web('kk')
    const citizen = await createUser(s.t)
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await signIn(page, citizen.email, citizen.password)
    try {
      const councils = await (await fetch(`${s.t.url}/api/v1/councils?limit=1`)).json()
      const send = async (subject: string, how: (page: Page) => Promise<void>) => {
        await page.goto(`/appeals/new?council=${councils.items[0].id}`)
        await settled(page)
        await field(page, kk.appeal.subject).fill(subject)
        await field(page, kk.appeal.text).fill('Бұл өтініш бір рет қана жіберілуі керек.')
        await how(page)
        await page.locator('#appeal-done').waitFor()
      }
      // Two submissions in one go, before the page can re-render the button as disabled.
      await send('Екі рет жіберілген форма', (p) =>
        p.evaluate(() => {
          const form = document.querySelector('main form') as HTMLFormElement
          form.requestSubmit()
          form.requestSubmit()
        }),
      )
      // A double click on the send button.
      await send('Екі рет басылған батырма', (p) => p.getByRole('button', { name: kk.appeal.send }).dblclick())
      const mine = await (await agentOf(citizen)).get('/api/v1/appeals/mine')
      expect(mine.status).to.equal(200)
      expect(mine.body.items.map((a: { subject: string }) => a.subject).sort()).to.deep.equal([
        'Екі рет басылған батырма',
        'Екі рет жіберілген форма',
      ])
    } finally {
      await ctx.close()
    }
  })
})
