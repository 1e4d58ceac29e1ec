import { expect } from 'chai'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, settled } from './browser.js'
import { browserSuite, until, web } from './support.js'

describe('web client: a moderator creates a council', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it('asks before creating a second council of the same name in a region, and creates it only when confirmed', async () => {
    const ru = web('ru')
    const mod = await createUser(s.t, { roles: ['moderator'], locale: 'ru' })
    const { ctx, page } = await s.signedIn(mod, { lng: 'ru' })
    const fill = async () => {
      await field(page, ru.moderation.nameKk).fill('Абай облысының қоғамдық кеңесі')
      await field(page, ru.moderation.nameRu).fill('Общественный совет области Абай')
      await field(page, ru.moderation.stateBodyKk).fill('Абай облысының әкімдігі')
      await page.getByLabel(ru.councils.region).selectOption({ label: 'область Абай' })
    }
    await page.goto(`${s.t.url}/moderation/councils/new`)
    await fill()
    await page.getByRole('button', { name: ru.moderation.create, exact: true }).click()
    await page.getByText(ru.moderation.councilCreated).waitFor()
    // The form starts empty again: pressing the button twice cannot make a twin.
    expect(await field(page, ru.moderation.nameRu).inputValue()).to.equal('')

    await fill()
    await page.getByRole('button', { name: ru.moderation.create, exact: true }).click()
    const again = page.getByRole('button', { name: ru.moderation.createAnyway })
    await again.waitFor()
    expect(await page.getByRole('alert').first().textContent()).to.contain('Такой совет уже есть')
    await settled(page)
    expect(await axeProblems(page)).to.deep.equal([])
    await again.click()
    await until('the confirmed twin is created and the form emptied', 10_000, async () =>
      (await field(page, ru.moderation.nameRu).inputValue()) === '' ? true : undefined,
    )
    const res = await fetch(`${s.t.url}/api/v1/councils?q=${encodeURIComponent('Абай облысының')}&limit=100`)
    const slugs = ((await res.json()) as { items: { slug: string }[] }).items.map((c) => c.slug)
    expect(slugs.filter((x) => x.startsWith('obshchestvennyy-sovet-oblasti-abay'))).to.have.length(2)
    await ctx.close()
  })
})
