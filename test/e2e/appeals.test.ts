import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import type { Agent } from '../helpers/agent.js'
import { linkFrom, waitForMail } from '../helpers/outbox.js'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: appeals in a real browser', function () {
  this.timeout(120_000)
  const s = browserSuite()
  let council: { id: string; slug: string }
  let member: Agent
  let memberLogin: { email: string; password: string }
  let pdf: string

  before(async function () {
    council = await s.council({
      kk: 'Қарағанды облысының қоғамдық кеңесі',
      ru: 'Общественный совет Карагандинской области',
      regionCode: 'KZ-35',
      level: 'oblast',
    })
    memberLogin = await s.member(council, { displayName: 'Дана Ахметова', locale: 'ru' })
    const { Agent: AgentClass } = await import('../helpers/agent.js')
    member = new AgentClass(s.t.url)
    expect(
      (await member.post('/api/v1/auth/login', { email: memberLogin.email, password: memberLogin.password })).status,
    ).to.equal(200)
    pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kenes-e2e-')), 'өтініш.pdf')
    fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
  })

  it("a guest sends an appeal, sees the server's field errors, confirms it by the e-mailed link and tracks it", async () => {
    const kk = web('kk')
    const ctx = await s.context({ lng: 'kk' })
    const page = await ctx.newPage()
    await page.goto(`/appeals/new?council=${council.id}`)
    await settled(page)
    // Invalid values go to the server; its problem+json errors land next to the fields.
    await field(page, kk.appeal.subject).fill('Жо')
    await field(page, kk.appeal.text).fill('Қысқа')
    await field(page, kk.appeal.name).fill('Марат Оспанов')
    await field(page, kk.appeal.email).fill('not-an-email')
    await page.getByRole('button', { name: kk.appeal.send }).click()
    const subject = field(page, kk.appeal.subject)
    await page.waitForSelector('[aria-invalid="true"]')
    expect(await subject.getAttribute('aria-invalid')).to.equal('true')
    const describedBy = (await subject.getAttribute('aria-describedby')) ?? ''
    const message = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()
    expect(message?.trim().length, 'a localized message is tied to the subject field').to.be.greaterThan(3)
    expect(await field(page, kk.appeal.email).getAttribute('aria-invalid')).to.equal('true')
    expect(await page.getByRole('alert').first().textContent()).to.contain('Деректер қате')
    await shot(page, 'appeal-form-errors-kk')
    expect(await axeProblems(page), 'appeal form with errors').to.deep.equal([])

    // Nothing typed is lost: fix the fields and send, with an attachment.
    const email = `guest-${Date.now()}@example.kz`
    await subject.fill('Аулаға балалар алаңын салу')
    await field(page, kk.appeal.text).fill('Біздің аулада балалар алаңы жоқ. Оны салуды сұраймыз.')
    await field(page, kk.appeal.email).fill(email)
    await field(page, kk.appeal.files).setInputFiles(pdf)
    await page.getByRole('button', { name: kk.appeal.send }).click()
    const number = (await page.getByTestId('tracking-number').textContent())!.trim()
    const code = (await page.getByTestId('access-code').textContent())!.trim()
    expect(number).to.match(/^[A-Z]{2}-\d{4}-\d{6}$/)
    expect(await page.getByText(kk.appeal.confirmByMail).count()).to.equal(1)
    await shot(page, 'appeal-sent-kk')

    const mail = await waitForMail(s.t, { to: email })
    const link = linkFrom(mail, '/appeals/confirm')
    await page.goto(link.pathname + link.search)
    await page.getByText(number).first().waitFor()
    expect(await page.getByRole('status').first().textContent()).to.contain(number)

    // The council answers; the guest sees it on the tracking page with number + code.
    const appealId = (await member.get(`/api/v1/councils/${council.id}/appeals`)).body.items[0].id
    expect(
      (await member.post(`/api/v1/appeals/${appealId}/replies`, { text: 'Алаң көктемде салынады.' })).status,
    ).to.equal(201)
    await page.goto('/appeals/track')
    await field(page, kk.appeal.number).fill(number)
    await field(page, kk.appeal.code).fill(code)
    await page.getByRole('button', { name: kk.track.find }).click()
    await page.getByText('Алаң көктемде салынады.').waitFor()
    expect(await page.getByTestId('appeal-status').textContent()).to.contain(kk.appealStatus.answered)
    expect(await page.getByRole('link', { name: 'өтініш.pdf' }).count()).to.equal(1)
    // The guest rates the answer with the code.
    await field(page, kk.appeal.score).selectOption('4')
    await page.getByRole('button', { name: kk.appeal.rate }).click()
    await page.getByText(kk.appeal.rated.replace('{{score}}', '4')).waitFor()
    await shot(page, 'appeal-tracked-kk')

    // A wrong code finds nothing (and says so).
    await field(page, kk.appeal.code).fill('WRONG-CODE')
    await page.getByRole('button', { name: kk.track.find }).click()
    await page.getByText(kk.track.notFound).waitFor()
    await ctx.close()
  })

  it('a citizen sends an appeal from the account, the member answers it in the queue, the citizen rates the reply', async () => {
    const ru = web('ru')
    const citizen = await createUser(s.t, { roles: ['citizen'], locale: 'ru', displayName: 'Ольга Ким' })
    const { ctx: cctx, page: cpage } = await s.signedIn(citizen, { lng: 'ru' })
    await cpage.goto(`/appeals/new?council=${council.id}`)
    await settled(cpage)
    expect(await field(cpage, ru.appeal.email).count(), 'no contact fields for a signed-in citizen').to.equal(0)
    await field(cpage, ru.appeal.category).selectOption('proposal')
    await field(cpage, ru.appeal.subject).fill('Освещение в парке')
    await field(cpage, ru.appeal.text).fill('Предлагаю установить фонари вдоль аллеи в центральном парке.')
    await cpage.getByRole('button', { name: ru.appeal.send }).click()
    const number = (await cpage.getByTestId('tracking-number').textContent())!.trim()

    // The member finds it in the council's queue with its due date and answers it.
    const { ctx: mctx, page: mpage } = await s.signedIn(memberLogin, { lng: 'ru' })
    await mpage.goto(`/member/councils/${council.id}/appeals`)
    await mpage.getByRole('link', { name: number }).click()
    await mpage.getByRole('heading', { name: 'Освещение в парке' }).waitFor()
    await shot(mpage, 'member-appeal-ru')
    expect(await axeProblems(mpage), 'member appeal').to.deep.equal([])
    await field(mpage, ru.appeal.replyText).fill('Фонари установят до конца года.')
    await mpage.getByRole('button', { name: ru.appeal.sendAnswer }).click()
    await mpage.getByText(ru.appeal.replySent).waitFor()
    // The status comes with the refetched appeal, which may land after the confirmation text.
    await mpage.getByTestId('appeal-status').filter({ hasText: ru.appealStatus.answered }).waitFor()

    // Another council's member is refused this appeal (the server decides; the page says so).
    const other = await s.council({ kk: 'Басқа кеңес', ru: 'Другой совет', regionCode: 'KZ-75' })
    const stranger = await s.member(other, { locale: 'ru' })
    const { ctx: sctx, page: spage } = await s.signedIn(stranger, { lng: 'ru' })
    await spage.goto(`/member/councils/${council.id}/appeals`)
    await spage.getByRole('heading', { name: ru.auth.forbiddenTitle }).waitFor()
    await sctx.close()

    // The citizen sees the answer under "my appeals" and rates it.
    await cpage.goto('/appeals/mine')
    await cpage.getByRole('link', { name: number }).click()
    await cpage.getByText('Фонари установят до конца года.').waitFor()
    await field(cpage, ru.appeal.score).selectOption('5')
    await cpage.getByRole('button', { name: ru.appeal.rate }).click()
    await cpage.getByText(ru.appeal.rated.replace('{{score}}', '5')).waitFor()
    await shot(cpage, 'my-appeal-ru')
    await cctx.close()
    await mctx.close()
  })
})
