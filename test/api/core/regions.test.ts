import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import {
  findRegionByCode,
  findRegionById,
  listRegions,
  seedRegions,
} from '../../../server/modules/regions/regions.service.js'

describe('regions: GET /api/v1/regions', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should list the 17 oblasts and 3 cities of republican significance with unique ISO codes', async () => {
    const res = await new Agent(t.url).get('/api/v1/regions')
    expect(res.status).to.equal(200)
    const regions = res.body as { id: string; code: string; name: { kk: string; ru: string }; kind: string }[]
    expect(regions).to.have.length(20)
    expect(new Set(regions.map((r) => r.code)).size).to.equal(20)
    expect(new Set(regions.map((r) => r.id)).size).to.equal(20)
    expect(regions.filter((r) => r.kind === 'oblast')).to.have.length(17)
    expect(regions.filter((r) => r.kind === 'city').map((r) => r.code)).to.deep.equal(['KZ-71', 'KZ-75', 'KZ-79'])
    for (const r of regions) {
      expect(r.code).to.match(/^KZ-\d{2}$/)
      expect(r.name.kk).to.be.a('string').and.not.equal('')
      expect(r.name.ru).to.be.a('string').and.not.equal('')
      expect(r).to.have.keys('id', 'code', 'name', 'kind')
    }
    const byCode = Object.fromEntries(regions.map((r) => [r.code, r]))
    expect(byCode['KZ-71'].name.kk).to.equal('Астана')
    expect(byCode['KZ-10'].name.kk).to.equal('Абай облысы')
    expect(byCode['KZ-33'].name.kk).to.equal('Жетісу облысы')
    expect(byCode['KZ-62'].name.kk).to.equal('Ұлытау облысы')
    expect(byCode['KZ-61'].name.ru).to.equal('Туркестанская область')
  })

  it('should put the cities first, then the oblasts by name in the request language', async () => {
    const ru = (await new Agent(t.url, { lng: 'ru' }).get('/api/v1/regions')).body
    const names = ru.slice(3).map((r: any) => r.name.ru.replace(/^область\s+/, ''))
    expect(names).to.deep.equal([...names].sort((a: string, b: string) => a.localeCompare(b, 'ru')))
    expect(ru[0].code).to.equal('KZ-71')
  })

  it('should seed idempotently and find regions by id and code', async () => {
    await seedRegions()
    const all = await listRegions()
    expect(all).to.have.length(20)
    const astana = await findRegionByCode('kz-71')
    expect(astana!.name.ru).to.equal('Астана')
    expect((await findRegionById(astana!.id))!.code).to.equal('KZ-71')
    expect(await findRegionById('nope')).to.equal(null)
  })
})
