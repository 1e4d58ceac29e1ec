import { expect } from 'chai'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, shot } from './browser.js'
import { browserSuite, web } from './support.js'

describe('web client: chat between councils', function () {
  this.timeout(120_000)
  const s = browserSuite()

  it('two members of different councils talk in real time: room, unread count, typing, presence, reconnect', async () => {
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
