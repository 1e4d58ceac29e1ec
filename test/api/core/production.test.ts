import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser } from '../../helpers/users.js'
import { ROOT_DIR } from '../../../server/core/config.js'

/** The settings production runs with, exercised: secure cookies, HSTS, and a start that refuses without a secret. */
describe('production settings (NODE_ENV=production)', () => {
  it('should refuse to start without SESSION_SECRET, naming it', () => {
    const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: 'production', PORT: '0' }
    delete env.SESSION_SECRET
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/main.ts')], {
      cwd: ROOT_DIR,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.status).to.not.equal(0)
    expect(run.stderr + run.stdout).to.include('SESSION_SECRET: required in production')
  })

  describe('a running production server behind a TLS proxy', () => {
    let t: TestServer
    before(async () => {
      t = await startTestServer({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(48), TRUST_PROXY: '1' })
    })
    after(() => t?.close())

    it('should send HSTS and set the session cookie Secure, HttpOnly and SameSite', async () => {
      const { email, password } = await createUser(t)
      const agent = new Agent(t.url)
      const res = await agent.request('POST', '/api/v1/auth/login', {
        json: { email, password },
        headers: { 'x-forwarded-proto': 'https' },
      })
      expect(res.status).to.equal(200)
      expect(res.headers.get('strict-transport-security')).to.match(/max-age=\d+/)
      const cookie = res.headers.get('set-cookie') ?? ''
      expect(cookie).to.match(/kenes\.sid=/)
      expect(cookie).to.match(/;\s*Secure/i)
      expect(cookie).to.match(/;\s*HttpOnly/i)
      expect(cookie).to.match(/;\s*SameSite=(Lax|Strict)/i)
    })
  })
})
