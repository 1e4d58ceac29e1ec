import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { loginAs } from '../helpers/users.js'
import { axeProblems, settled, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: public pages in a real browser', function () {
  this.timeout(180_000)
  const s = browserSuite()
  const pages: [string, string][] = []

  before(async function () {
    const council = await s.council({ kk: 'Астана қаласының қоғамдық кеңесі', ru: 'Общественный совет города Астаны' })
    const member = await loginAs(s.t, { roles: ['council_member'], councilIds: [council.id] })
    const news = await member.post(`/api/v1/councils/${council.id}/news`, {
      title: { kk: 'Кеңестің кезекті отырысы өтті', ru: 'Состоялось очередное заседание совета' },
      summary: { kk: 'Қалалық көлік мәселелері талқыланды.', ru: 'Обсуждены вопросы городского транспорта.' },
      body: {
        kk: '<p>Отырыста <strong>қоғамдық көлік</strong> талқыланды.</p><ul><li>Бағыттар</li><li>Тарифтер</li></ul>',
        ru: '<p>На заседании обсудили <strong>общественный транспорт</strong>.</p>',
      },
      tags: ['көлік'],
      status: 'published',
    })
    expect(news.status, news.text).to.equal(201)
    // An answered appeal its author allowed to publish: the public Q&A has an entry.
    const citizen = await loginAs(s.t, { roles: ['citizen'] })
    const appeal = await citizen.post('/api/v1/appeals', {
      councilId: council.id,
      category: 'question',
      subject: 'Аялдама қашан салынады?',
      text: 'Біздің ауданда аялдама қашан салынатынын білгім келеді.',
      isPublic: true,
    })
    expect(appeal.status, appeal.text).to.equal(201)
    const reply = await member.post(`/api/v1/appeals/${appeal.body.id}/replies`, {
      text: 'Аялдама келесі жылы салынады.',
    })
    expect(reply.status, reply.text).to.equal(201)
    pages.push(
      ['home', '/'],
      ['councils', '/councils'],
      ['council', `/councils/${council.slug}`],
      ['news', '/news'],
      ['news-article', `/news/${news.body.slug}`],
      ['videos', '/videos'],
      ['qa', '/qa'],
      ['appeal-form', '/appeals/new'],
      ['track', '/appeals/track'],
      ['login', '/login'],
      ['register', '/register'],
      ['forgot', '/forgot-password'],
      ['not-found', '/no-such-page'],
    )
  })

  async function open(page: Page, url: string): Promise<void> {
    const res = await page.goto(url)
    expect(res?.status()).to.equal(200)
    await settled(page)
  }

  // Both languages, and the visually-impaired mode (large text, high contrast, no images) in
  // Kazakh: the mode changes only styles, which the language does not affect.
  const runs: ['kk' | 'ru', 'normal' | 'impaired'][] = [
    ['kk', 'normal'],
    ['ru', 'normal'],
    ['kk', 'impaired'],
  ]
  for (const [lng, mode] of runs) {
    it(`has no serious or critical axe violations on every public page (${lng}, ${mode})`, async () => {
      const ctx = await s.context({ lng })
      if (mode === 'impaired')
        await ctx.addInitScript(() =>
          localStorage.setItem('kenes.a11y', JSON.stringify({ fontScale: 1.5, highContrast: true, hideImages: true })),
        )
      const page = await ctx.newPage()
      const problems: string[] = []
      for (const [name, url] of pages) {
        await open(page, url)
        expect(await page.getAttribute('html', 'lang'), name).to.equal(lng)
        if (mode === 'impaired') expect(await page.getAttribute('html', 'class'), name).to.contain('hc')
        for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`)
        if (lng === 'kk' || ['home', 'council', 'appeal-form'].includes(name))
          await shot(page, `${name}-${lng}-${mode}`)
      }
      await ctx.close()
      expect(problems, problems.join('\n')).to.deep.equal([])
    })
  }

  it('lays out the main pages on a 360 px wide phone without horizontal scrolling', async () => {
    const ctx = await s.context({ lng: 'kk', width: 360 })
    const page = await ctx.newPage()
    for (const [name, url] of pages.slice(0, 8)) {
      await open(page, url)
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, `${name} overflows by ${overflow}px`).to.be.at.most(0)
      await shot(page, `${name}-kk-360`)
    }
    await ctx.close()
  })

  it('switches the language on the page, sets <html lang> and remembers the choice', async () => {
    const ctx = await s.context()
    const page = await ctx.newPage()
    await open(page, '/')
    expect(await page.getAttribute('html', 'lang')).to.equal('kk') // Kazakh by default
    expect(await page.locator('h1').first().textContent()).to.equal(web('kk').home.title)
    await page.getByRole('button', { name: 'Русский' }).click()
    await page.waitForFunction(() => document.documentElement.lang === 'ru')
    expect(await page.locator('h1').first().textContent()).to.equal(web('ru').home.title)
    expect(await page.getByRole('link', { name: web('ru').nav.councils, exact: true }).count()).to.equal(1)
    // Data requested after the switch comes back in Russian too (the cookie goes to the API).
    await page.getByRole('link', { name: web('ru').nav.councils, exact: true }).click()
    await settled(page)
    await page.getByRole('link', { name: 'Общественный совет города Астаны' }).waitFor()
    await page.reload()
    await settled(page)
    expect(await page.getAttribute('html', 'lang')).to.equal('ru')
    expect((await ctx.cookies()).find((c) => c.name === 'lng')?.value).to.equal('ru')
    await page.getByRole('button', { name: 'Қазақша' }).click()
    await page.waitForFunction(() => document.documentElement.lang === 'kk')
    expect(await page.locator('h1').first().textContent()).to.equal(web('kk').councils.title)
    await ctx.close()
  })

  it('keeps the visually-impaired settings across pages and visits', async () => {
    const ctx = await s.context({ lng: 'ru' })
    const page = await ctx.newPage()
    await open(page, '/')
    await page.getByRole('button', { name: web('ru').a11y.toggle }).click()
    await page.getByRole('button', { name: web('ru').a11y.larger }).click()
    await page.getByLabel(web('ru').a11y.highContrast).check()
    await page.getByLabel(web('ru').a11y.hideImages).check()
    await page.goto('/councils')
    await settled(page)
    const state = await page.evaluate(() => ({
      cls: document.documentElement.className,
      size: document.documentElement.style.fontSize,
    }))
    expect(state.cls).to.contain('hc').and.to.contain('no-img')
    expect(state.size).to.equal('125%')
    await ctx.close()
  })

  it('works with the keyboard alone: the visually-impaired panel and the language switch', async () => {
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await open(page, '/')
    await page.keyboard.press('Tab') // skip link
    await page.keyboard.press('Tab') // the visually-impaired toggle
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).to.equal('false')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).to.equal('true')
    await page.keyboard.press('Tab') // A− is disabled at 100 %: focus goes to A+
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).to.equal(
      web('kk').a11y.larger,
    )
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.documentElement.style.fontSize)).to.equal('125%')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Space') // high contrast
    expect(await page.evaluate(() => document.documentElement.classList.contains('hc'))).to.equal(true)
    // Focus is visible: the focused control draws an outline.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).to.equal('solid')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab') // reset link, then the language buttons
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.contain('РУС')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.documentElement.lang === 'ru')
    await ctx.close()
  })

  it('starts with a skip link that moves focus to the main content', async () => {
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await open(page, '/')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal(web('kk').nav.skip)
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => location.hash)).to.equal('#main')
    await ctx.close()
  })
})
