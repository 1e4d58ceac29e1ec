import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { createUser } from '../helpers/users.js'
import { listAudit } from '../../server/core/audit.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, until, web } from './support.js'

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
    // A has no message of B's yet, yet the typing event names B.
    await pa.locator('.typing', { hasText: kk.chat.typing.replace('{{names}}', 'Бауыржан Серікұлы') }).waitFor()
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

  it('shows read receipts and lets a moderator delete a message with a reason (ru, 375 px, keyboard)', async () => {
    const ru = web('ru')
    const x = await s.council({ kk: 'Ақмола кеңесі', ru: 'Совет Акмолы', regionCode: 'KZ-11' })
    const y = await s.council({ kk: 'Атырау кеңесі', ru: 'Совет Атырау', regionCode: 'KZ-23' })
    const p = await s.member(x, { displayName: 'Павел Ким', locale: 'ru' })
    const q = await s.member(y, { displayName: 'Қуаныш Әлиев' })
    const mod = await createUser(s.t, { roles: ['moderator'], displayName: 'Мирас Модератов', locale: 'ru' })
    const { ctx: pctx, page: pp } = await s.signedIn(p, { lng: 'ru' })
    const roomId = await pp.evaluate(
      async (councilIds) => {
        const { csrfToken } = await (await fetch('/api/v1/auth/csrf')).json()
        const res = await fetch('/api/v1/chat/rooms', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
          body: JSON.stringify({ kind: 'direct', councilIds }),
        })
        return (await res.json()).room.id as string
      },
      [x.id, y.id],
    )
    await pp.goto(`/member/chat/${roomId}`)
    // An empty room says so (not "Atyrau has not read yet": there is nothing to read).
    await pp.getByText(ru.chat.noMessages).waitFor()
    expect(await pp.getByTestId('other-read').count()).to.equal(0)
    await field(pp, ru.chat.message).fill('Коллеги, добрый день!')
    await pp.keyboard.press('Enter')
    await pp.locator('.message-text', { hasText: 'Коллеги, добрый день!' }).waitFor()
    await pp.getByTestId('other-read').getByText(ru.chat.otherNotRead.replace('{{council}}', 'Совет Атырау')).waitFor()
    expect(await pp.getByTestId('read-receipt').count(), 'nobody has read it yet').to.equal(0)

    // Q opens the room: the page marks the newest message read; P sees who read it and how far Atyrau got.
    const { ctx: qctx, page: pq } = await s.signedIn(q, { lng: 'kk' })
    await pq.goto(`/member/chat/${roomId}`)
    await pq.locator('.message-text', { hasText: 'Коллеги, добрый день!' }).waitFor()
    const receipt = pp.getByTestId('read-receipt')
    await receipt.waitFor()
    expect(await receipt.textContent())
      .to.contain(ru.chat.readBy.replace('{{count}}', '1'))
      .and.contain('Қуаныш Әлиев')
    await pp
      .getByTestId('other-read')
      .getByText(/^Совет Атырау прочитал: /)
      .waitFor()
    // After a reload the receipt is still there (it comes from the server, not from memory).
    await pp.reload()
    await pp.getByTestId('read-receipt').waitFor()

    // The moderator, on a phone, removes the message with a reason, using only the keyboard.
    const { ctx: mctx, page: pm } = await s.signedIn(mod, { lng: 'ru' })
    await pm.setViewportSize({ width: 375, height: 800 })
    await pm.goto(`/member/chat/${roomId}`)
    const msg = pm.locator('.message', { hasText: 'Коллеги, добрый день!' })
    const del = msg.getByRole('button', { name: new RegExp(`^${ru.chat.deleteAsModerator}`) })
    await del.focus()
    await pm.keyboard.press('Enter')
    const reason = field(pm, ru.chat.deleteReason)
    await reason.waitFor()
    expect(await reason.evaluate((el) => el === document.activeElement), 'focus moves to the reason').to.equal(true)
    await pm.keyboard.type('Проверка модерации')
    await settled(pm)
    expect(await axeProblems(pm), 'moderation form').to.deep.equal([])
    expect(await pm.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).to.equal(true)
    await shot(pm, 'chat-moderate-375-ru')
    await pm.keyboard.press('Tab')
    await pm.keyboard.press('Enter')
    await pp.locator('.message', { hasText: ru.chat.deleted }).waitFor()
    await pq.locator('.message', { hasText: web('kk').chat.deleted }).waitFor()
    const [entry] = await until('the audit entry', 10_000, async () => {
      const rows = await listAudit({ action: 'chat.message_deleted' })
      return rows.length ? rows : undefined
    })
    expect(entry.details).to.deep.include({ reason: 'Проверка модерации', senderId: p.id })
    await Promise.all([pctx.close(), qctx.close(), mctx.close()])
  })

  it('keeps a citizen out of the council chat', async () => {
    const citizen = await createUser(s.t, { roles: ['citizen'], locale: 'kk' })
    const { ctx, page } = await s.signedIn(citizen, { lng: 'kk' })
    await page.goto('/member/chat')
    await page.getByRole('heading', { name: web('kk').auth.forbiddenTitle }).waitFor()
    await ctx.close()
  })
})
