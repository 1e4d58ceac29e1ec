import { expect } from 'chai'
import { Agent } from '../helpers/agent.js'
import { linkFrom, waitForMail } from '../helpers/outbox.js'
import { createUser } from '../helpers/users.js'
import { field, settled, shot, signIn } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: accounts, profile and administration', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it('registers, verifies the e-mail by link, saves language and accessibility in the profile, resets the password', async () => {
    const ru = web('ru')
    const kk = web('kk')
    const email = `citizen-${Date.now()}@example.kz`
    const ctx = await s.context({ lng: 'ru' })
    const page = await ctx.newPage()
    await page.goto('/register')
    await field(page, ru.auth.displayName).fill('Алия Жумабаева')
    await field(page, ru.auth.email).fill(email)
    await field(page, ru.auth.password).fill('short')
    await page.getByRole('button', { name: ru.auth.createAccount }).click()
    await page.waitForSelector('[aria-invalid="true"]')
    expect(await field(page, ru.auth.password).getAttribute('aria-invalid')).to.equal('true')
    await field(page, ru.auth.password).fill('длинный-пароль-2026')
    await page.getByRole('button', { name: ru.auth.createAccount }).click()
    await page.getByText(ru.auth.registered.replace('{{email}}', email)).waitFor()

    const verify = linkFrom(await waitForMail(s.t, { to: email, template: 'auth:email.verify' }), '/verify-email')
    await page.goto(verify.pathname + verify.search)
    await page.getByText(ru.auth.verified).waitFor()

    // Profile: Kazakh and the visually-impaired settings, kept by the account.
    await page.goto('/profile')
    await settled(page)
    await field(page.locator('main'), ru.profile.language).selectOption('kk')
    await field(page.locator('main'), ru.a11y.fontSize).selectOption('1.5')
    await field(page.locator('main'), ru.a11y.highContrast).check()
    await page.getByRole('button', { name: ru.profile.save }).click()
    await page.waitForFunction(() => document.documentElement.lang === 'kk')
    await page.getByText(kk.profile.saved).waitFor()
    await shot(page, 'profile-kk')
    const api = new Agent(s.t.url)
    await api.post('/api/v1/auth/login', { email, password: 'длинный-пароль-2026' })
    const me = (await api.get('/api/v1/auth/me')).body.user
    expect(me.locale).to.equal('kk')
    expect(me.emailVerified).to.equal(true)
    expect(me.accessibility).to.deep.equal({ fontScale: 1.5, highContrast: true, hideImages: false })

    // On a fresh device, signing in brings the settings back.
    const other = await s.context({ lng: 'ru' })
    const p2 = await other.newPage()
    await signIn(p2, email, 'длинный-пароль-2026')
    await p2.waitForFunction(
      () =>
        document.documentElement.lang === 'kk' &&
        document.documentElement.classList.contains('hc') &&
        document.documentElement.style.fontSize === '150%',
    )
    await other.close()

    // Forgotten password: the link from the e-mail sets a new one.
    // The account's links sit under one button with the person's name (a disclosure).
    const account = page.getByRole('button', { name: new RegExp(kk.nav.account) })
    expect(await account.getAttribute('aria-expanded')).to.equal('false')
    await account.press('Enter')
    expect(await account.getAttribute('aria-expanded')).to.equal('true')
    await page.keyboard.press('Escape')
    expect(await account.getAttribute('aria-expanded')).to.equal('false')
    await account.click()
    await page.getByRole('button', { name: kk.nav.logout }).click()
    await page.goto('/forgot-password')
    await field(page, kk.auth.email).fill(email)
    await page.getByRole('button', { name: kk.auth.sendLink }).click()
    await page.getByText(kk.auth.forgotSent).waitFor()
    const reset = linkFrom(await waitForMail(s.t, { to: email, template: 'auth:email.reset' }), '/reset-password')
    await page.goto(reset.pathname + reset.search)
    await field(page, kk.auth.newPassword).fill('жаңа-құпиясөз-2026')
    await field(page, kk.auth.repeatPassword).fill('жаңа-құпиясөз-2026')
    await page.getByRole('button', { name: kk.auth.savePassword }).click()
    await page.getByText(kk.auth.resetDone).waitFor()
    await signIn(page, email, 'жаңа-құпиясөз-2026')
    expect(await page.getByText('Алия Жумабаева').count()).to.be.greaterThan(0)
    await ctx.close()
  })

  it('an admin makes a citizen a council member, who then gets the member area; a moderator cannot manage users', async () => {
    const kk = web('kk')
    await s.council({
      kk: 'Павлодар облысының қоғамдық кеңесі',
      ru: 'Общественный совет Павлодарской области',
      regionCode: 'KZ-55',
      level: 'oblast',
    })
    const person = await createUser(s.t, { roles: ['citizen'], displayName: 'Серік Бекұлы', locale: 'kk' })
    const adminUser = await createUser(s.t, { roles: ['admin'], locale: 'kk' })
    const { ctx, page } = await s.signedIn(adminUser, { lng: 'kk' })
    await page.goto('/moderation/users')
    await field(page, kk.moderation.userQuery).fill('Серік')
    await page.getByRole('button', { name: kk.councils.find, exact: true }).click()
    await page.getByRole('button', { name: new RegExp(`^${kk.moderation.edit}\\s*:\\s*Серік Бекұлы$`) }).click()
    await field(page, kk.role.council_member).check()
    // The council is found by its name (a combobox), never typed as an id.
    await page.getByRole('combobox', { name: kk.console.addCouncil }).fill('Павлодар')
    await page.getByRole('option', { name: /Павлодар облысының қоғамдық кеңесі/ }).click()
    await page
      .getByRole('list', { name: kk.console.councils })
      .getByText('Павлодар облысының қоғамдық кеңесі', { exact: true })
      .waitFor()
    await page.getByRole('button', { name: kk.profile.save }).click()
    // The list reloads with the new roles (the edit form, with its checkboxes, is gone).
    await page.locator('.user-list .meta', { hasText: kk.role.council_member }).waitFor()
    await shot(page, 'admin-users-kk')
    await ctx.close()

    const { ctx: mctx, page: mpage } = await s.signedIn(person, { lng: 'kk' })
    expect(new URL(mpage.url()).pathname).to.equal('/member')
    await mpage.getByRole('heading', { name: kk.member.myCouncils }).waitFor()
    await mpage.getByRole('heading', { name: 'Павлодар облысының қоғамдық кеңесі' }).waitFor()
    await mctx.close()

    const moderator = await createUser(s.t, { roles: ['moderator'], locale: 'kk' })
    const { ctx: octx, page: opage } = await s.signedIn(moderator, { lng: 'kk' })
    await opage.goto('/moderation/users')
    await opage.getByRole('heading', { name: kk.auth.forbiddenTitle }).waitFor()
    expect(await opage.getByRole('link', { name: kk.moderation.users }).count()).to.equal(0)
    await octx.close()
  })
})
