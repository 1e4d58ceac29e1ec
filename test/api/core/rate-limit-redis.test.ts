import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { expect } from 'chai'
import { createClient } from 'redis'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p))

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

describe('rate limits shared through Redis (REDIS_URL)', function () {
  let redis: ChildProcess | undefined
  let url = ''
  let t: TestServer | undefined
  before(async function () {
    if (!REDIS) return this.skip()
    const port = await freePort()
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      redis!.stdout!.on('data', (d) => {
        out += d
        if (/Ready to accept connections/.test(out)) resolve()
      })
      redis!.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)))
    })
    url = `redis://127.0.0.1:${port}`
    t = await startTestServer({ REDIS_URL: url, LOGIN_MAX_FAILURES_PER_IP: '3' })
  })
  after(async () => {
    await t?.close()
    if (redis && redis.exitCode === null) {
      const exited = new Promise((r) => redis!.once('exit', r))
      redis.kill('SIGTERM')
      await exited
    }
  })

  it('should count failed logins in Redis and lock the address', async () => {
    for (let i = 0; i < 3; i++) expect((await new Agent(t!.url).post('/api/v1/auth/login', { email: `r${i}@example.kz`, password: 'wrong-password-x' })).status).to.equal(401)
    const res = await new Agent(t!.url).post('/api/v1/auth/login', { email: 'r9@example.kz', password: 'wrong-password-x' })
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
