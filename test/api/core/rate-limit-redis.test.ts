import { expect } from 'chai'
import { createClient } from 'redis'
import { Agent } from '../../helpers/agent.js'
import { REDIS_SERVER, startRedis, type Child } from '../../helpers/processes.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('rate limits shared through Redis (REDIS_URL)', function () {
  let redis: Child | undefined
  let url = ''
  let t: TestServer | undefined
  before(async function () {
    if (!REDIS_SERVER) return this.skip()
    redis = await startRedis()
    url = redis.url
    t = await startTestServer({ REDIS_URL: url, LOGIN_MAX_FAILURES_PER_IP: '3' })
  })
  after(async () => {
    await t?.close()
    await redis?.stop()
  })

  it('should count failed logins in Redis and lock the address', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (
          await new Agent(t!.url).post('/api/v1/auth/login', {
            email: `r${i}@example.kz`,
            password: 'wrong-password-x',
          })
        ).status,
      ).to.equal(401)
    const res = await new Agent(t!.url).post('/api/v1/auth/login', {
      email: 'r9@example.kz',
      password: 'wrong-password-x',
    })
    expect(res.status).to.equal(429)
    expect(res.body.code).to.equal('auth.locked')
    const client = createClient({ url })
    await client.connect()
    try {
      const keys = await client.keys('rl:login_fail_ip:*')
      expect(keys.length).to.equal(1)
    } finally {
      await client.quit()
    }
  })
})
