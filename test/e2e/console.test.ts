import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { Job } from '../../server/core/jobs.js'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, until, web } from './support.js'

/** Nothing sticks out sideways at a phone's width. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

describe('web client: the admin console (users, audit log, operations)', function () {
  this.timeout(180_000)
  const s = browserSuite()

  it('assigns a council found by name with the keyboard, never by id, and offers the filtered CSV', async () => {
    const kk = web('kk')
    const council = await s.council({ kk: 'Жетісу облыстық кеңесі', ru: 'Совет области Жетысу', regionCode: 'KZ-33' })
    const admin = await createUser(s.t, { roles: ['admin'], displayName: 'Бас Әкімші', locale: 'kk' })
    const person = await createUser(s.t, { displayName: 'Сәуле Мұратқызы', email: 'saule.console@example.kz' })
    const { ctx, page } = await s.signedIn(admin, { lng: 'kk' })
    await page.goto('/moderation/users')
    await field(page, kk.moderation.userQuery).fill('сәуле')
    await page.keyboard.press('Enter')
    const card = page.locator('.user-list li', { hasText: 'saule.console@example.kz' })
    await card.waitFor()
    const csv = page.getByRole('link', { name: kk.console.csv })
    expect(await csv.getAttribute('href')).to.match(/^\/api\/v1\/users\.csv\?.*q=%D1%81%D3%99%D1%83%D0%BB%D0%B5/)
    await card.getByRole('button', { name: new RegExp(kk.moderation.edit) }).click()

    // The combobox: type part of the name, arrow down, Enter.
    const combo = page.getByRole('combobox', { name: kk.console.addCouncil })
    await combo.focus()
    await page.keyboard.type('Жетісу')
    const option = page.getByRole('option', { name: /Жетісу облыстық кеңесі/ })
    await option.waitFor()
    await settled(page)
    expect(await axeProblems(page), 'with the list open').to.deep.equal([])
    await page.keyboard.press('ArrowDown')
    expect(await combo.getAttribute('aria-activedescendant')).to.be.a('string')
    await page.keyboard.press('Enter')
    const chips = page.getByRole('list', { name: kk.console.councils })
    await chips.getByText('Жетісу облыстық кеңесі', { exact: true }).waitFor()
    expect(await combo.inputValue()).to.equal('')
    expect(await page.locator('main').textContent()).not.to.contain(council.id)
    await page.getByRole('checkbox', { name: kk.role.council_member }).check()
    await page.getByRole('button', { name: kk.profile.save }).click()
    const saved = await until('the membership to be saved', 10_000, async () => {
      const res = await page.evaluate(
        async (email) => (await (await fetch(`/api/v1/users?q=${encodeURIComponent(email)}`)).json()).items[0],
        person.email,
      )
      return res?.councilIds?.length ? res : undefined
    })
    expect(saved.councilIds).to.deep.equal([council.id])
    expect(saved.roles).to.include('council_member')
    await ctx.close()
  })

  it('shows the audit log filtered by actor (combobox), action and dates, at 375 px in Russian', async () => {
    const ru = web('ru')
    const admin = await createUser(s.t, { roles: ['admin'], displayName: 'Арман Аудитов', locale: 'ru' })
    const { ctx, page } = await s.signedIn(admin, { lng: 'ru' })
    // Something to find: the admin disables and enables an account through the API of the page's session.
    const target = await createUser(s.t, { displayName: 'Проверяемый' })
    await page.evaluate(async (id) => {
      const { csrfToken } = await (await fetch('/api/v1/auth/csrf')).json()
      for (const disabled of [true, false])
        await fetch(`/api/v1/users/${id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
          body: JSON.stringify({ disabled }),
        })
    }, target.id)
    await page.setViewportSize({ width: 375, height: 800 })
    await page.goto('/moderation/audit')
    await page.getByRole('heading', { name: ru.console.audit, level: 2 }).waitFor()
    await page.locator('.audit-table').waitFor() // the unfiltered log (the changes above are in it)
    await settled(page)
    expect(await axeProblems(page), 'unfiltered, the combobox closed').to.deep.equal([])
    expect(await fitsWidth(page), 'the table scrolls inside its own region at 375 px').to.equal(true)
    const actor = page.getByRole('combobox', { name: ru.console.actor })
    await actor.focus()
    await page.keyboard.type('Арман')
    await page.getByRole('option', { name: /Арман Аудитов/ }).waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.getByTestId('actor').getByText('Арман Аудитов').waitFor()
    await field(page, ru.console.action).fill('user.disabled')
    const today = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10) // Almaty's date
    await field(page, ru.console.from).fill(today)
    await field(page, ru.console.to).fill(today)
    await page.getByRole('button', { name: ru.console.apply }).click()
    const rows = page.locator('.audit-table tbody tr')
    await until('one matching entry', 10_000, async () => ((await rows.count()) === 1 ? true : undefined))
    expect(await rows.first().textContent())
      .to.contain('Арман Аудитов')
      .and.contain('user.disabled')
    const csv = await page.getByRole('link', { name: ru.console.csv }).getAttribute('href')
    expect(csv).to.contain('/api/v1/audit.csv?').and.contain(`actorId=${admin.id}`).and.contain('action=user.disabled')
    // The day before shows nothing.
    const yesterday = new Date(Date.now() + 5 * 3600_000 - 86_400_000).toISOString().slice(0, 10)
    await field(page, ru.console.from).fill(yesterday)
    await field(page, ru.console.to).fill(yesterday)
    await page.getByRole('button', { name: ru.console.apply }).click()
    await page.getByText(ru.console.noEntries).waitFor()
    await settled(page)
    expect(await fitsWidth(page), 'fits 375 px').to.equal(true)
    expect(await axeProblems(page)).to.deep.equal([])
    await shot(page, 'console-audit-375-ru')
    await ctx.close()
  })

  it('shows health, the job queue and metrics, and retries a failed job from the keyboard (kk, 375 px)', async () => {
    const kk = web('kk')
    const admin = await createUser(s.t, { roles: ['admin'], locale: 'kk' })
    const failed = await Job.create({
      name: 'users.password_reset_mail',
      payload: { email: 'nobody-ops@example.kz' },
      status: 'failed',
      runAt: new Date(),
      attempts: 3,
      maxAttempts: 3,
      lastError: 'Error: SMTP байланысы үзілді',
      finishedAt: new Date(),
    })
    const { ctx, page } = await s.signedIn(admin, { lng: 'kk' })
    await page.setViewportSize({ width: 375, height: 800 })
    await page.goto('/moderation/operations')
    await page.getByTestId('health').getByText(kk.console.status_ok).waitFor()
    await page.getByTestId('metrics').getByText(kk.console.requests).waitFor()
    const row = page.getByTestId('jobs').getByRole('row', { name: /users\.password_reset_mail/ })
    await row.waitFor()
    await page.getByText('Error: SMTP байланысы үзілді').waitFor()
    await settled(page)
    expect(await fitsWidth(page), 'fits 375 px').to.equal(true)
    expect(await axeProblems(page)).to.deep.equal([])
    await shot(page, 'console-operations-375-kk')
    const retry = page.getByRole('button', { name: new RegExp(`^${kk.console.retry}`) })
    await retry.focus()
    await page.keyboard.press('Enter')
    await page.getByText(kk.console.retried.replace('{{name}}', 'users.password_reset_mail')).waitFor()
    await until('the job to run again', 10_000, async () =>
      (await Job.findById(failed._id).lean())?.status === 'done' ? true : undefined,
    )
    await page.getByRole('button', { name: kk.console.refresh }).click()
    await page.getByText(kk.console.noFailed).waitFor()
    await ctx.close()
  })

  it('keeps moderators and members out of the admin pages', async () => {
    const kk = web('kk')
    const mod = await createUser(s.t, { roles: ['moderator'], locale: 'kk' })
    const { ctx, page } = await s.signedIn(mod, { lng: 'kk' })
    await page.goto('/moderation')
    await page.getByRole('link', { name: kk.moderation.videos }).waitFor()
    expect(await page.getByRole('link', { name: kk.console.audit }).count()).to.equal(0)
    expect(await page.getByRole('link', { name: kk.console.operations }).count()).to.equal(0)
    await ctx.close()
  })
})
