import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, DEFAULT_PASSWORD, loginAs } from '../../helpers/users.js'
import { createCouncil, eventBody, publishedEvent } from './fixtures.js'

/**
 * The seat rules under load: ≥ 200 people press "register" at the same moment on an event with 70
 * seats and a per-region quota. Exactly 70 get a seat, no region passes its quota, everybody else
 * is on the waiting list with distinct places 1..N in arrival order, and nobody is lost or doubled.
 */
describe('events: simultaneous registrations through the real server', function () {
  this.timeout(180_000)
  let t: TestServer
  let people: Agent[]
  let councils: { id: string; regionId: string | null }[]
  let eventId: string
  const REGIONS = 5
  const PER_REGION = 42 // 210 people
  const QUOTA = 15 // 5 × 15 = 75 ≥ 70: capacity is the binding limit, quotas bind within regions

  before(async () => {
    t = await startTestServer({ EVENT_REGISTRATIONS_MAX_PER_IP_HOUR: '1000' }) // hundreds of people, one test address
    councils = await Promise.all(Array.from({ length: REGIONS }, (_, i) => createCouncil(i)))
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const e = await publishedEvent(
      moderator,
      eventBody(
        councils.map((c) => c.id),
        councils[0].regionId!,
        { kind: 'forum', capacity: 70, regionQuota: QUOTA },
      ),
    )
    eventId = e.id
    // Accounts and sessions first (argon2 is slow on purpose): the race is the registrations only.
    const specs = Array.from({ length: REGIONS * PER_REGION }, (_, i) => councils[i % REGIONS].id)
    people = []
    for (let i = 0; i < specs.length; i += 30) {
      const chunk = specs.slice(i, i + 30)
      people.push(
        ...(await Promise.all(
          chunk.map(async (councilId) => {
            const { email } = await createUser(t, { roles: ['council_member'], councilIds: [councilId] })
            const a = new Agent(t.url)
            const res = await a.post('/api/v1/auth/login', { email, password: DEFAULT_PASSWORD })
            if (res.status !== 200) throw new Error(`login ${res.status}`)
            a.user = res.body.user
            await a.csrfToken()
            return a
          }),
        )),
      )
    }
  })
  after(() => t?.close())

  it('should register exactly 70 within the region quota and waitlist the rest in arrival order', async () => {
    const results = await Promise.all(people.map((a) => a.post(`/api/v1/events/${eventId}/registrations`, {})))
    expect(results.map((r) => r.status)).to.deep.equal(results.map(() => 201))
    const registered = results.filter((r) => r.body.status === 'registered')
    const waitlisted = results.filter((r) => r.body.status === 'waitlisted')
    expect(registered).to.have.length(70)
    expect(waitlisted).to.have.length(people.length - 70)
    // Waiting-list places are 1..N, each once.
    const places = waitlisted.map((r) => r.body.position as number).sort((a, b) => a - b)
    expect(places).to.deep.equal(Array.from({ length: waitlisted.length }, (_, i) => i + 1))
    // Codes and ids are unique.
    expect(new Set(results.map((r) => r.body.id)).size).to.equal(people.length)
    expect(new Set(results.map((r) => r.body.code)).size).to.equal(people.length)

    // The organizer's list agrees: every person once, 70 registered, no region above its quota.
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const rows: { userId: string; status: string; regionId: string; position: number | null }[] = []
    let cursor: string | null = null
    let summary: { registered: number; waitlisted: number; byRegion: { regionId: string; registered: number }[] }
    do {
      const page = await moderator.get(
        `/api/v1/events/${eventId}/registrations?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.status).to.equal(200)
      rows.push(...page.body.items)
      summary = page.body.summary
      cursor = page.body.nextCursor
    } while (cursor)
    expect(rows).to.have.length(people.length)
    expect(new Set(rows.map((r) => r.userId)).size).to.equal(people.length)
    expect(summary.registered).to.equal(70)
    expect(summary.waitlisted).to.equal(people.length - 70)
    for (const r of summary.byRegion) expect(r.registered).to.be.at.most(QUOTA)
    // The list is in arrival order, and waiting-list places follow that order.
    const waiting = rows.filter((r) => r.status === 'waitlisted').map((r) => r.position)
    expect(waiting).to.deep.equal(Array.from({ length: waiting.length }, (_, i) => i + 1))
    const event = await moderator.get(`/api/v1/events/${eventId}`)
    expect(event.body.registered).to.equal(70)
    expect(event.body.waitlisted).to.equal(people.length - 70)
    expect(event.body.placesLeft).to.equal(0)
  })

  it('should refuse a second registration of the same person with 409 conflict, even at the same moment', async () => {
    const someone = people[0]
    const again = await Promise.all([1, 2, 3].map(() => someone.post(`/api/v1/events/${eventId}/registrations`, {})))
    for (const r of again) {
      expect(r.status).to.equal(409)
      expect(r.body.code).to.equal('conflict')
    }
  })

  it('should put a later arrival at the end of the waiting list', async () => {
    const c = councils[1]
    const late = await loginAs(t, { roles: ['council_member'], councilIds: [c.id] })
    const res = await late.post(`/api/v1/events/${eventId}/registrations`, {})
    expect(res.status).to.equal(201)
    expect(res.body.status).to.equal('waitlisted')
    expect(res.body.position).to.equal(people.length - 70 + 1)
  })

  it('should give a freed seat to the first waitlisted person whose region is under its quota', async () => {
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const before = await moderator.get(`/api/v1/events/${eventId}/registrations?limit=1`)
    const counts = new Map<string, number>(
      before.body.summary.byRegion.map((r: { regionId: string; registered: number }) => [r.regionId, r.registered]),
    )
    const regionOf = (a: Agent) => councils.find((c) => c.id === a.user!.councilIds[0])!.regionId!
    const mine = await Promise.all(people.map((a) => a.get('/api/v1/events/mine')))
    const leavingIdx = mine.findIndex((m) => m.body.items[0]?.status === 'registered')
    const leaving = people[leavingIdx]
    counts.set(regionOf(leaving), counts.get(regionOf(leaving))! - 1)
    // Who should move up: the earliest on the waiting list whose region then has room.
    const expected = mine
      .map((m, i) => ({ i, item: m.body.items[0] }))
      .filter((x) => x.item?.status === 'waitlisted' && (counts.get(regionOf(people[x.i])) ?? 0) < QUOTA)
      .sort((a, b) => a.item.position - b.item.position)[0]

    const gone = await leaving.delete(`/api/v1/events/${eventId}/registrations/mine`)
    expect(gone.status).to.equal(204)
    const event = await moderator.get(`/api/v1/events/${eventId}`)
    expect(event.body.registered).to.equal(70)
    expect(event.body.waitlisted).to.equal(people.length - 70)
    const promoted = await people[expected.i].get(`/api/v1/events/${eventId}`)
    expect(promoted.body.myRegistration.status).to.equal('registered')
    // Cancelling twice finds nothing.
    expect((await leaving.delete(`/api/v1/events/${eventId}/registrations/mine`)).status).to.equal(404)
  })
})
