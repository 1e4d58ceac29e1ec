import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('core: GET /api/v1/health', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should answer 200 with db up, the version and the uptime', async () => {
    const res = await new Agent(t.url).get('/api/v1/health')
    expect(res.status).to.equal(200)
    expect(res.body).to.include({ status: 'ok', db: 'up', version: t.config.version })
    expect(res.body.uptimeSec).to.be.a('number').at.least(0)
    expect(res.headers.get('cache-control')).to.equal('no-store')
  })

  it('should answer 503 with db down once the database engine is gone', async () => {
    await t.server.db.stopEngine()
    const res = await new Agent(t.url).get('/api/v1/health')
    expect(res.status).to.equal(503)
    expect(res.body).to.include({ status: 'error', db: 'down' })
  })
})
