import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { seedDemo } from '../../../server/modules/councils/index.js'
import { seedDemoNews } from '../../../server/modules/news/index.js'

describe('demo seed (npm run seed)', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  // The councils' seed and then the news' seed, as `npm run seed` runs the modules' hooks.
  const seedDemoCouncilsAndNews = async () => ({ ...(await seedDemo(() => {})), ...(await seedDemoNews()) })

  it('should create demo councils for every region and news in both languages, idempotently', async () => {
    const first = await seedDemoCouncilsAndNews()
    const guest = new Agent(t.url)
    const count = async () => {
      const ids: string[] = []
      let cursor: string | null = null
      do {
        const res: any = await guest.get(`/api/v1/councils?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        ids.push(...res.body.items.map((c: any) => c.id))
        cursor = res.body.nextCursor
      } while (cursor)
      return ids.length
    }
    const councils = await count()
    expect(councils).to.equal(first.councils)
    const second = await seedDemoCouncilsAndNews()
    expect(second).to.deep.equal(first)
    expect(await count()).to.equal(councils)

    const regions = (await guest.get('/api/v1/regions')).body as { id: string; code: string }[]
    expect(regions).to.have.length(20)
    for (const r of regions) {
      const res = await guest.get(`/api/v1/councils?region=${r.code}&limit=100`)
      expect(
        res.body.items.filter((c: any) => c.level === 'oblast' || c.level === 'city'),
        r.code,
      ).to.have.length.at.least(1)
    }
    const republican = (await guest.get('/api/v1/councils?level=republican&limit=100')).body.items
    expect(republican.length).to.be.at.least(10)
    const profile = (await guest.get(`/api/v1/councils/${republican[0].slug}`)).body
    expect(profile.demo).to.equal(true)
    expect(profile.description.kk).to.contain('[Демо]')
    expect(profile.description.ru).to.contain('[Демо]')
    expect(profile.members.map((m: any) => m.position)).to.include('chair')
    expect(profile.stats.news).to.equal(3)
    const news = (await guest.get(`/api/v1/news?council=${profile.id}`)).body.items
    expect(news).to.have.length(3)
    for (const n of news) expect(n.title.kk && n.title.ru).to.be.a('string')
    expect(
      (await guest.get(`/api/v1/councils?q=${encodeURIComponent('Қарағанды облысының')}`)).body.items.length,
    ).to.be.at.least(1)
  })
})
