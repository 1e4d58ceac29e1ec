import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

describe('a method a path does not have: 405 with Allow', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should answer 405 with the declared methods in Allow, for guests and (before CSRF) for signed-in users', async () => {
    const guest = new Agent(t.url, { lng: 'ru' })
    const res = await guest.request('PUT', '/api/v1/councils')
    expect(res.status).to.equal(405)
    expect(res.headers.get('allow')).to.equal('GET, HEAD, POST, OPTIONS')
    expect(res.body.code).to.equal('method_not_allowed')
    expect(res.body.detail).to.include('PUT')
    const admin = await loginAs(t, { roles: ['admin'] })
    const signedIn = await admin.request('DELETE', '/api/v1/regions', { csrf: false })
    expect(signedIn.status).to.equal(405)
    expect(signedIn.headers.get('allow')).to.equal('GET, HEAD, OPTIONS')
    // One path under two parameter names is one resource: its methods are listed together.
    const profile = await guest.request('PUT', '/api/v1/councils/some-council')
    expect(profile.headers.get('allow')).to.equal('DELETE, GET, HEAD, PATCH, OPTIONS')
  })

  it('should list the same methods for OPTIONS as for a 405 on one path (one parameter name per path)', async () => {
    const guest = new Agent(t.url)
    for (const path of ['/api/v1/councils/some-council', '/api/v1/news/some-news', '/api/v1/events/some-event']) {
      const refused = await guest.request('PUT', path)
      expect(refused.status, path).to.equal(405)
      const options = await guest.request('OPTIONS', path)
      expect(options.status, path).to.be.oneOf([200, 204])
      const methods = (h: string | null) =>
        (h ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== 'OPTIONS') // a 405 also names OPTIONS; OPTIONS need not name itself
          .sort()
      expect(methods(options.headers.get('allow')), path).to.deep.equal(methods(refused.headers.get('allow')))
    }
  })

  it('should leave unknown paths 404 and declared methods alone', async () => {
    const guest = new Agent(t.url)
    expect((await guest.request('PUT', '/api/v1/no-such-thing')).status).to.equal(404)
    expect((await guest.get('/api/v1/regions')).status).to.equal(200)
  })
})
