import { expect } from 'chai'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, until, web } from './support.js'

describe('web client: a member publishes news', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it('writes an article with the rich-text editor, publishes it, and a guest reads it on the council page', async () => {
    const kk = web('kk')
    const council = await s.council({
      kk: 'Шымкент қаласының қоғамдық кеңесі',
      ru: 'Общественный совет города Шымкента',
      regionCode: 'KZ-79',
    })
    const member = await s.member(council)

    const { ctx, page } = await s.signedIn(member, { lng: 'kk' })
    expect(new URL(page.url()).pathname).to.equal('/member')
    await page.locator('main').getByRole('link', { name: kk.member.news }).first().click()
    await page.getByRole('link', { name: kk.member.writeNews }).click()
    await page.waitForURL(/\/member\/news\/new/)

    // Empty: the server refuses and says which field.
    await page.getByRole('button', { name: kk.editor.save }).click()
    await page.waitForSelector('[aria-invalid="true"]')
    expect(await page.getByRole('alert').first().textContent()).to.contain('Деректер қате')

    const kkBox = page.locator('fieldset[lang=kk]')
    await field(kkBox, kk.editor.title).fill('Жастар саясаты бойынша ашық отырыс')
    await field(kkBox, kk.editor.summary).fill('Кеңес жастар ұсыныстарын тыңдады.')
    const editor = kkBox.getByRole('textbox', { name: kk.editor.body })
    await editor.click()
    await page.keyboard.type('Отырысқа ')
    await kkBox.getByRole('button', { name: kk.editor.bold }).click()
    await page.keyboard.type('жүзден астам')
    await kkBox.getByRole('button', { name: kk.editor.bold }).click()
    await page.keyboard.type(' жас қатысты.')
    await field(page, kk.editor.tags).fill('жастар, отырыс')
    await shot(page, 'news-editor-kk')
    expect(await axeProblems(page), 'news editor').to.deep.equal([])
    await page.getByRole('button', { name: kk.editor.save }).click()
    await page.getByText(kk.editor.saved).waitFor()
    await page.waitForURL(/\/member\/news\/[0-9a-f]{24}\/edit$/)

    // A guest sees it on the council page and in the article the markup the editor produced.
    const guest = await (await s.context({ lng: 'kk' })).newPage()
    await guest.goto(`/councils/${council.slug}`)
    await settled(guest)
    await guest.getByRole('link', { name: 'Жастар саясаты бойынша ашық отырыс' }).click()
    await guest.getByRole('heading', { level: 1, name: 'Жастар саясаты бойынша ашық отырыс' }).waitFor()
    expect(await guest.locator('.prose strong').textContent()).to.equal('жүзден астам')
    expect(await guest.locator('.prose').textContent()).to.contain('жас қатысты.')
    expect(await guest.getByRole('link', { name: '#жастар' }).count()).to.equal(1)
    await shot(guest, 'news-published-kk')
    // The Russian reader gets the Kazakh text marked as Kazakh rather than nothing.
    await guest.getByRole('button', { name: 'Русский' }).click()
    await guest.waitForFunction(() => document.documentElement.lang === 'ru')
    expect(await guest.locator('h1').getAttribute('lang')).to.equal('kk')
    await ctx.close()
  })

  it("lists the council's draft with its status, filters by status and opens it for editing", async () => {
    const ru = web('ru')
    const council = await s.council({
      kk: 'Павлодар облысының қоғамдық кеңесі',
      ru: 'Общественный совет Павлодарской области',
      regionCode: 'KZ-55',
    })
    const member = await s.member(council, { locale: 'ru' })
    const { ctx, page } = await s.signedIn(member, { lng: 'ru' })
    await page.goto(`/member/news/new?council=${council.id}`)
    const ruBox = page.locator('fieldset[lang=ru]')
    await field(ruBox, ru.editor.title).fill('Черновик повестки заседания')
    await ruBox.getByRole('textbox', { name: ru.editor.body }).click()
    await page.keyboard.type('Повестка ещё обсуждается.')
    await field(page, ru.editor.status).selectOption('draft')
    await page.getByRole('button', { name: ru.editor.save }).click()
    await page.getByText(ru.editor.saved).waitFor()
    await page.waitForURL(/\/member\/news\/[0-9a-f]{24}\/edit$/)
    const id = new URL(page.url()).pathname.split('/')[3]

    await page.goto(`/member/councils/${council.id}/news`)
    const row = page.locator(`tr[data-news-id="${id}"]`)
    await row.waitFor()
    expect(await row.locator('.badge').textContent()).to.equal(ru.newsStatus.draft)
    await shot(page, 'member-council-news-ru')
    expect(await axeProblems(page), 'council news list').to.deep.equal([])
    // Only published ones: the draft leaves the list (and the address keeps the filter).
    await field(page, ru.member.status).selectOption('published')
    await page.getByText(ru.news.empty).waitFor()
    expect(new URL(page.url()).searchParams.get('status')).to.equal('published')
    await field(page, ru.member.status).selectOption('draft')
    await row.getByRole('link', { name: new RegExp(`^${ru.news.edit}`) }).click()
    await page.waitForURL(new RegExp(`/member/news/${id}/edit$`))
    // The editor renders before the article arrives: wait for the loaded title, bounded.
    const title = field(page.locator('fieldset[lang=ru]'), ru.editor.title)
    expect(
      await until('the draft to load in the editor', 15_000, async () => (await title.inputValue()) || undefined),
    ).to.equal('Черновик повестки заседания')
    await ctx.close()
  })
})
