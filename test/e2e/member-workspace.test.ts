import { expect } from 'chai'
import { Agent } from '../helpers/agent.js'
import { loginAs } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: the council workspace (appeal deadlines and redirects, council profile)', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it("a member extends an appeal's deadline once, then redirects it to another council, whose member finds it in their queue", async () => {
    const ru = web('ru')
    const home = await s.council({
      kk: 'Қостанай облысының қоғамдық кеңесі',
      ru: 'Общественный совет Костанайской области',
      regionCode: 'KZ-39',
      level: 'oblast',
    })
    const target = await s.council({
      kk: 'Рудный қаласының қоғамдық кеңесі',
      ru: 'Общественный совет города Рудного',
      regionCode: 'KZ-39',
    })
    const member = await s.member(home, { locale: 'ru' })
    const targetMember = await s.member(target, { locale: 'ru' })
    const citizen = await loginAs(s.t, { roles: ['citizen'] })
    const sent = await citizen.post('/api/v1/appeals', {
      councilId: home.id,
      category: 'complaint',
      subject: 'Ямы на дороге в Рудный',
      text: 'На трассе между Костанаем и Рудным много ям, прошу отремонтировать.',
    })
    expect(sent.status, sent.text).to.equal(201)
    const api = new Agent(s.t.url)
    await api.post('/api/v1/auth/login', { email: member.email, password: member.password })
    const before = (await api.get(`/api/v1/appeals/${sent.body.id}`)).body

    const { ctx, page } = await s.signedIn(member, { lng: 'ru' })
    await page.goto(`/member/councils/${home.id}/appeals/${sent.body.id}`)
    await page.getByRole('heading', { name: 'Ямы на дороге в Рудный' }).waitFor()
    const extend = page.getByRole('form', { name: ru.member.extend })
    await field(extend, ru.appeal.reason).fill('Нужен выезд комиссии на место')
    await extend.getByRole('button', { name: ru.member.extendButton }).click()
    await page.getByText(ru.appeal.extended.replace('{{reason}}', 'Нужен выезд комиссии на место')).waitFor()
    expect(await extend.count(), 'a deadline is extended once: the form is gone').to.equal(0)
    const extended = (await api.get(`/api/v1/appeals/${sent.body.id}`)).body
    expect(new Date(extended.dueAt).getTime()).to.be.above(new Date(before.dueAt).getTime())
    await shot(page, 'member-appeal-extended-ru')
    expect(await axeProblems(page), 'appeal with extension').to.deep.equal([])

    const status = page.getByRole('form', { name: ru.member.changeStatus })
    await field(status, ru.member.newStatus).selectOption('redirected')
    await field(status, ru.member.redirectTo).selectOption(target.id)
    await field(status, ru.appeal.reason).fill('Дорога в ведении города Рудного')
    await status.getByRole('button', { name: ru.member.apply }).click()
    await page.getByText(ru.member.statusChanged).waitFor()
    await page.getByTestId('appeal-status').filter({ hasText: ru.appealStatus.redirected }).waitFor()
    await ctx.close()

    // The other council now has it in its queue.
    const other = await s.signedIn(targetMember, { lng: 'ru' })
    await other.page.goto(`/member/councils/${target.id}/appeals`)
    await other.page.getByRole('link', { name: sent.body.trackingNumber }).click()
    await other.page.getByRole('heading', { name: 'Ямы на дороге в Рудный' }).waitFor()
    await other.ctx.close()
  })

  it("a member edits the council profile (server errors next to the fields), a guest sees it; another council's member is refused", async () => {
    const ru = web('ru')
    const kk = web('kk')
    const council = await s.council({
      kk: 'Түркістан облысының қоғамдық кеңесі',
      ru: 'Общественный совет Туркестанской области',
      regionCode: 'KZ-61',
      level: 'oblast',
    })
    const member = await s.member(council, { locale: 'ru' })
    const { ctx, page } = await s.signedIn(member, { lng: 'ru' })
    await page.goto(`/member/councils/${council.id}/profile`)
    await settled(page)
    const main = page.locator('main')
    await field(page.locator('fieldset[lang=kk]'), ru.council.about).fill(
      'Кеңес облыс тұрғындары мен әкімдік арасындағы байланысты нығайтады.',
    )
    await field(main, ru.council.email).fill('not-an-email')
    await page.getByRole('button', { name: ru.member.addMember }).click()
    const row = page.getByRole('group', { name: ru.member.memberN.replace('{{n}}', '3') })
    await field(row, ru.member.nameKk).fill('Гүлнар Әбенова')
    await field(row, ru.member.nameRu).fill('Гульнар Абенова')
    await field(row, ru.member.position).selectOption('deputy_chair')
    await page.getByRole('button', { name: ru.profile.save }).click()
    await page.waitForSelector('[aria-invalid="true"]')
    expect(
      await field(main, ru.council.email).getAttribute('aria-invalid'),
      "the server's error lands on the e-mail field",
    ).to.equal('true')
    // Nothing typed is lost: fix the e-mail and save.
    expect(await field(row, ru.member.nameKk).inputValue()).to.equal('Гүлнар Әбенова')
    await field(main, ru.council.email).fill('turkistan@example.kz')
    await page.getByRole('button', { name: ru.profile.save }).click()
    await page.getByText(ru.profile.saved).waitFor()
    await shot(page, 'member-council-profile-ru')
    expect(await axeProblems(page), 'council profile editor').to.deep.equal([])
    await ctx.close()

    const guest = await (await s.context({ lng: 'kk' })).newPage()
    await guest.goto(`/councils/${council.slug}`)
    await settled(guest)
    await guest.getByText('Кеңес облыс тұрғындары мен әкімдік арасындағы байланысты нығайтады.').waitFor()
    await guest.getByText('Гүлнар Әбенова').waitFor()
    expect(await guest.getByRole('link', { name: 'turkistan@example.kz' }).count()).to.equal(1)
    await guest.context().close()

    const elsewhere = await s.council({ kk: 'Басқа кеңес', ru: 'Другой совет', regionCode: 'KZ-75' })
    const stranger = await s.signedIn(await s.member(elsewhere), { lng: 'kk' })
    await stranger.page.goto(`/member/councils/${council.id}/profile`)
    await stranger.page.getByRole('heading', { name: kk.auth.forbiddenTitle }).waitFor()
    await stranger.ctx.close()
  })
})
