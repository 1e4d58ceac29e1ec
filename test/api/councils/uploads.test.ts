import fs from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeCouncil } from './fixtures.js'
import { jpegImage, oversizePng, pngImage, textFile, truncatedPng } from './images.js'

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else out.push(p)
  }
  return out
}

describe('council logo and news cover uploads', () => {
  let t: TestServer
  let guest: Agent
  let memberA: Agent
  let memberB: Agent
  let councilA: any
  let news: any
  const file = (content: Buffer, filename = 'logo.png', type = 'image/png') => ({
    files: [{ field: 'file', filename, content, type }],
  })

  before(async () => {
    t = await startTestServer()
    guest = new Agent(t.url)
    const moderator = await loginAs(t, { roles: ['moderator'] })
    councilA = await makeCouncil(moderator)
    const councilB = await makeCouncil(moderator)
    memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA.id] })
    memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB.id] })
    news = (
      await memberA.post(`/api/v1/councils/${councilA.id}/news`, {
        title: { ru: 'Новость с обложкой' },
        body: { ru: '<p>т</p>' },
        status: 'draft',
      })
    ).body
  })
  after(() => t?.close())

  /** Temp files are removed when the response closes, a moment after the client has it: poll briefly. */
  const tmpFiles = async () => {
    for (let i = 0; i < 50; i++) {
      const left = await filesUnder(t.config.uploadsTmpDir)
      if (!left.length) return left
      await new Promise((r) => setTimeout(r, 20))
    }
    return filesUnder(t.config.uploadsTmpDir)
  }

  it('should store a re-encoded logo, and remove the old file when it is replaced', async () => {
    const first = await memberA.upload(`/api/v1/councils/${councilA.id}/logo`, file(await pngImage(900, 600)))
    expect(first.status).to.equal(200)
    expect(first.body.logoUrl).to.match(/^\/media\/files\/councils\/[0-9a-f]{24}\/logo-[0-9a-f]+\.webp$/)
    const firstPath = path.join(t.uploadsDir, first.body.logoUrl.replace('/media/files/', ''))
    const meta = await fs.readFile(firstPath)
    expect(meta.subarray(8, 12).toString()).to.equal('WEBP')
    const second = await memberA.upload(
      `/api/v1/councils/${councilA.id}/logo`,
      file(await jpegImage(), 'logo.jpg', 'image/jpeg'),
    )
    expect(second.status).to.equal(200)
    expect(second.body.logoUrl).to.not.equal(first.body.logoUrl)
    await fs.access(firstPath).then(
      () => expect.fail('old logo still on disk'),
      () => {},
    )
    const stored = await filesUnder(path.join(t.uploadsDir, 'councils', councilA.id))
    expect(stored).to.have.length(1)
    expect((await guest.get(`/api/v1/councils/${councilA.id}`)).body.logoUrl).to.equal(second.body.logoUrl)
  })

  it('should refuse a text file named .png and a truncated PNG with 415, leaving nothing on disk', async () => {
    for (const content of [textFile(), await truncatedPng()]) {
      const res = await memberA.upload(`/api/v1/councils/${councilA.id}/logo`, file(content), 'POST')
      expect(res.status).to.equal(415)
      expect(res.body.code).to.equal('upload.unsupported_type')
    }
    const cover = await memberA.upload(`/api/v1/news/${news.id}/cover`, file(textFile()))
    expect(cover.status).to.equal(415)
    expect(await tmpFiles()).to.deep.equal([])
  })

  it('should refuse a file over 5 MB with 413 and a localized message', async () => {
    const big = oversizePng(5 * 1024 * 1024)
    const kk = await memberA.upload(`/api/v1/councils/${councilA.id}/logo`, file(big))
    expect(kk.status).to.equal(413)
    expect(kk.body.code).to.equal('upload.too_large')
    const ru = new Agent(t.url, { lng: 'ru' })
    for (const [k, v] of memberA.cookies) ru.cookies.set(k, v)
    const res = await ru.upload(`/api/v1/news/${news.id}/cover`, file(big))
    expect(res.status).to.equal(413)
    expect(res.headers.get('content-language')).to.equal('ru')
    expect(res.body.detail).to.not.equal(kk.body.detail)
    expect(res.body.detail).to.contain('5 MB')
    expect(await tmpFiles()).to.deep.equal([])
  })

  it('should refuse a request without a file with 400', async () => {
    const res = await memberA.upload(`/api/v1/councils/${councilA.id}/logo`, { files: [] })
    expect(res.status).to.equal(400)
  })

  it('should fail with 403 for a member of another council and 401 for a guest, storing nothing', async () => {
    const png = await pngImage()
    expect((await memberB.upload(`/api/v1/councils/${councilA.id}/logo`, file(png))).status).to.equal(403)
    expect((await memberB.upload(`/api/v1/news/${news.id}/cover`, file(png))).status).to.equal(403)
    expect((await guest.upload(`/api/v1/councils/${councilA.id}/logo`, file(png))).status).to.equal(401)
    expect((await guest.upload(`/api/v1/news/${news.id}/cover`, file(png))).status).to.equal(401)
    expect(await filesUnder(path.join(t.uploadsDir, 'news'))).to.deep.equal([])
    expect(await tmpFiles()).to.deep.equal([])
  })

  it('should set and replace a news cover', async () => {
    const first = await memberA.upload(`/api/v1/news/${news.id}/cover`, file(await pngImage(2400, 1200)))
    expect(first.status).to.equal(200)
    expect(first.body.coverUrl).to.match(/^\/media\/files\/news\/[0-9a-f]{24}\/cover-[0-9a-f]+\.webp$/)
    const second = await memberA.upload(`/api/v1/news/${news.id}/cover`, file(await jpegImage(), 'c.jpg', 'image/jpeg'))
    expect(second.status).to.equal(200)
    expect(await filesUnder(path.join(t.uploadsDir, 'news', news.id))).to.have.length(1)
    expect((await memberA.upload(`/api/v1/news/${'d'.repeat(24)}/cover`, file(await pngImage()))).status).to.equal(404)
  })
})
