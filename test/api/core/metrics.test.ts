import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'

describe('core: GET /metrics', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ METRICS_TOKEN: 'metrics-secret-token' })
  })
  after(async () => {
    await t?.close()
  })

  it('should fail with 401 for a guest and 403 for a signed-in non-admin, as problem+json', async () => {
    const guest = await new Agent(t.url).get('/metrics')
    expect(guest.status).to.equal(401)
    expect(guest.headers.get('content-type')).to.match(/problem\+json/)
    const mod = await loginAs(t, { roles: ['moderator'] })
    expect((await mod.get('/metrics')).status).to.equal(403)
    expect(
      (await new Agent(t.url).get('/metrics', { headers: { authorization: 'Bearer wrong-token' } })).status,
    ).to.equal(401)
  })

  it('should serve Prometheus text to an admin, labelled by route pattern', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    await admin.patch('/api/v1/users/0123456789abcdef01234567', { disabled: true }) // a 404 on a parameterized route
    await new Agent(t.url).get('/api/v1/does-not-exist/42')
    await new Agent(t.url).post('/api/v1/auth/password/forgot', { email: 'someone@example.kz' }) // one background job
    const res = await admin.get('/metrics')
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.match(/^text\/plain/)
    expect(res.text).to.match(/# TYPE http_requests_total counter/)
    expect(res.text).to.match(/# TYPE http_request_duration_seconds histogram/)
    expect(res.text).to.match(/process_cpu_user_seconds_total/)
    expect(res.text).to.match(/kenes_jobs\{status="(queued|running|done)",service="kenes"\} 1/)
    expect(res.text).to.include('http_requests_total{method="PATCH",route="/api/v1/users/:id",status="404"')
    expect(res.text).to.include('route="/api/v1/auth/login",status="200"')
    expect(res.text).to.include('route="unmatched",status="404"')
    expect(res.text).not.to.include('0123456789abcdef01234567')
  })

  it('should accept the METRICS_TOKEN bearer', async () => {
    const res = await new Agent(t.url).get('/metrics', { headers: { authorization: 'Bearer metrics-secret-token' } })
    expect(res.status).to.equal(200)
    expect(res.text).to.include('http_request_duration_seconds_bucket')
  })
})
