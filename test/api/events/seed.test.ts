import { expect } from 'chai'
import { seedDemo } from '../../../server/modules/councils/index.js'
import { attendeesInYear, seedDemoEvents } from '../../../server/modules/events/index.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('events: demo seed (npm run seed)', function () {
  this.timeout(120_000)
  let t: TestServer
  before(async () => {
    t = await startTestServer()
    await seedDemo(() => {})
  })
  after(() => t?.close())

  it('should add a past Forum with attendance and upcoming dialogue platforms in several regions, idempotently', async () => {
    const first = await seedDemoEvents()
    expect(await seedDemoEvents()).to.deep.equal(first)
    const guest = new Agent(t.url)
    const past = await guest.get('/api/v1/events?when=past&kind=forum')
    expect(past.body.items).to.have.length(1)
    const forum = past.body.items[0]
    expect(forum.status).to.equal('finished')
    expect(forum.registered).to.be.at.least(70)
    const year = new Date(forum.startsAt).getUTCFullYear()
    expect((await attendeesInYear(year, ['forum'])).length).to.be.at.least(70)
    const page = await guest.get(`/api/v1/events/${forum.slug}`)
    expect(page.body.outcome.summary.ru).to.be.a('string')

    const upcoming = await guest.get('/api/v1/events?when=upcoming&kind=dialogue')
    expect(upcoming.body.items.length).to.be.at.least(3)
    const views = await Promise.all(upcoming.body.items.map((e: { id: string }) => guest.get(`/api/v1/events/${e.id}`)))
    const regionIds = new Set(views.flatMap((v) => v.body.regionIds as string[]))
    expect(regionIds.size).to.be.at.least(4)
  })
})
