import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

describe('core: Cache-Control on signed-in API responses', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => t?.close())

  it('should mark what a signed-in person reads as private, no-store', async () => {
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const admin = await loginAs(t, { roles: ['admin'] })
    const reads: [typeof citizen, string][] = [
      [citizen, '/api/v1/auth/me'],
      [citizen, '/api/v1/appeals/mine'],
      [admin, '/api/v1/users'],
    ]
    for (const [agent, path] of reads) {
      const res = await agent.get(path)
      expect(res.status, path).to.equal(200)
      expect(res.headers.get('cache-control'), path).to.include('no-store')
    }
  })

  it('should leave public responses to guests cacheable', async () => {
    const res = await new Agent(t.url).get('/api/v1/regions')
    expect(res.status).to.equal(200)
    expect(res.headers.get('cache-control') ?? '').to.not.include('no-store')
  })
})
