import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { Agent } from '../helpers/agent.js'
import { createUser, loginAs } from '../helpers/users.js'
import { axeProblems, field, ROOT, settled, shot } from './browser.js'
import { browserSuite } from './support.js'

type Lng = 'kk' | 'ru'
// The grant pages' own strings (shared/locales/<lng>/grants.json, `web`), so controls are found by their real labels.
const texts = (lng: Lng) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'locales', lng, 'grants.json'), 'utf8')) as {
    web: Record<string, Record<string, string>> & Record<string, string>
    status: Record<string, string>
  }
const kk = texts('kk')
const ru = texts('ru')
const year = new Date().getFullYear()
const DAY = 86_400_000

async function axeClean(page: Page, what: string) {
  await settled(page)
  expect(await axeProblems(page), what).to.deep.equal([])
}

describe('web client: small grants in a real browser', function () {
  this.timeout(180_000)
  const s = browserSuite()
  let council: { id: string; slug: string }
  let member: { email: string; password: string }
  let expert: { id: string; email: string; password: string }
  let admin: Agent
  let adminLogin: { email: string; password: string }
  let callId: string
  let applicationId: string

  before(async function () {
    council = await s.council({
      kk: 'Павлодар облысының қоғамдық кеңесі',
      ru: 'Общественный совет Павлодарской области',
      regionCode: 'KZ-55',
      level: 'oblast',
    })
    member = await s.member(council)
    expert = await createUser(s.t, { roles: ['expert'], locale: 'kk' })
    adminLogin = await createUser(s.t, { roles: ['admin'], locale: 'ru' })
    admin = await loginAs(s.t, { roles: ['admin'] })
    const created = await admin.post('/api/v1/grants/calls', {
      year,
      title: { kk: `Шағын гранттар ${year}`, ru: `Малые гранты ${year}` },
      description: { kk: 'Қоғамдық бақылауға арналған гранттар', ru: 'Гранты на общественный контроль' },
      grantsCount: 10,
      maxAmountTiyn: 500_000_00,
      budgetTiyn: 5_000_000_00,
      opensAt: new Date(Date.now() - DAY).toISOString(),
      closesAt: new Date(Date.now() + 30 * DAY).toISOString(),
      criteria: [
        { key: 'relevance', title: { kk: 'Өзектілік', ru: 'Актуальность' }, weight: 3 },
        { key: 'reach', title: { kk: 'Қамту', ru: 'Охват' }, weight: 1 },
      ],
      expertIds: [expert.id],
    })
    expect(created.status, created.text).to.equal(201)
    callId = created.body.id
    expect((await admin.patch(`/api/v1/grants/calls/${callId}`, { status: 'published' })).status).to.equal(200)
  })

  it('a council member applies on a phone: budget typed as "500 000" ₸, saved as a draft, then submitted', async () => {
    const { ctx, page } = await s.signedIn(member, { lng: 'kk' })
    await page.setViewportSize({ width: 375, height: 800 })
    await page.goto('/grants/mine')
    await settled(page)
    await page.getByRole('link', { name: kk.web.mine.apply }).click()
    await settled(page)
    const kkCol = page.locator('fieldset[lang="kk"]')
    await field(kkCol.first(), kk.web.title).fill('Емханалардағы кезек мониторингі')
    await field(kkCol.nth(1), kk.web.stateBody).fill('Павлодар облысының денсаулық сақтау басқармасы')
    await field(kkCol.nth(2), kk.web.subject).fill('Емханалардағы кезек күту уақыты')
    await field(page, kk.web.application.milestone.replace('{{n}}', '1')).fill('Сауалнама')
    await field(page, kk.web.application.milestoneDate.replace('{{n}}', '1')).fill(
      new Date(Date.now() + 90 * DAY).toISOString().slice(0, 10),
    )
    await field(page, kk.web.application.line.replace('{{n}}', '1')).fill('Сауалнама жүргізу')
    await field(page, kk.web.application.lineAmount.replace('{{n}}', '1')).fill('500 000')
    expect(await page.getByText(kk.web.application.total.replace('{{total}}', '500\u00a0000\u00a0₸')).count()).to.equal(
      1,
    )
    await axeClean(page, 'application form (kk, 375 px)')
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, 'no horizontal scrolling at 375 px').to.be.at.most(375)
    await page.getByRole('button', { name: kk.web.application.save }).click()
    await page.waitForURL(/\/grants\/applications\/[0-9a-f]{24}$/)
    applicationId = page.url().split('/').pop()!
    // A draft takes attachments (the file's type is sniffed by the server).
    const pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kenes-grants-')), 'жоспар.pdf')
    fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
    await field(page, kk.web.files.choose).setInputFiles(pdf)
    await page.getByRole('button', { name: kk.web.files.upload }).click()
    await page.getByRole('link', { name: 'жоспар.pdf' }).waitFor()
    const stored = (await admin.get(`/api/v1/grants/calls/${callId}/applications?councilId=${council.id}`)).status
    expect(stored).to.equal(403) // the admin does not see the council's draft
    await page.getByRole('button', { name: kk.web.application.submit }).click()
    await page.getByText(kk.web.application.submittedNotice).waitFor()
    expect(await page.getByText(kk.status.submitted).count()).to.be.greaterThan(0)
    await shot(page, 'grants-application-submitted-kk')
    const app = (await admin.get(`/api/v1/grants/applications/${applicationId}`)).body
    expect(app.budget).to.deep.equal([{ item: 'Сауалнама жүргізу', amountTiyn: 500_000_00 }])
    expect(app.status).to.equal('submitted')
    await ctx.close()
  })

  it('an expert declares no conflict first, then scores each criterion', async () => {
    const { ctx, page } = await s.signedIn(expert, { lng: 'kk' })
    await page.goto('/grants/review')
    await settled(page)
    await page.getByRole('link', { name: 'Емханалардағы кезек мониторингі' }).click()
    await settled(page)
    // Before the declaration nothing is scored.
    expect(await page.getByRole('combobox').count()).to.equal(0)
    await page.getByLabel(kk.web.review.noConflict).check()
    await field(
      page,
      kk.web.review.criterion.replace('{{title}}', 'Өзектілік').replace('{{weight}}', '3'),
    ).selectOption('8')
    await field(page, kk.web.review.criterion.replace('{{title}}', 'Қамту').replace('{{weight}}', '1')).selectOption(
      '4',
    )
    await axeClean(page, 'review page (kk)')
    await page.getByRole('button', { name: kk.web.review.send }).click()
    await page.getByText(kk.web.review.scored.replace('{{score}}', '7')).waitFor()
    await ctx.close()
  })

  it('the admin closes the call, sees the ranked applications and awards the grant', async () => {
    const { ctx, page } = await s.signedIn(adminLogin, { lng: 'ru' })
    await page.goto(`/grants/admin/calls/${callId}`)
    await settled(page)
    await page.getByRole('button', { name: ru.web.admin.close }).click()
    await page.getByText(ru.status.closed).first().waitFor()
    await page.getByLabel('Емханалардағы кезек мониторингі').check()
    await axeClean(page, 'admin call page (ru)')
    await page.getByRole('button', { name: ru.web.admin.award }).click()
    await page.getByText(ru.web.admin.awardedNotice.replace('{{count}}', '1')).waitFor()
    await page.getByRole('link', { name: ru.web.mine.reports }).waitFor()
    await shot(page, 'grants-admin-awarded-ru')
    await ctx.close()
  })

  it('the public results page shows the award, axe-clean in kk and ru at 375 px; so does the scorecard', async () => {
    for (const [lng, t] of [
      ['kk', kk],
      ['ru', ru],
    ] as const) {
      const ctx = await s.context({ lng, width: 375 })
      const page = await ctx.newPage()
      await page.goto(`/grants?year=${year}`)
      await settled(page)
      await page.getByRole('heading', { name: 'Емханалардағы кезек мониторингі' }).waitFor()
      expect(await page.getByText('500\u00a0000\u00a0₸').count()).to.be.greaterThan(0)
      expect(
        await page
          .getByRole('link', {
            name: lng === 'kk' ? 'Павлодар облысының қоғамдық кеңесі' : 'Общественный совет Павлодарской области',
          })
          .count(),
      ).to.equal(1)
      expect(await page.content()).to.not.include(member.email)
      await axeClean(page, `results (${lng})`)
      await shot(page, `grants-results-${lng}`)
      await page.goto(`/grants/scorecard?year=${year}`)
      await settled(page)
      await page.getByRole('heading', { name: t.web.scorecard.title }).waitFor()
      await axeClean(page, `scorecard (${lng})`)
      await ctx.close()
    }
  })
  it('every other grant page is axe-clean in kk and ru (member, expert, admin workspaces)', async () => {
    const awardId = (await admin.get(`/api/v1/grants/awards?year=${year}`)).body.items[0].id as string
    for (const lng of ['kk', 'ru'] as const) {
      const pages: [{ email: string; password: string }, string[]][] = [
        [
          await s.member(council, { locale: lng }),
          [
            '/grants/mine',
            '/grants/recommendations',
            `/grants/awards/${awardId}`,
            `/grants/applications/${applicationId}`,
          ],
        ],
        [await createUser(s.t, { roles: ['expert'], locale: lng }), ['/grants/review']],
        [await createUser(s.t, { roles: ['admin'], locale: lng }), ['/grants/admin', `/grants/awards/${awardId}`]],
      ]
      for (const [user, urls] of pages) {
        const { ctx, page } = await s.signedIn(user, { lng })
        for (const url of urls) {
          await page.goto(url)
          await settled(page)
          await page.locator('h1').first().waitFor()
          await axeClean(page, `${url} (${lng})`)
        }
        await ctx.close()
      }
    }
  })
})
