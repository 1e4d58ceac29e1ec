import crypto from 'node:crypto'
import { expect } from 'chai'
import { startTestServer, type TestServer } from '../../helpers/server.js'

/** Guessing e-mailed tokens: one budget per address, reserved before each check, so parallel guesses stay bounded. */
describe('e-mailed tokens: guessing in parallel', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: '1' })
  })
  after(() => t?.close())

  const post = (ip: string, path: string, body: unknown) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    })
  const token = () => crypto.randomBytes(32).toString('base64url')

  it('should check at most 30 of 100 simultaneous wrong tokens from one address, across the three token routes', async () => {
    const ip = '192.0.2.10'
    const res = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 3 === 0
          ? post(ip, '/auth/verify-email', { token: token() })
          : i % 3 === 1
            ? post(ip, '/auth/password/reset', { token: token(), password: 'a-new-password-123' })
            : post(ip, '/appeals/confirm', { token: token() }),
      ),
    )
    const statuses = res.map((r) => r.status)
    expect(statuses.filter((s) => s === 400)).to.have.length(30)
    expect(statuses.filter((s) => s === 429)).to.have.length(70)
    const limited = res.find((r) => r.status === 429)!
    expect(limited.headers.get('retry-after')).to.match(/^\d+$/)
    // Another address keeps its own budget.
    expect((await post('192.0.2.11', '/auth/verify-email', { token: token() })).status).to.equal(400)
  })
})
