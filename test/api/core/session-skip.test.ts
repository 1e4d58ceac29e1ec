import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

// Anonymous safe requests skip express-session and passport (app.ts); these pin down what must
// still get a session: the guest's CSRF token and every request that carries the cookie.
describe('core: sessions only where they are needed', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => t?.close())

  it('should answer a guest GET without creating a session', async () => {
    const res = await fetch(`${t.url}/api/v1/councils`)
    expect(res.status).to.equal(200)
    expect(res.headers.get('set-cookie')).to.equal(null)
  })

  for (const path of ['/api/v1/auth/csrf', '/API/V1/Auth/CSRF/']) {
    it(`should give a guest a session and a CSRF token on GET ${path}`, async () => {
      const res = await fetch(`${t.url}${path}`)
      expect(res.status).to.equal(200)
      expect(res.headers.get('set-cookie') ?? '').to.match(/^kenes\.sid=/)
      expect((await res.json()).csrfToken)
        .to.be.a('string')
        .with.length.above(10)
    })
  }

  it('should still know a signed-in user on GET and let them write with the token', async () => {
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const me = await citizen.get('/api/v1/auth/me')
    expect(me.status).to.equal(200)
    expect(me.body.user.id).to.equal(citizen.user!.id)
    const patched = await citizen.patch('/api/v1/auth/me', { displayName: 'Әлия Сәрсенова' })
    expect(patched.status).to.equal(200)
    expect(patched.body.user.displayName).to.equal('Әлия Сәрсенова')
  })

  it('should treat a guest GET of a signed-in-only route as anonymous (401)', async () => {
    const res = await new Agent(t.url).get('/api/v1/auth/me')
    expect(res.status).to.equal(401)
    expect(res.body.code).to.equal('auth.required')
  })
})
