import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../helpers/agent.js'
import { DEFAULT_PASSWORD, createUser } from '../helpers/users.js'
import { ROOT, axeProblems, field, settled, shot } from './browser.js'
import { browserSuite } from './support.js'

type Lng = 'kk' | 'ru'
/** The events pages' own strings (shared/locales/<lng>/events.json, section `web`). */
const ev = (lng: Lng) => JSON.parse(fs.readFileSync(path.join(ROOT, 'shared', 'locales', lng, 'events.json'), 'utf8'))

/** `2026-12-24T10:00` in Astana time, `days` from now (what a datetime-local field takes). */
function astana(days: number, hour: number): string {
  const d = new Date(Date.now() + days * 86_400_000 + 5 * 3600_000)
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00`
}

describe('web client: events', function () {
  this.timeout(180_000)
  const s = browserSuite()

  it('an organizer creates and publishes an event, a member sees the waiting-list place, the door checks a typed code in', async () => {
    const kk = ev('kk').web
    const ru = ev('ru').web
    const [almaty, shymkent] = await Promise.all([
      s.council({
        kk: 'Алматы қаласының қоғамдық кеңесі',
        ru: 'Общественный совет города Алматы',
        regionCode: 'KZ-75',
      }),
      s.council({
        kk: 'Шымкент қаласының қоғамдық кеңесі',
        ru: 'Общественный совет города Шымкента',
        regionCode: 'KZ-79',
      }),
    ])
    const organizer = await s.member(almaty)

    // The organizer (a member of the Almaty council) fills the form in Kazakh.
    const { ctx, page } = await s.signedIn(organizer, { lng: 'kk' })
    await page.goto('/events')
    await settled(page)
    await page.getByRole('link', { name: kk.calendar.create }).click()
    await page.waitForURL(/\/events\/new$/)
    await settled(page)
    // Nothing filled: the server's messages appear next to the fields.
    await page.getByRole('button', { name: kk.form.save }).click()
    await page.waitForSelector('[aria-invalid="true"]')
    expect(await page.locator('.field-error').count()).to.be.greaterThan(2)
    expect(await axeProblems(page), 'event form (kk) with errors').to.deep.equal([])
    await shot(page, 'event-form-errors-kk')

    await field(page, kk.form.titleKk).fill('Алматы мен Шымкент: қалалық бюджет диалогы')
    await field(page, kk.form.titleRu).fill('Алматы и Шымкент: диалог о городском бюджете')
    await field(page, kk.form.descriptionKk).fill('Күн тәртібі: бюджетті ашық талқылау.')
    await field(page, kk.form.format).selectOption('offline')
    await field(page, kk.form.addressKk).fill('Алматы, Абай даңғылы, 10')
    await field(page, kk.form.venueRegion).selectOption({ label: 'Алматы' })
    await field(page, kk.form.startsAt).fill(astana(10, 10))
    await field(page, kk.form.endsAt).fill(astana(10, 13))
    await field(page, kk.form.registrationClosesAt).fill(astana(9, 18))
    await field(page, kk.form.organizers).selectOption([almaty.id, shymkent.id])
    await field(page, kk.form.capacity).fill('1')
    await page.getByRole('button', { name: kk.form.save }).click()
    await page.waitForURL(/\/events\/[0-9a-f]{24}\/edit$/)
    const eventId = /\/events\/([0-9a-f]{24})\/edit$/.exec(page.url())![1]
    await page.getByRole('button', { name: kk.form.publish }).click()
    await page.getByText(ev('kk').status.published).first().waitFor()

    // Someone from Shymkent takes the only seat first (through the API).
    const first = await createUser(s.t, {
      roles: ['council_member'],
      councilIds: [shymkent.id],
      displayName: 'Дәурен Ахметов',
    })
    const firstAgent = new Agent(s.t.url)
    await firstAgent.post('/api/v1/auth/login', { email: first.email, password: DEFAULT_PASSWORD })
    const seat = await firstAgent.post(`/api/v1/events/${eventId}/registrations`, {})
    expect(seat.body.status).to.equal('registered')

    // A Russian-speaking member on a phone finds it in the calendar and registers: waiting list, place 1.
    const member = await s.member(shymkent, { locale: 'ru' })
    const phone = await s.context({ width: 375, lng: 'ru' })
    const mp = await phone.newPage()
    await mp.goto('/login')
    await mp.locator('input[type=email]').fill(member.email)
    await mp.locator('input[type=password]').fill(member.password)
    await mp.locator('form button.btn-primary').click()
    await mp.waitForURL((u) => !u.pathname.startsWith('/login'))
    await mp.goto('/events')
    await settled(mp)
    expect(await axeProblems(mp), 'calendar (ru, 375 px)').to.deep.equal([])
    await shot(mp, 'events-calendar-ru-375')
    expect(await mp.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375)
    await mp.getByRole('link', { name: 'Алматы и Шымкент: диалог о городском бюджете' }).click()
    await mp.getByRole('heading', { level: 1, name: 'Алматы и Шымкент: диалог о городском бюджете' }).waitFor()
    await settled(mp)
    expect(await mp.getByText(ru.full).count()).to.equal(1)
    await mp.getByRole('button', { name: ru.register.button }).click()
    await mp
      .getByText(/В листе ожидания|в листе ожидания/)
      .first()
      .waitFor()
    expect(await mp.locator('.register-box').textContent()).to.match(/место № 1/)
    expect(await mp.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375)
    expect(await axeProblems(mp), 'event page (ru, 375 px)').to.deep.equal([])
    await shot(mp, 'event-waitlisted-ru-375')
    await mp.goto('/events/mine')
    await settled(mp)
    expect(await mp.locator('main').textContent()).to.contain('место № 1')
    await phone.close()

    // At the door: the organizer types the first person's code (lower case, with a space) and sees the name.
    await page.goto(`/events/${eventId}/check-in`)
    await settled(page)
    expect(await axeProblems(page), 'check-in (kk)').to.deep.equal([])
    await field(page, kk.checkin.code).fill(String(seat.body.code).toLowerCase().replace('-', ' '))
    await page.getByRole('button', { name: kk.checkin.submit }).click()
    await page.getByText('Дәурен Ахметов').waitFor()
    expect(await page.locator('.checkin-result').textContent()).to.contain('Белгіленді')
    // Again: already checked in; an unknown code says so.
    await field(page, kk.checkin.code).fill(String(seat.body.code))
    await page.getByRole('button', { name: kk.checkin.submit }).click()
    await page.getByText(/Бұрын белгіленген/).waitFor()
    await field(page, kk.checkin.code).fill('ZZZZ-ZZZZ')
    await page.getByRole('button', { name: kk.checkin.submit }).click()
    await page.getByText(kk.checkin.unknown).waitFor()
    await shot(page, 'event-check-in-kk')

    // The registration list with counts against capacity.
    await page.goto(`/events/${eventId}/registrations`)
    await settled(page)
    expect(await page.locator('.counts').textContent()).to.contain('1')
    expect(await page.getByRole('link', { name: kk.registrations.csv }).getAttribute('href')).to.contain('format=csv')
    expect(await axeProblems(page), 'registrations (kk)').to.deep.equal([])
    await shot(page, 'event-registrations-kk')
    await ctx.close()
  })

  it('shows the calendar month view and the event page without serious axe problems in kk and ru at 375 px', async () => {
    const council = await s.council({
      kk: 'Ақтөбе облысының кеңесі',
      ru: 'Совет Актюбинской области',
      regionCode: 'KZ-15',
    })
    const moderator = new Agent(s.t.url)
    const mod = await createUser(s.t, { roles: ['moderator'] })
    await moderator.post('/api/v1/auth/login', { email: mod.email, password: DEFAULT_PASSWORD })
    const regions = (await moderator.get('/api/v1/regions')).body
    const list = Array.isArray(regions) ? regions : regions.items
    const start = new Date(Date.now() + 3 * 86_400_000)
    const created = await moderator.post('/api/v1/events', {
      kind: 'meeting',
      title: { kk: 'Ашық кездесу', ru: 'Открытая встреча' },
      description: { kk: 'Азаматтармен кездесу', ru: 'Встреча с гражданами' },
      format: 'online',
      onlineUrl: 'https://meet.example.kz/open',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 7200_000).toISOString(),
      registrationClosesAt: new Date(start.getTime() - 3600_000).toISOString(),
      organizerCouncilIds: [council.id],
      capacity: 100,
      audience: 'public',
    })
    expect(created.status).to.equal(201)
    expect(list.length).to.be.greaterThan(0)
    await moderator.patch(`/api/v1/events/${created.body.id}`, { status: 'published' })
    for (const lng of ['kk', 'ru'] as const) {
      const ctx = await s.context({ width: 375, lng })
      const page = await ctx.newPage()
      const month = `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`
      await page.goto(`/events?view=month&month=${month}`)
      await settled(page)
      await page
        .getByRole('link', { name: lng === 'kk' ? 'Ашық кездесу' : 'Открытая встреча' })
        .first()
        .waitFor()
      expect(await axeProblems(page), `month view (${lng})`).to.deep.equal([])
      await shot(page, `events-month-${lng}-375`)
      await page.goto(`/events/${created.body.slug}`)
      await settled(page)
      expect(await page.getByRole('link', { name: ev(lng).web.event.addToCalendar }).getAttribute('href')).to.contain(
        'calendar.ics',
      )
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375)
      expect(await axeProblems(page), `event page (${lng})`).to.deep.equal([])
      await ctx.close()
    }
  })
})
