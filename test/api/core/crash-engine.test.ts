import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { expect } from 'chai'
import { ROOT_DIR } from '../../../server/core/config.js'
import { Agent } from '../../helpers/agent.js'
import { freePort, startServerOn } from '../../helpers/processes.js'
import { account, eventually, outboxOf, seeded } from './crash.helpers.js'

/**
 * kill -9 of the database engine when it runs alone (`npm run db`; the app on MONGODB_URI) during
 * a burst of guest appeals and news, then the engine restarted on the same dbpath and port: the app
 * server, still running, reconnects; every acknowledged write is there, every appeal stored has its
 * number and exactly one confirmation mail (its job retries until the database is back).
 */
const ROUNDS = 3
const cli = path.join(ROOT_DIR, 'server', 'db', 'embedded', 'cli.ts')

async function startEngine(dbPath: string, port: number): Promise<{ proc: ChildProcess; kill9(): Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', String(port), '--dbpath', dbPath], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine not ready:\n${out}`)), 30_000)
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      out += `${line}\n`
      if (/mongodb:\/\/\S+/.test(line)) {
        clearTimeout(timer)
        resolve()
      }
    })
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`engine exited (${code}):\n${out}`))
    })
  })
  const exited = new Promise<void>((r) => proc.once('exit', () => r()))
  return {
    proc,
    async kill9() {
      proc.kill('SIGKILL')
      await exited
    },
  }
}

describe('crash: kill -9 of the engine running alone, mid-burst', function () {
  this.timeout(180_000)
  const rand = seeded(0x64627300)
  let root: string
  let dbPath: string
  let port: number
  let engine: Awaited<ReturnType<typeof startEngine>>
  let server: Awaited<ReturnType<typeof startServerOn>>
  let councilId: string
  let member: Awaited<ReturnType<typeof account>>

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-crash-engine-'))
    dbPath = path.join(root, 'db')
    await fs.mkdir(dbPath)
    port = await freePort()
    engine = await startEngine(dbPath, port)
    server = await startServerOn(
      { dataDir: path.join(root, 'data'), uploadsDir: path.join(root, 'uploads') },
      {
        MONGODB_URI: `mongodb://127.0.0.1:${port}/?directConnection=true`,
        ADMIN_EMAIL: 'admin@engine.test',
        ADMIN_PASSWORD: 'engine-admin-password',
        JOBS_ENABLED: 'true',
        APPEALS_MAX_PER_IP_HOUR: '100000',
        APPEALS_MAX_PER_SENDER_HOUR: '100000',
      },
    )
    const admin = new Agent(server.url)
    expect(
      (await admin.post('/api/v1/auth/login', { email: 'admin@engine.test', password: 'engine-admin-password' }))
        .status,
    ).to.equal(200)
    const c = await admin.post('/api/v1/councils', {
      name: { kk: 'Кеңес', ru: 'Совет' },
      level: 'republican',
      stateBody: { kk: 'Министрлік', ru: 'Министерство' },
    })
    expect(c.status, c.text).to.equal(201)
    councilId = c.body.id
    member = await account(server.url, 'member@engine.test', 'engine-test-password', 'Мүше')
    const patched = await admin.patch(`/api/v1/users/${member.user.id}`, {
      roles: ['council_member'],
      councilIds: [councilId],
    })
    expect(patched.status).to.equal(200)
  })

  after(async () => {
    await server?.kill9().catch(() => {})
    await engine?.kill9().catch(() => {})
    if (root) await fs.rm(root, { recursive: true, force: true })
  })

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: the app reconnects; acknowledged writes are there, stored appeals are whole`, async () => {
      let killed = false
      const guests: { email: string; number: string; code: string }[] = []
      const tried: string[] = []
      const news: string[] = []
      const loop = async (step: () => Promise<void>) => {
        while (!killed) await step().catch(() => {})
      }
      const burst = [
        loop(async () => {
          const email = `e-${crypto.randomBytes(5).toString('hex')}@engine.test`
          tried.push(email)
          const res = await new Agent(server.url).post('/api/v1/appeals', {
            councilId,
            category: 'question',
            subject: 'Жол туралы',
            text: 'Жол қашан жөнделеді?',
            contact: { name: 'Қонақ', email },
          })
          if (res.status === 201) guests.push({ email, number: res.body.trackingNumber, code: res.body.accessCode })
        }),
        loop(async () => {
          const res = await member.post(`/api/v1/councils/${councilId}/news`, {
            title: { kk: `Жаңалық ${round}`, ru: `Новость ${round}` },
            body: { kk: '<p>Мәтін</p>', ru: '<p>Текст</p>' },
            status: 'published',
          })
          if (res.status === 201) news.push(res.body.id)
        }),
      ]
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rand() * 1500)))
      await engine.kill9()
      killed = true
      // While the engine is down the app answers, but nothing is acknowledged as stored.
      const down = await new Agent(server.url).get('/api/v1/health')
      expect(down.status).to.equal(503)
      // Requests caught by the kill finish (or fail) once the engine is back; what they acknowledge counts too.
      engine = await startEngine(dbPath, port)
      await Promise.all(burst)
      await eventually('the app back on the database', async () =>
        (await new Agent(server.url).get('/api/v1/health')).status === 200 ? true : undefined,
      )

      for (const g of guests) {
        const res = await new Agent(server.url).get(`/api/v1/appeals/track?number=${g.number}&code=${g.code}`)
        expect(res.status, `acknowledged appeal ${g.number}`).to.equal(200)
      }
      for (const id of news) expect((await new Agent(server.url).get(`/api/v1/news/${id}`)).status).to.equal(200)
      const mails = await eventually('a confirmation mail for every acknowledged appeal', async () => {
        const got = await outboxOf(path.join(root, 'data'), { template: 'appeals:email.confirm' })
        return guests.every((g) => got.some((m) => m.to === g.email)) ? got : undefined
      })
      for (const email of tried)
        expect(mails.filter((m) => m.to === email).length, `confirmation mails to ${email}`).to.be.at.most(1)
      for (const g of guests) expect(mails.filter((m) => m.to === g.email)).to.have.length(1)
    })
  }
})
