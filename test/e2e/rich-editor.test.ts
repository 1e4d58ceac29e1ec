import { expect } from 'chai'
import { sanitizeBody } from '../../server/modules/news/news.sanitize.js'
import { axeProblems, field } from './browser.js'
import { browserSuite, web } from './support.js'

/**
 * The news editor (TipTap) produces only markup the server keeps: what it sends passes the
 * server's sanitizer unchanged (compared as the browser parses both), with every toolbar format.
 */
describe('web client: the rich-text editor and the server sanitizer', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it("sends markup that the server's sanitizer keeps unchanged, from the keyboard and the toolbar", async () => {
    const ru = web('ru')
    const council = await s.council({
      kk: 'Қостанай облысының қоғамдық кеңесі',
      ru: 'Общественный совет Костанайской области',
      regionCode: 'KZ-39',
    })
    const member = await s.member(council, { locale: 'ru' })
    const { ctx, page } = await s.signedIn(member, { lng: 'ru' })
    await page.goto(`/member/news/new?council=${council.id}`)
    const box = page.locator('fieldset[lang=ru]')
    await field(box, ru.editor.title).fill('Проверка разметки редактора')
    const editor = box.getByRole('textbox', { name: ru.editor.body })
    const button = (name: string) => box.getByRole('button', { name, exact: true })

    await editor.click()
    await button(ru.editor.h2).click()
    await page.keyboard.type('Повестка')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Обычный текст, ')
    await page.keyboard.press('Control+b')
    expect(await button(ru.editor.bold).getAttribute('aria-pressed')).to.equal('true')
    await page.keyboard.type('жирный')
    await page.keyboard.press('Control+b')
    await page.keyboard.type(' и ')
    await button(ru.editor.italic).click()
    await page.keyboard.type('курсив')
    await button(ru.editor.italic).click()
    await page.keyboard.press('Enter')
    await button(ru.editor.bulleted).click()
    await page.keyboard.type('первый пункт')
    await page.keyboard.press('Enter')
    await page.keyboard.type('второй пункт')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await button(ru.editor.quote).click()
    await page.keyboard.type('Цитата & <символы>')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Ссылка на сайт')
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft')
    page.once('dialog', (d) => void d.accept('https://example.kz/a?b=1&c=2'))
    await button(ru.editor.link).click()

    // The toolbar is one tab stop; arrow keys move inside it.
    await button(ru.editor.bold).focus()
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).to.equal(ru.editor.italic)
    expect(await axeProblems(page), 'news editor').to.deep.equal([])

    const sent = page.waitForRequest((r) => r.method() === 'POST' && /\/councils\/[0-9a-f]{24}\/news$/.test(r.url()))
    await page.getByRole('button', { name: ru.editor.save }).click()
    const html: string = (await sent).postDataJSON().body.ru
    await page.getByText(ru.editor.saved).waitFor()

    for (const part of [
      '<h2>Повестка</h2>',
      '<strong>жирный</strong>',
      '<em>курсив</em>',
      '<ul><li><p>первый пункт</p></li>',
      '<blockquote><p>Цитата &amp; &lt;символы&gt;</p></blockquote>',
      '<a href="https://example.kz/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">сайт</a>',
    ])
      expect(html).to.contain(part)
    const kept = sanitizeBody(html)
    // Both as the browser parses them (`<br>` and `<br />` are the same element).
    const [a, b] = await page.evaluate(
      (list) =>
        list.map((h) => {
          const t = document.createElement('template')
          t.innerHTML = h
          return t.innerHTML
        }),
      [html, kept],
    )
    expect(b).to.equal(a)
    await ctx.close()
  })
})
