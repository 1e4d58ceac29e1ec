import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { eventBody, publishedEvent, regionIds } from '../api/events/fixtures.js'
import { Agent } from '../helpers/agent.js'
import { createUser } from '../helpers/users.js'
import { axeProblems, settled, shot, signIn } from './browser.js'
import { browserSuite } from './support.js'

/**
 * Signed-in pages on a 375 px phone with the accessibility panel's largest text (200 %), and the
 * high-contrast mode: nothing wider than the screen (forms with date fields, the chat composer),
 * nothing unreadable.
 */
describe('web client: signed-in pages at the largest text, and high contrast', function () {
  this.timeout(300_000)
  const s = browserSuite()
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

  /** A user saved with the largest text, signed in on a phone. */
  async function phoneAt200(roles: ('council_member' | 'admin')[], councilIds: string[], lng: 'kk' | 'ru') {
    const login = await createUser(s.t, { roles, councilIds, locale: lng, displayName: 'Гүлнар Жұмабаева' })
    const api = new Agent(s.t.url)
    await api.post('/api/v1/auth/login', { email: login.email, password: login.password })
    expect((await api.patch('/api/v1/auth/me', { accessibility: { fontScale: 2 } })).status).to.equal(200)
    const ctx = await s.context({ lng, width: 375, height: 800 })
    const page = await ctx.newPage()
    await signIn(page, login.email, login.password)
    return { ctx, page, api }
  }

  for (const lng of ['kk', 'ru'] as const) {
    it(`keeps a member's and an administrator's forms and the chat within the screen (${lng})`, async () => {
      const [x, y] = lng === 'kk' ? ['Атырау', 'Павлодар'] : ['Ақтөбе', 'Қостанай']
      const a = await s.council({ kk: `${x} қоғамдық кеңесі`, ru: `Общественный совет: ${x}` })
      const b = await s.council({ kk: `${y} қоғамдық кеңесі`, ru: `Общественный совет: ${y}` })
      const member = await phoneAt200(['council_member'], [a.id], lng)
      const admin = await phoneAt200(['admin'], [], lng)
      const room = await member.api.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a.id, b.id] })
      expect(room.status, room.text).to.equal(201)
      const problems: string[] = []
      const visit = async (page: Page, name: string, url: string) => {
        await page.goto(url)
        await settled(page)
        expect(await page.evaluate(() => document.documentElement.style.fontSize), name).to.equal('200%')
        const over = await overflow(page)
        if (over > 0) problems.push(`${name}: the page is ${over}px wider than the screen`)
      }
      try {
        for (const [name, url] of [
          ['member-area', '/member'],
          ['new-event', '/events/new'],
          ['profile', '/profile'],
          ['appeal-form', '/appeals/new'],
          ['chat-room', `/member/chat/${room.body.room.id}`],
        ])
          await visit(member.page, name, url)
        // The send button is on the screen.
        const send = await member.page
          .locator('form.composer button[type="submit"], form.composer .btn-primary')
          .first()
        const box = await send.boundingBox()
        expect(box, 'the send button').to.not.equal(null)
        expect(box!.x + box!.width).to.be.at.most(375)
        await shot(member.page, `large-text-chat-${lng}`)
        for (const [name, url] of [
          ['grants-admin', '/grants/admin'],
          ['audit', '/moderation/audit'],
          ['users', '/moderation/users'],
        ])
          await visit(admin.page, name, url)
      } finally {
        await member.ctx.close()
        await admin.ctx.close()
      }
      expect(problems, problems.join('\n')).to.deep.equal([])
    })
  }

  it('shows the events page in high contrast without serious axe problems (the pressed view button, a full event)', async () => {
    // A full event: its "no places left" line is in the palette's danger colour.
    const c = await s.council({ kk: 'Маңғыстау қоғамдық кеңесі', ru: 'Общественный совет: Мангистау' })
    const organizer = new Agent(s.t.url)
    const login = await s.member(c)
    await organizer.post('/api/v1/auth/login', { email: login.email, password: login.password })
    const [regionId] = await regionIds()
    const e = await publishedEvent(organizer, eventBody([c.id], regionId, { capacity: 1, audience: 'public' }))
    const guestLogin = await createUser(s.t)
    const guest = new Agent(s.t.url)
    await guest.post('/api/v1/auth/login', { email: guestLogin.email, password: guestLogin.password })
    expect((await guest.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('registered')
    const ctx = await s.context({ lng: 'ru', width: 375, height: 800 })
    await ctx.addInitScript(() => localStorage.setItem('kenes.a11y', JSON.stringify({ highContrast: true })))
    const page = await ctx.newPage()
    try {
      for (const url of ['/events', '/events?view=month']) {
        await page.goto(url)
        await settled(page)
        expect(await page.evaluate(() => document.documentElement.classList.contains('hc'))).to.equal(true)
        expect(await axeProblems(page), url).to.deep.equal([])
      }
      await page.goto('/events')
      await page.locator('.places-full').first().waitFor()
      expect(await axeProblems(page)).to.deep.equal([])
    } finally {
      await ctx.close()
    }
  })
})
