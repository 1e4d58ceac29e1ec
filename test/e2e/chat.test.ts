import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: chat between councils', function () {
  this.timeout(120_000)
  let png: string
  const s = browserSuite(() => {
    png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kenes-e2e-')), 'сурет.png')
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120', '-frames:v', '1', '-y', png])
  })

  it('two members of different councils talk in real time: room, unread count, typing, presence, files, reconnect, editing', async () => {
    const kk = web('kk')
    const astana = await s.council({ kk: 'Астана кеңесі', ru: 'Совет Астаны', regionCode: 'KZ-71' })
    const almaty = await s.council({ kk: 'Алматы кеңесі', ru: 'Совет Алматы', regionCode: 'KZ-75' })
    const a = await s.member(astana, { displayName: 'Әлия Нұрланқызы' })
    const b = await s.member(almaty, { displayName: 'Бауыржан Серікұлы' })

    // A opens a direct room with Almaty's council through the page.
    const { ctx: actx, page: pa } = await s.signedIn(a, { lng: 'kk' })
    await pa.goto('/member/chat')
    await pa.getByRole('button', { name: kk.chat.newRoom }).click()
    await field(pa, kk.chat.withCouncil).selectOption(almaty.id)
    await pa.getByRole('button', { name: kk.chat.create }).click()
    await pa.waitForURL(/\/member\/chat\/[0-9a-f]{24}$/)
    const roomUrl = new URL(pa.url()).pathname

    // B is on the chat page without the room open.
    const { ctx: bctx, page: pb } = await s.signedIn(b, { lng: 'kk' })
    await pb.goto('/member/chat')
    const roomLink = pb.getByRole('link', { name: /Астана кеңесі/ })
    await roomLink.waitFor()
    await pa.getByText(kk.chat.online.replace('{{n}}', '2')).waitFor() // presence: both connected

    // A sends; B's room list shows one unread message at once.
    await field(pa, kk.chat.message).fill('Сәлеметсіз бе, әріптестер!')
    await pa.keyboard.press('Enter')
    await pa.locator('.message-text', { hasText: 'Сәлеметсіз бе, әріптестер!' }).waitFor()
    await pb.getByTestId('unread').waitFor()
    expect(await pb.getByTestId('unread').textContent()).to.contain('1')

    // B opens the room: the message is there, the unread count is gone.
    await roomLink.click()
    await pb.locator('.message-text', { hasText: 'Сәлеметсіз бе, әріптестер!' }).waitFor()
    expect(await pb.getByTestId('unread').count()).to.equal(0)
    expect(new URL(pb.url()).pathname).to.equal(roomUrl)

    // B types: A sees who is typing; B sends: A gets it live.
    await field(pb, kk.chat.message).pressSequentially('Сә')
    // (A has no message of B's yet to learn the name from: "someone is typing")
    await pa.locator('.typing', { hasText: kk.chat.typing.replace('{{names}}', kk.chat.someone) }).waitFor()
    await field(pb, kk.chat.message).fill('Сәлем! Диалог алаңын ашайық.')
    await pb.getByRole('button', { name: kk.chat.send }).click()
    await pa.locator('.message-text', { hasText: 'Сәлем! Диалог алаңын ашайық.' }).waitFor()

    // A attaches a picture with the keyboard (the button opens the file picker) and sends it: B sees it.
    const attach = pa.getByRole('button', { name: kk.chat.attach })
    let chooser = pa.waitForEvent('filechooser')
    await attach.focus()
    await pa.keyboard.press('Enter')
    await (await chooser).setFiles(png)
    await pa.locator('.attach-item', { hasText: 'сурет.png' }).getByText(kk.chat.attached).waitFor()
    await field(pa, kk.chat.message).fill('Отырыс залының суреті')
    await pa.keyboard.press('Enter')
    await pa
      .locator('.message', { hasText: 'Отырыс залының суреті' })
      .getByRole('link', { name: /^сурет\./ })
      .waitFor()
    expect(await pa.locator('.attach-item').count(), 'the sent file leaves the composer').to.equal(0)
    const withImage = pb.locator('.message', { hasText: 'Отырыс залының суреті' })
    await withImage.getByRole('link', { name: /^сурет\./ }).waitFor()
    await pb.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.message .chat-image img')
      return Boolean(img && img.complete && img.naturalWidth > 0) // B may read the file: it loaded
    })

    // B answers with a PDF alone (no text): A gets a link to it, marked as PDF.
    chooser = pb.waitForEvent('filechooser')
    await pb.getByRole('button', { name: kk.chat.attach }).click()
    await (
      await chooser
    ).setFiles({
      name: 'хаттама.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'),
    })
    await pb.locator('.attach-item', { hasText: 'хаттама.pdf' }).getByText(kk.chat.attached).waitFor()
    await pb.getByRole('button', { name: kk.chat.send }).click()
    const pdfLink = pa.getByRole('link', { name: 'хаттама.pdf' })
    await pdfLink.waitFor()
    expect(await pdfLink.getAttribute('href')).to.match(/^\/api\/v1\/chat\/attachments\/[0-9a-f]{24}$/)
    expect(await pa.locator('.message-files li', { hasText: 'хаттама.pdf' }).textContent()).to.contain('(PDF, ')

    // A file that only claims to be a picture: the server's problem+json message shows next to it, nothing goes out.
    chooser = pa.waitForEvent('filechooser')
    await attach.click()
    await (await chooser).setFiles({ name: 'жалған.png', mimeType: 'image/png', buffer: Buffer.from('бұл сурет емес') })
    const refused = pa.locator('.attach-item', { hasText: 'жалған.png' })
    await refused.getByRole('alert').waitFor()
    expect(
      (await refused.getByRole('alert').textContent())?.trim().length,
      'a message from the server',
    ).to.be.greaterThan(3)
    expect(await pa.getByRole('button', { name: kk.chat.send }).isDisabled(), 'nothing to send').to.equal(true)
    await refused.getByRole('button', { name: new RegExp(`^${kk.chat.removeFile}`) }).click()
    await refused.waitFor({ state: 'detached' })
    await shot(pa, 'chat-kk')
    expect(await axeProblems(pa), 'chat').to.deep.equal([])

    // The server drops every chat connection: both pages say so, then reconnect and carry on.
    s.t.server.io.of('/chat').disconnectSockets(true)
    await pa.getByTestId('reconnect-banner').waitFor()
    await shot(pa, 'chat-reconnecting-kk')
    await pa.getByTestId('reconnect-banner').waitFor({ state: 'detached', timeout: 15_000 })
    await pb.getByTestId('reconnect-banner').waitFor({ state: 'detached', timeout: 15_000 })
    await field(pb, kk.chat.message).fill('Байланыс қалпына келді.')
    await pb.getByRole('button', { name: kk.chat.send }).click()
    await pa.locator('.message-text', { hasText: 'Байланыс қалпына келді.' }).waitFor()

    // A corrects her first message (within the edit window): B sees the new text, marked as edited.
    const first = pa.locator('.message', { hasText: 'Сәлеметсіз бе, әріптестер!' })
    await first.getByRole('button', { name: kk.chat.edit }).click()
    const editBox = field(pa, kk.chat.editing)
    expect(await editBox.inputValue()).to.equal('Сәлеметсіз бе, әріптестер!')
    await editBox.fill('Сәлеметсіз бе, құрметті әріптестер!')
    await pa.keyboard.press('Enter')
    const edited = pb.locator('.message', { hasText: 'Сәлеметсіз бе, құрметті әріптестер!' })
    await edited.locator('.meta', { hasText: kk.chat.edited }).waitFor()
    expect(
      await pb.locator('.message-text', { hasText: /^Сәлеметсіз бе, әріптестер!$/ }).count(),
      'the old text is gone',
    ).to.equal(0)
    // B cannot edit A's message: no such button on it.
    expect(await edited.getByRole('button', { name: kk.chat.edit }).count()).to.equal(0)
    expect(await field(pa, kk.chat.message).inputValue(), 'the composer is back to a new message').to.equal('')
    await Promise.all([actx.close(), bctx.close()])
  })

  it('keeps a citizen out of the council chat', async () => {
    const citizen = await createUser(s.t, { roles: ['citizen'], locale: 'kk' })
    const { ctx, page } = await s.signedIn(citizen, { lng: 'kk' })
    await page.goto('/member/chat')
    await page.getByRole('heading', { name: web('kk').auth.forbiddenTitle }).waitFor()
    await ctx.close()
  })
})
