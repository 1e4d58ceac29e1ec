import { expect } from 'chai'
import fs from 'node:fs/promises'
import { User } from '../../server/modules/users/users.model.js'
import { Agent } from '../helpers/agent.js'
import { createUser, DEFAULT_PASSWORD } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: my account (password, my data, deleting the account) on a phone', function () {
  this.timeout(120_000)
  const s = browserSuite()

  for (const lng of ['kk', 'ru'] as const) {
    it(`changes the password, downloads my data and deletes the account with the keyboard, at 375 px (${lng})`, async () => {
      const w = web(lng)
      const user = await createUser(s.t, { displayName: 'Дәулет Нұрланұлы', locale: lng })
      const ctx = await s.context({ lng, width: 375, height: 800 })
      const page = await ctx.newPage()
      await page.goto('/login')
      await field(page, w.auth.email).fill(user.email)
      await field(page, w.auth.password).fill(DEFAULT_PASSWORD)
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => u.pathname !== '/login')
      await page.goto('/profile')
      await settled(page)
      await page.getByRole('heading', { name: w.profile.deleteTitle }).waitFor()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375)
      expect(await axeProblems(page)).to.deep.equal([])

      // A new password: a wrong current one is named at its field, then the right one works.
      const pw = page.getByRole('region', { name: w.profile.passwordTitle })
      await field(pw, w.profile.currentPassword).fill('not-the-password')
      await field(pw, w.auth.newPassword).fill('жаңа-құпия-сөз-2026')
      await field(pw, w.auth.repeatPassword).fill('жаңа-құпия-сөз-2026')
      await pw.getByRole('button', { name: w.profile.changePassword }).press('Enter')
      await page.waitForSelector('[aria-invalid="true"]')
      expect(await field(pw, w.profile.currentPassword).getAttribute('aria-invalid')).to.equal('true')
      await field(pw, w.profile.currentPassword).fill(DEFAULT_PASSWORD)
      await pw.getByRole('button', { name: w.profile.changePassword }).press('Enter')
      await pw.getByText(w.profile.passwordChanged).waitFor()
      const api = new Agent(s.t.url)
      expect(
        (await api.post('/api/v1/auth/login', { email: user.email, password: 'жаңа-құпия-сөз-2026' })).status,
      ).to.equal(200)

      // My data: the link saves a JSON file with the account in it.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: w.profile.download }).press('Enter'),
      ])
      expect(download.suggestedFilename()).to.match(/^kenes-my-data-\d{4}-\d\d-\d\d\.json$/)
      const saved = JSON.parse(await fs.readFile((await download.path())!, 'utf8'))
      expect(saved.account).to.include({ email: user.email, displayName: 'Дәулет Нұрланұлы' })

      // Deleting: without the confirmation the checkbox says so and takes the focus; then the account is gone.
      const del = page.getByRole('region', { name: w.profile.deleteTitle })
      const button = del.getByRole('button', { name: w.profile.deleteButton })
      await field(del, w.auth.password).fill('жаңа-құпия-сөз-2026')
      await button.press('Enter')
      await del.getByText(w.profile.deleteConfirmNeeded).waitFor()
      await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.type === 'checkbox')
      await page.keyboard.press('Space')
      await shot(page, `my-account-${lng}-375`)
      await button.press('Enter')
      await page.getByText(w.profile.deleted).waitFor()
      expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal('H1')
      expect(await axeProblems(page)).to.deep.equal([])
      expect(
        (await api.post('/api/v1/auth/login', { email: user.email, password: 'жаңа-құпия-сөз-2026' })).status,
      ).to.equal(401)
      expect((await User.findById(user.id).lean())!.erasedAt).to.be.instanceOf(Date)
      await ctx.close()
    })
  }
})
