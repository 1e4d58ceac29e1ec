import zlib from 'node:zlib'
import { expect } from 'chai'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil } from '../appeals/fixtures.js'

/** Slow lines: JSON answers are compressed as the client accepts, cached public answers too; media never. */
describe('compression', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ PUBLIC_CACHE: 'true' })
  })
  after(() => t?.close())

  it('should answer a public list in brotli or gzip, from the app and from the public cache alike', async () => {
    for (let i = 0; i < 12; i++) await createCouncil({ name: `Сығымдау кеңесі ${i}` })
    const regions = await rawGet('/api/v1/regions', 'gzip')
    expect(regions.headers['content-encoding']).to.equal('gzip')
    expect(JSON.parse(zlib.gunzipSync(regions.body).toString())).to.have.length(20)
    // The first request of a cached list (a miss, recorded by the cache) and the hits after it.
    for (const encoding of ['br', 'gzip']) {
      // The raw bytes, without fetch's own decoding: read through node:http.
      const raw = await rawGet('/api/v1/councils?limit=100', encoding)
      expect(raw.headers['content-encoding'], encoding).to.equal(encoding)
      expect(String(raw.headers.vary)).to.match(/Accept-Encoding/i)
      const text = (encoding === 'br' ? zlib.brotliDecompressSync(raw.body) : zlib.gunzipSync(raw.body)).toString()
      expect(JSON.parse(text)).to.have.property('items')
    }
    const again = await rawGet('/api/v1/councils?limit=100', 'br')
    expect(again.headers['x-cache']).to.equal('HIT')
    expect(again.headers['content-encoding']).to.equal('br')
    const identity = await rawGet('/api/v1/councils?limit=100', 'identity')
    expect(identity.headers['content-encoding']).to.equal(undefined)
    expect(JSON.parse(identity.body.toString())).to.have.property('items')
  })

  it('should compress signed-in JSON too, and never media', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const raw = await rawGet('/api/v1/openapi.json', 'gzip', admin.cookieHeader())
    expect(raw.headers['content-encoding']).to.equal('gzip')
    const media = await rawGet('/media/videos/000000000000000000000000/master.m3u8', 'gzip')
    expect(media.headers['content-encoding']).to.equal(undefined)
  })

  async function rawGet(path: string, encoding: string, cookie?: string) {
    const http = await import('node:http')
    return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      http
        .get(`${t.url}${path}`, { headers: { 'accept-encoding': encoding, ...(cookie ? { cookie } : {}) } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
        })
        .on('error', reject)
    })
  }
})
