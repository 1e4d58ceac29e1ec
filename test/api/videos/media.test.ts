import fs from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { castOf, pendingVideo, type Cast } from './helpers.js'

/** A request line sent as is (fetch and URL would normalize `..` away before it leaves). */
function rawGet(t: TestServer, target: string): Promise<{ status: number; text: string }> {
  const { port } = new URL(t.url)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    )
    let data = ''
    socket
      .setEncoding('latin1')
      .on('data', (d) => (data += d))
      .on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }))
      .on('error', reject)
  })
}

describe('GET /media/videos/:id/… (HLS, thumbnail, source)', function () {
  this.timeout(120_000)
  let t: TestServer
  let cast: Cast
  let guest: Agent
  let pending: string
  let published: string
  let sourceBytes: Buffer
  const urls = (id: string) => [
    `/media/videos/${id}/master.m3u8`,
    `/media/videos/${id}/240p/index.m3u8`,
    `/media/videos/${id}/240p/seg_00000.ts`,
    `/media/videos/${id}/thumbnail.jpg`,
    `/media/videos/${id}/source`,
  ]

  before(async () => {
    t = await startTestServer()
    cast = await castOf(t)
    guest = new Agent(t.url)
    pending = await pendingVideo(cast.member, cast.councilA)
    published = await pendingVideo(cast.member, cast.councilA)
    expect((await cast.moderator.post(`/api/v1/videos/${published}/approve`, {})).status).to.equal(200)
    sourceBytes = await fs.readFile(path.join(t.uploadsDir, 'videos', published, 'source.mp4'))
  })
  after(() => t?.close())

  describe('who gets what', () => {
    it('should serve a video in review to its council, moderators and admins, privately', async () => {
      for (const who of [cast.member, cast.moderator, cast.admin])
        for (const url of urls(pending)) {
          const res = await who.get(url)
          expect(res.status, `${url}: ${res.text.slice(0, 200)}`).to.equal(200)
          expect(res.headers.get('cache-control')).to.equal('private, no-store')
        }
    })

    it('should answer 404 (not 403) to another council, a citizen and a guest for every media URL of a video in review', async () => {
      for (const who of [cast.otherMember, cast.citizen, guest])
        for (const url of urls(pending)) {
          const res = await who.get(url)
          expect(res.status, url).to.equal(404)
          expect(res.headers.get('content-type')).to.match(/problem\+json/)
          expect(res.headers.get('content-type')).not.to.match(/mpegurl|mp2t|jpeg|video/)
        }
    })

    it('should serve a published video to everyone with public caching and the right types', async () => {
      const types = [
        /^application\/vnd\.apple\.mpegurl/,
        /^application\/vnd\.apple\.mpegurl/,
        /^video\/mp2t$/,
        /^image\/jpeg$/,
        /^video\/mp4$/,
      ]
      for (const who of [guest, cast.citizen, cast.otherMember]) {
        for (const [i, url] of urls(published).entries()) {
          const res = await fetch(new URL(url, t.url), { headers: { cookie: who.cookieHeader() } })
          expect(res.status, url).to.equal(200)
          expect(res.headers.get('content-type'), url).to.match(types[i])
          expect(res.headers.get('cache-control'), url).to.match(/^public/)
          await res.arrayBuffer()
        }
      }
    })

    it('should 404 unknown and malformed ids, renditions and file names', async () => {
      for (const url of [
        '/media/videos/0123456789abcdef01234567/master.m3u8',
        '/media/videos/nope/master.m3u8',
        `/media/videos/${published}/720p/index.m3u8`,
        `/media/videos/${published}/240p/seg_99999.ts`,
        `/media/videos/${published}/240p/seg_1.ts`,
        `/media/videos/${published}/240p/other.m3u8`,
        `/media/videos/${published}/master.m3u8x`,
      ])
        expect((await guest.get(url)).status, url).to.equal(404)
    })
  })

  describe('no path traversal through any parameter', () => {
    const attempts = (id: string) => [
      `/media/videos/${id}/..%2f..%2f${id}%2fsource.mp4`,
      `/media/videos/${id}/240p/..%2f..%2fsource.mp4`,
      `/media/videos/${id}/240p/..%2fthumbnail.jpg`,
      `/media/videos/${id}/..%2f240p/index.m3u8`,
      `/media/videos/${id}/%2e%2e/%2e%2e/source.mp4`,
      `/media/videos/${id}/240p/..%5c..%5csource.mp4`,
      `/media/videos/${id}/240p/seg_00000.ts%00.jpg`,
      `/media/videos/..%2f..%2f.tmp/master.m3u8`,
      `/media/videos/${id}/..%252f..%252fsource.mp4`,
      `/media/videos/${id}/240p/....%2f%2fsource.mp4`,
    ]
    it('should answer 404 to encoded ../, backslashes and NUL bytes, for a published and a hidden video', async () => {
      for (const id of [published, pending])
        for (const target of attempts(id)) {
          const res = await rawGet(t, target)
          expect(res.status, target).to.equal(404)
          expect(res.text).not.to.contain('ftypisom')
        }
    })
    it('should not let a raw ../ in the request line reach another video', async () => {
      const res = await rawGet(t, `/media/videos/${published}/../${pending}/master.m3u8`)
      // Express normalizes nothing here: the route simply does not match, or it names the hidden video.
      expect(res.status).to.equal(404)
    })
  })

  describe('GET /media/videos/:id/source with Range', () => {
    const src = () => `/media/videos/${published}/source`
    const get = (range?: string, extra: Record<string, string> = {}) =>
      fetch(new URL(src(), t.url), { headers: { ...(range ? { range } : {}), ...extra } })

    it('should advertise ranges and serve the whole file without Range', async () => {
      const res = await get()
      expect(res.status).to.equal(200)
      expect(res.headers.get('accept-ranges')).to.equal('bytes')
      expect(Buffer.from(await res.arrayBuffer()).equals(sourceBytes)).to.equal(true)
    })
    it('should answer 206 with Content-Range for bytes=a-b, a- and -n', async () => {
      const size = sourceBytes.length
      for (const [range, start, end] of [
        ['bytes=0-99', 0, 99],
        [`bytes=100-`, 100, size - 1],
        ['bytes=-50', size - 50, size - 1],
        [`bytes=10-${size + 500}`, 10, size - 1],
      ] as const) {
        const res = await get(range)
        expect(res.status, range).to.equal(206)
        expect(res.headers.get('content-range')).to.equal(`bytes ${start}-${end}/${size}`)
        expect(res.headers.get('content-length')).to.equal(String(end - start + 1))
        expect(Buffer.from(await res.arrayBuffer()).equals(sourceBytes.subarray(start, end + 1)), range).to.equal(true)
      }
    })
    it('should answer 416 with Content-Range bytes */size for ranges outside the file', async () => {
      for (const range of [
        `bytes=${sourceBytes.length}-`,
        `bytes=${sourceBytes.length + 10}-${sourceBytes.length + 20}`,
        'bytes=-0',
        'bytes=50-10',
        'bytes=abc',
      ]) {
        const res = await get(range)
        expect(res.status, range).to.equal(416)
        expect(res.headers.get('content-range')).to.equal(`bytes */${sourceBytes.length}`)
        expect((await res.json()).code).to.equal('videos.range_not_satisfiable')
      }
    })
    it('should ignore a Range with another unit or several ranges (200, whole file)', async () => {
      for (const range of ['items=0-1', 'bytes=0-1,5-6']) {
        const res = await get(range)
        expect(res.status, range).to.equal(200)
        expect((await res.arrayBuffer()).byteLength).to.equal(sourceBytes.length)
      }
    })
    it('should revalidate with ETag (304) and answer HEAD without a body', async () => {
      const first = await get()
      await first.arrayBuffer()
      const again = await get(undefined, { 'if-none-match': first.headers.get('etag')! })
      expect(again.status).to.equal(304)
      const head = await fetch(new URL(src(), t.url), { method: 'HEAD' })
      expect(head.status).to.equal(200)
      expect(head.headers.get('content-length')).to.equal(String(sourceBytes.length))
    })
    it('should give the range to the council for a hidden video and 404 to others', async () => {
      const own = await cast.member.get(`/media/videos/${pending}/source`, { headers: { range: 'bytes=0-9' } })
      expect(own.status).to.equal(206)
      expect(own.headers.get('cache-control')).to.equal('private, no-store')
      expect(
        (await cast.citizen.get(`/media/videos/${pending}/source`, { headers: { range: 'bytes=0-9' } })).status,
      ).to.equal(404)
    })
  })

  describe('views', () => {
    const views = async (id: string) => (await cast.moderator.get(`/api/v1/videos/${id}`)).body.views as number
    it('should count a view once per visitor per window, for published videos only', async () => {
      const base = await views(published)
      const master = (headers: Record<string, string>) =>
        fetch(new URL(`/media/videos/${published}/master.m3u8`, t.url), { headers }).then((r) => r.arrayBuffer())
      await master({ 'user-agent': 'Viewer/1.0' })
      await master({ 'user-agent': 'Viewer/1.0' })
      expect(await views(published)).to.equal(base + 1)
      // A guest with another browser is another visitor; variants and segments do not count.
      await master({ 'user-agent': 'Viewer/2.0' })
      await fetch(new URL(`/media/videos/${published}/240p/index.m3u8`, t.url), {
        headers: { 'user-agent': 'Viewer/3.0' },
      })
      expect(await views(published)).to.equal(base + 2)
      // A signed-in visitor is counted by account, whatever the browser.
      await master({ cookie: cast.admin.cookieHeader(), 'user-agent': 'A' })
      await master({ cookie: cast.admin.cookieHeader(), 'user-agent': 'B' })
      expect(await views(published)).to.equal(base + 3)
      await cast.member.get(`/media/videos/${pending}/master.m3u8`)
      expect(await views(pending)).to.equal(0)
      expect((await guest.get(`/api/v1/videos?council=${cast.councilA}`)).body.items[0].views).to.equal(base + 3)
    })
  })
})
