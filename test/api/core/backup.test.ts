import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { ROOT_DIR } from '../../../server/core/config.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser } from '../../helpers/users.js'
import { makeCouncil } from '../councils/fixtures.js'
import { pngImage } from '../councils/images.js'

/** Runs a repo script the way the deployment guide says (`npx tsx scripts/…` is `node --import tsx …`). */
function run(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (out += c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${args[0]} did not finish in ${timeoutMs} ms:\n${out}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

/** `npm run db -- --port 0 --dbpath <dir>`: the engine on its own; resolves with its URI and a stop(). */
function startEngine(dbPath: string): Promise<{ uri: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/db/embedded/cli.ts', '--port', '0', '--dbpath', dbPath],
      { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`engine not ready:\n${out}`))
    }, 60_000)
    child.stderr.on('data', (c: Buffer) => (out += c))
    child.stdout.on('data', (c: Buffer) => {
      out += c
      const m = out.match(/(mongodb:\/\/\S+)/)
      if (!m) return
      clearTimeout(timer)
      child.stdout.resume()
      resolve({
        uri: m[1],
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
    child.once('exit', (code) => reject(new Error(`engine exited (${code}):\n${out}`)))
  })
}

describe('backup and restore (scripts/backup.ts, scripts/restore.ts)', function () {
  this.timeout(240_000)
  let t: TestServer | undefined
  let root: string

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-backup-'))
  })
  after(async () => {
    await t?.close()
    await fs.rm(root, { recursive: true, force: true })
  })

  it('should restore into a fresh data directory what a backup of a running server holds, files included', async () => {
    // 1. Data created through the API: a council with a logo, a published news item, a moderator's account.
    t = await startTestServer()
    const mod = await createUser(t, { roles: ['moderator'] })
    const staff = new Agent(t.url)
    expect((await staff.post('/api/v1/auth/login', { email: mod.email, password: mod.password })).status).to.equal(200)
    const council = await makeCouncil(staff, { name: { kk: 'Сақтық кеңесі', ru: 'Совет резервной копии' } })
    const logo = await staff.upload(`/api/v1/councils/${council.id}/logo`, {
      files: [{ field: 'file', filename: 'logo.png', content: await pngImage(120, 80), type: 'image/png' }],
    })
    expect(logo.status).to.equal(200)
    const news = await staff.post(`/api/v1/councils/${council.id}/news`, {
      title: { kk: 'Қалпына келтіру', ru: 'Восстановление' },
      body: { ru: '<p>Текст новости</p>' },
      status: 'published',
    })
    expect(news.status, news.text).to.equal(201)
    const guest = new Agent(t.url)
    const before = (await guest.get(`/api/v1/councils/${council.id}`)).body
    const logoBytes = Buffer.from(await (await fetch(new URL(logo.body.logoUrl, t.url))).arrayBuffer())
    expect(logoBytes.length).to.be.greaterThan(0)

    // 2. Back up the running server's database (its engine answers on loopback) and its uploads.
    const out = path.join(root, 'backup')
    const b = await run([
      'scripts/backup.ts',
      '--uri',
      t.server.db.uri,
      '--db',
      t.config.mongodbDb,
      '--uploads',
      t.uploadsDir,
      '--out',
      out,
    ])
    expect(b.code, b.out).to.equal(0)
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'manifest.json'), 'utf8'))
    expect(manifest.collections.councils.count).to.be.greaterThan(0)
    expect(manifest.collections.users.count).to.be.greaterThan(0)
    expect(manifest.uploads.files).to.be.greaterThan(0)
    await t.close()
    t = undefined

    // 3. Restore into a fresh data directory through the engine run on its own, then stop it.
    const dataDir = path.join(root, 'restored', 'data')
    const uploadsDir = path.join(root, 'restored', 'uploads')
    const engine = await startEngine(path.join(dataDir, 'db'))
    try {
      const r = await run(['scripts/restore.ts', '--from', out, '--uri', engine.uri, '--uploads', uploadsDir])
      expect(r.code, r.out).to.equal(0)
      expect(r.out).to.match(/restore: \d+ collections, \d+ documents, [1-9]\d* files/)
      // A second restore over the now full target is refused without --drop.
      const again = await run(['scripts/restore.ts', '--from', out, '--uri', engine.uri, '--no-uploads'])
      expect(again.code).to.equal(1)
      expect(again.out).to.match(/is not empty/)
    } finally {
      await engine.stop()
    }

    // 4. A server on the restored directory answers with the same data.
    t = await startTestServer({ DATA_DIR: dataDir, UPLOADS_DIR: uploadsDir })
    const guest2 = new Agent(t.url)
    const after = await guest2.get(`/api/v1/councils/${council.id}`)
    expect(after.status).to.equal(200)
    expect(after.body.name).to.deep.equal(before.name)
    expect(after.body.logoUrl).to.equal(before.logoUrl)
    const file = await fetch(new URL(before.logoUrl, t.url))
    expect(file.status).to.equal(200)
    expect(Buffer.from(await file.arrayBuffer()).equals(logoBytes)).to.equal(true)
    const list = await guest2.get('/api/v1/news')
    expect(list.status).to.equal(200)
    expect(JSON.stringify(list.body)).to.include(news.body.id)
    // Accounts come back with their password hashes: the moderator signs in with the same password.
    const login = await new Agent(t.url).post('/api/v1/auth/login', { email: mod.email, password: mod.password })
    expect(login.status).to.equal(200)
    expect(login.body.user.roles).to.include('moderator')
  })
})
