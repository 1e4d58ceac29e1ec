import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { pngImage } from '../api/councils/images.js'
import { pdfText, waitForCompendium } from '../api/practices/fixtures.js'
import type { Agent } from '../helpers/agent.js'
import { loginAs } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite } from './support.js'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from './browser.js'

type Lng = 'kk' | 'ru'
const texts = (ns: string, lng: Lng) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'locales', lng, `${ns}.json`), 'utf8'))
const YEAR = new Date(Date.now() + 5 * 3600_000).getUTCFullYear()

describe('web client: indicators, help and best practices in a real browser', function () {
  this.timeout(180_000)
  const s = browserSuite()
  let moderator: Agent
  let ticketUrl = ''
  const practiceTitle = {
    kk: 'Ауыл әкімімен ашық кездесулер: ұсыныстар қабылданды',
    ru: 'Открытые встречи с акимом села',
  }

  before(async function () {
    const council = await s.council({ kk: 'Шығыс Қазақстан облысының кеңесі', ru: 'Совет ВКО', regionCode: 'KZ-63' })
    const member = await loginAs(s.t, { roles: ['council_member'], councilIds: [council.id] })
    moderator = await loginAs(s.t, { roles: ['moderator'] })
    const p = await member.post('/api/v1/best-practices', {
      councilId: council.id,
      year: YEAR,
      title: practiceTitle,
      summary: { kk: 'Әр айдың бірінші сенбісінде кездесу өтті.', ru: 'Встречи в первую субботу месяца.' },
    })
    expect(p.status, p.text).to.equal(201)
    expect((await moderator.patch(`/api/v1/best-practices/${p.body.id}`, { status: 'approved' })).status).to.equal(200)
    await moderator.post('/api/v1/best-practices/compendium', { year: YEAR })
    expect((await waitForCompendium(moderator, YEAR)).status).to.equal('done')
    const guestTicket = await member.post('/api/v1/support/tickets', {
      category: 'technical',
      subject: 'Бет ашылмайды',
      text: 'Кеңес беті телефонда ашылмайды.',
    })
    await moderator.post(`/api/v1/support/tickets/${guestTicket.body.id}/messages`, { text: 'Тексеріп жатырмыз.' })
    ticketUrl = `/help/tickets/${guestTicket.body.id}`
  })

  async function open(page: Page, url: string): Promise<void> {
    const res = await page.goto(url)
    expect(res?.status()).to.equal(200)
    await settled(page)
  }
  const pages = () => [
    ['indicators', '/indicators'],
    ['help', '/help'],
    ['best-practices', '/best-practices'],
  ]

  for (const lng of ['kk', 'ru'] as const) {
    it(`has no serious or critical axe violations on the indicators, help and practices pages (${lng})`, async () => {
      const ctx = await s.context({ lng })
      const page = await ctx.newPage()
      const problems: string[] = []
      for (const [name, url] of pages()) {
        await open(page, url)
        expect(await page.getAttribute('html', 'lang')).to.equal(lng)
        expect(await page.locator('h1').first().textContent())
          .to.be.a('string')
          .and.not.equal('')
        for (const p of await axeProblems(page)) problems.push(`${name}: ${p}`)
        await shot(page, `${name}-${lng}`)
      }
      await ctx.close()
      expect(problems, problems.join('\n')).to.deep.equal([])
    })
  }

  it('shows every indicator against its target with a chart and a table, and switches the year', async () => {
    const ctx = await s.context({ lng: 'ru' })
    const page = await ctx.newPage()
    await open(page, '/indicators')
    const stats = texts('stats', 'ru')
    const cards = page.locator('.indicator')
    expect(await cards.count()).to.equal(8)
    for (const name of Object.values(stats.indicator) as string[])
      expect(await page.getByRole('heading', { name, exact: true }).count(), name).to.equal(1)
    // Each chart is drawn (a canvas) and its numbers are in a captioned table for screen readers.
    expect(await page.locator('.indicator canvas').count()).to.equal(8)
    expect(await page.locator('.indicator table tbody tr').count()).to.equal(96)
    const compendium = cards.filter({ hasText: stats.indicator.best_practices_compendium })
    expect(await compendium.getByText(stats.web.met, { exact: true }).count()).to.equal(1)
    const videos = cards.filter({ hasText: stats.indicator.videos_published })
    expect(await videos.getByText(stats.web.notMet, { exact: true }).count()).to.equal(1)
    const answer = page.waitForResponse((r) => r.url().includes(`/api/v1/stats/indicators?year=${YEAR - 1}`))
    await page.getByLabel(stats.web.year).selectOption(String(YEAR - 1))
    expect((await answer).status()).to.equal(200)
    await page.waitForURL((u) => u.searchParams.get('year') === String(YEAR - 1))
    await settled(page)
    expect(await compendium.getByText(stats.web.notMet, { exact: true }).count()).to.equal(1)
    await ctx.close()
  })

  it('lets a guest read the FAQ, open a ticket with a screenshot and follow it with number and code', async () => {
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await open(page, '/help')
    const sup = texts('support', 'kk')
    await page.getByText(sup.web.faq.q2).click()
    await page.getByText(sup.web.faq.a2).waitFor()
    await field(page, sup.web.subject).fill('Хат келмейді')
    await field(page, sup.web.text).fill('Тіркелгеннен кейін хат келмеді.')
    await field(page, sup.web.name).fill('Әсел')
    await field(page, sup.web.email).fill('asel@mail.test')
    await page.getByLabel(sup.web.files).setInputFiles({
      name: 'screen.png',
      mimeType: 'image/png',
      buffer: await pngImage(120, 80),
    })
    await page.getByRole('button', { name: sup.web.send }).click()
    const notice = page.locator('.alert-success')
    await notice.waitFor()
    const number = /SD-\d{4}-\d{6}/.exec((await notice.textContent()) ?? '')![0]
    const code = /: ([A-Z0-9]{10})\./.exec((await notice.textContent()) ?? '')![1]
    await field(page, sup.web.number).fill(number)
    await field(page, sup.web.code).fill('WRONGCODE9')
    await page.getByRole('button', { name: sup.web.open }).click()
    await page.getByText(sup.web.notFound).waitFor()
    await field(page, sup.web.code).fill(code)
    await page.getByRole('button', { name: sup.web.open }).click()
    await page.waitForURL((u) => u.pathname.startsWith('/help/tickets/'))
    await page.getByRole('heading', { level: 1, name: /Хат келмейді/ }).waitFor()
    await settled(page)
    expect(await page.getByRole('link', { name: 'screen.webp' }).count()).to.equal(1)
    await field(page, sup.web.reply).fill('Спам қалтасын да қарадым.')
    await page.getByRole('button', { name: sup.web.send }).click()
    await page.getByText('Спам қалтасын да қарадым.').waitFor()
    expect(await axeProblems(page)).to.deep.equal([])
    await ctx.close()
  })

  it('shows staff the queue with the overdue filter, and the thread of a ticket', async () => {
    const staff = await s.signedIn(
      await (async () => {
        const { createUser } = await import('../helpers/users.js')
        return createUser(s.t, { roles: ['moderator'], locale: 'ru' })
      })(),
      { lng: 'ru' },
    )
    const sup = texts('support', 'ru')
    await open(staff.page, '/help/queue')
    await staff.page.locator('.ticket-list > li').first().waitFor()
    expect(await axeProblems(staff.page)).to.deep.equal([])
    await staff.page.getByLabel(sup.web.overdue, { exact: true }).selectOption('true')
    await staff.page.waitForURL((u) => u.searchParams.get('overdue') === 'true')
    await staff.page.getByText(sup.web.empty).waitFor()
    expect(await staff.page.locator('.ticket-list > li').count()).to.equal(0)
    await open(staff.page, ticketUrl)
    await staff.page.getByText('Тексеріп жатырмыз.').waitFor()
    await staff.ctx.close()
  })

  it('downloads the compendium PDF from the practices page', async () => {
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await open(page, '/best-practices')
    await page.getByRole('heading', { name: practiceTitle.kk }).waitFor()
    const bp = texts('practices', 'kk')
    const link = page.getByRole('link', { name: bp.web.download.replace('{{language}}', 'Қазақша') })
    const res = await page.request.get((await link.getAttribute('href'))!)
    expect(res.status()).to.equal(200)
    expect(res.headers()['content-type']).to.equal('application/pdf')
    const text = await pdfText(await res.body())
    expect(text).to.include(practiceTitle.kk)
    expect(text).to.include('Шығыс Қазақстан облысы')
    await ctx.close()
  })

  it('lets a member propose a practice on the page and a moderator approve it there', async () => {
    const bp = texts('practices', 'kk')
    const council = await s.council({ kk: 'Ұлытау облысының кеңесі', ru: 'Совет области Улытау', regionCode: 'KZ-62' })
    const author = await s.signedIn(await s.member(council), { lng: 'kk' })
    await open(author.page, '/best-practices/manage')
    const kk = author.page.locator('fieldset[lang=kk]')
    await field(kk, bp.web.titleField).fill('Жастар кеңесімен бірлескен жоба')
    await field(kk, bp.web.summaryField).fill('Жастар ұсыныстары әкімдікке жеткізілді.')
    await author.page.getByRole('button', { name: bp.web.send }).click()
    await author.page.getByText(bp.web.proposed).waitFor()
    expect(await axeProblems(author.page)).to.deep.equal([])
    await author.ctx.close()

    const { createUser } = await import('../helpers/users.js')
    const mod = await s.signedIn(await createUser(s.t, { roles: ['moderator'], locale: 'kk' }), { lng: 'kk' })
    await open(mod.page, '/best-practices/manage')
    const card = mod.page.locator('.practice-list > li').filter({ hasText: 'Жастар кеңесімен бірлескен жоба' })
    await card.getByRole('button', { name: bp.web.approve }).click()
    await card.waitFor({ state: 'detached' })
    await open(mod.page, '/best-practices')
    await mod.page.getByRole('heading', { name: 'Жастар кеңесімен бірлескен жоба' }).waitFor()
    await mod.ctx.close()
  })

  it('lays the pages out on a 375 px phone without horizontal scrolling', async () => {
    const ctx = await s.context({ lng: 'kk', width: 375 })
    const page = await ctx.newPage()
    for (const [name, url] of [...pages(), ['ticket', ticketUrl]]) {
      await open(page, url)
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, `${name} overflows by ${overflow}px`).to.be.at.most(0)
      await shot(page, `${name}-kk-375`)
    }
    await ctx.close()
  })
})
