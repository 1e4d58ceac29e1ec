import fs from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeCouncil } from '../councils/fixtures.js'
import { pngImage } from '../councils/images.js'

/** `/media/files/<key>`: the public stored images (council logos, news covers) that storedUrl() links to. */
describe('core: public media files', () => {
  let t: TestServer
  let logoUrl: string
  let councilId: string
  const guest = () => new Agent(t.url, { lng: 'ru' })

  before(async () => {
    t = await startTestServer()
    const moderator = await loginAs(t, { roles: ['moderator'] })
    councilId = (await makeCouncil(moderator)).id
    const res = await moderator.upload(`/api/v1/councils/${councilId}/logo`, {
      files: [{ field: 'file', filename: 'logo.png', content: await pngImage(64, 64), type: 'image/png' }],
    })
    expect(res.status).to.equal(200)
    logoUrl = res.body.logoUrl
  })
  after(() => t?.close())

  it('should serve a council logo at its logoUrl to anyone, as an image that is never sniffed', async () => {
    const res = await fetch(new URL(logoUrl, t.url))
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.equal('image/webp')
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff')
    expect(res.headers.get('cache-control')).to.match(/immutable/)
    const body = Buffer.from(await res.arrayBuffer())
    expect(body.subarray(8, 12).toString()).to.equal('WEBP')
  })

  it('should never serve private uploads (appeal files, chat files) or anything outside the public folders', async () => {
    // A file that exists on disk under a private prefix stays unreachable even with its exact key.
    const key = `appeals/${councilId}/0123456789abcdef01234567.pdf`
    await fs.mkdir(path.dirname(path.join(t.uploadsDir, key)), { recursive: true })
    await fs.writeFile(path.join(t.uploadsDir, key), '%PDF-1.4 private')
    for (const p of [
      `/media/files/${key}`,
      '/media/files/councils/..%2f..%2fpackage.json',
      `/media/files/councils/${councilId}/..%2f..%2f${key}`,
      '/media/files/.tmp/x.upload',
      `${logoUrl}.part`,
      logoUrl.replace(/logo-[0-9a-f]+/, 'logo-000000000000000000000000'),
    ]) {
      const res = await guest().get(p)
      expect(res.status, p).to.equal(404)
      expect(res.body.code, p).to.equal('not_found')
      expect(res.body.title, p).to.equal('Не найдено')
    }
  })
})
