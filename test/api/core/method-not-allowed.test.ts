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

  it('should leave unknown paths 404 and declared methods alone', async () => {
    const guest = new Agent(t.url)
    expect((await guest.request('PUT', '/api/v1/no-such-thing')).status).to.equal(404)
    expect((await guest.get('/api/v1/regions')).status).to.equal(200)
  })
})
