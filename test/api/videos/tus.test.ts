import fs from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { expect } from 'chai'
import { Video } from '../../../server/modules/videos/video.model.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeVideo, read, TEXT_AS_MP4 } from '../../fixtures/media.js'
import { castOf, expectProblem, listFiles, type Cast } from './helpers.js'

const LIMIT = 3_000_000
const TUS = { 'tus-resumable': '1.0.0' }
const meta = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',')

describe('tus resumable uploads (/api/v1/councils/:councilId/videos/tus)', function () {
  this.timeout(60_000)
  let t: TestServer
  let cast: Cast
  let video: Buffer
  const endpoint = (c: string) => `/api/v1/councils/${c}/videos/tus`
  const tusDir = () => path.join(t.uploadsDir, '.tus')

  const create = (
    agent: Agent,
    councilId: string,
    length: number,
    m: Record<string, string> = { 'title.kk': 'Тұрақты жүктеу', filename: 'clip.mp4' },
    opts: { csrf?: boolean } = {},
  ) =>
    agent.request('POST', endpoint(councilId), {
      headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': meta(m) },
      csrf: opts.csrf,
    })
  const patch = (agent: Agent, location: string, offset: number, body: Buffer, opts: { csrf?: boolean } = {}) =>
    agent.request('PATCH', location, {
      body: new Uint8Array(body),
      headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      csrf: opts.csrf,
    })
  const head = (agent: Agent, location: string) => agent.request('HEAD', location, { headers: TUS })

  before(async () => {
    // Processing is another file's concern; here the video must reach `processing` like a multipart one.
    t = await startTestServer({ VIDEO_MAX_BYTES: String(LIMIT), JOBS_ENABLED: 'false' })
    cast = await castOf(t)
    video = read(makeVideo({ width: 640, height: 360, seconds: 2 }))
  })
  after(() => t?.close())

  it('should resume after a dropped connection: PATCH half, drop, HEAD the offset, PATCH the rest → a video', async () => {
    const created = await create(cast.member, cast.councilA, video.length)
    expect(created.status, created.text).to.equal(201)
    const location = created.headers.get('location')!
    expect(location).to.match(new RegExp(`^/api/v1/councils/${cast.councilA}/videos/tus/[0-9a-f]{32}$`))
    const uploadId = location.split('/').pop()!

    const half = Math.floor(video.length / 2)
    const first = await patch(cast.member, location, 0, video.subarray(0, half))
    expect(first.status, first.text).to.equal(204)
    expect(first.headers.get('upload-offset')).to.equal(String(half))

    // The second PATCH announces the whole rest but the connection drops after a part of it.
    const part = Math.floor((video.length - half) / 2)
    const req = http.request(new URL(location, t.url), {
      method: 'PATCH',
      headers: {
        ...TUS,
        'upload-offset': String(half),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(video.length - half),
        cookie: cast.member.cookieHeader(),
        'x-csrf-token': await cast.member.csrfToken(),
      },
    })
    req.on('error', () => {})
    req.write(video.subarray(half, half + part))
    const deadline = Date.now() + 10_000
    while ((await fs.stat(path.join(tusDir(), uploadId))).size < half + part && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    req.destroy()

    // HEAD waits for the dropped request's lock to be released, then tells what arrived.
    const h = await head(cast.member, location)
    expect(h.status).to.equal(200)
    const offset = Number(h.headers.get('upload-offset'))
    expect(offset).to.be.at.least(half + part)
    expect(offset).to.be.below(video.length)
    expect(h.headers.get('upload-length')).to.equal(String(video.length))
    expect(h.headers.get('cache-control')).to.equal('no-store')

    const rest = await patch(cast.member, location, offset, video.subarray(offset))
    expect(rest.status, rest.text).to.equal(204)
    const videoId = rest.headers.get('x-video-id')!
    expect(videoId).to.match(/^[0-9a-f]{24}$/)
    expect(rest.headers.get('x-video-status')).to.equal('processing')

    const doc: any = await Video.findById(videoId).lean()
    expect(doc).to.include({ status: 'processing' })
    expect(doc.title).to.deep.equal({ kk: 'Тұрақты жүктеу' })
    expect(doc.source).to.include({ size: video.length, mime: 'video/mp4', originalName: 'clip.mp4' })
    const stored = await fs.readFile(path.join(t.uploadsDir, 'videos', videoId, 'source.mp4'))
    expect(stored.equals(video)).to.equal(true)
    expect(await listFiles(tusDir())).to.deep.equal([])
    expect((await cast.member.get(`/api/v1/videos/${videoId}`)).body.status).to.equal('processing')
  })

  it('should tell a client that lost the last response that its upload is complete (HEAD → full offset + X-Video-Id)', async () => {
    const created = await create(cast.member, cast.councilA, video.length)
    const location = created.headers.get('location')!
    const done = await patch(cast.member, location, 0, video)
    expect(done.status).to.equal(204)
    const h = await head(cast.member, location)
    expect(h.status).to.equal(200)
    expect(h.headers.get('upload-offset')).to.equal(String(video.length))
    expect(h.headers.get('upload-length')).to.equal(String(video.length))
    expect(h.headers.get('x-video-id')).to.equal(done.headers.get('x-video-id'))
    // Only to its uploader.
    const colleague = await loginAs(t, { roles: ['council_member'], councilIds: [cast.councilA] })
    expect((await head(colleague, location)).status).to.equal(404)
    expect((await head(cast.otherMember, location.replace(cast.councilA, cast.councilB))).status).to.equal(404)
  })

  it('should accept creation-with-upload in one request', async () => {
    const res = await cast.member.request('POST', endpoint(cast.councilA), {
      body: new Uint8Array(video),
      headers: {
        ...TUS,
        'upload-length': String(video.length),
        'upload-metadata': meta({ 'title.ru': 'Одним запросом' }),
        'content-type': 'application/offset+octet-stream',
      },
    })
    expect(res.status, res.text).to.equal(201)
    expect(res.headers.get('x-video-id')).to.match(/^[0-9a-f]{24}$/)
  })

  it('should refuse a declared length over VIDEO_MAX_BYTES with 413 upload.too_large and keep nothing', async () => {
    const before = await listFiles(tusDir())
    expectProblem(await create(cast.member, cast.councilA, LIMIT + 1), 413, 'upload.too_large')
    expect(await listFiles(tusDir())).to.deep.equal(before)
  })

  it('should refuse a finished upload that is not a video with 415 and remove its bytes', async () => {
    const created = await create(cast.member, cast.councilA, TEXT_AS_MP4.length)
    const res = await patch(cast.member, created.headers.get('location')!, 0, TEXT_AS_MP4)
    expectProblem(res, 415, 'upload.unsupported_type')
    expect(await listFiles(tusDir())).to.deep.equal([])
    expect((await head(cast.member, created.headers.get('location')!)).status).to.equal(404)
  })

  it('should refuse missing titles and unknown metadata with 400', async () => {
    expectProblem(await create(cast.member, cast.councilA, 10, { filename: 'a.mp4' }), 400, 'validation.failed')
    expectProblem(
      await create(cast.member, cast.councilA, 10, { 'title.kk': 'Т', kenesUserId: cast.admin.user!.id }),
      400,
      'validation.failed',
    )
    expect(await listFiles(tusDir())).to.deep.equal([])
  })

  it('should cancel (DELETE) an upload and remove its bytes', async () => {
    const created = await create(cast.member, cast.councilA, video.length)
    const location = created.headers.get('location')!
    await patch(cast.member, location, 0, video.subarray(0, 1000))
    expect(await listFiles(tusDir())).to.have.length(2) // the bytes and their info
    const res = await cast.member.request('DELETE', location, { headers: TUS })
    expect(res.status).to.equal(204)
    expect(await listFiles(tusDir())).to.deep.equal([])
  })

  describe('authorized exactly like the multipart upload', () => {
    it('should fail with 401 for a guest, 403 for a citizen and for a member of another council', async () => {
      expectProblem(await create(new Agent(t.url), cast.councilA, 100), 401, 'auth.required')
      expectProblem(await create(cast.citizen, cast.councilA, 100), 403, 'auth.forbidden')
      expectProblem(await create(cast.otherMember, cast.councilA, 100), 403, 'auth.forbidden')
      expectProblem(await create(cast.moderator, '0123456789abcdef01234567', 100), 404, 'not_found')
    })

    it('should require the X-CSRF-Token header on POST, PATCH and DELETE made with the session cookie', async () => {
      expectProblem(await create(cast.member, cast.councilA, 100, undefined, { csrf: false }), 403, 'csrf.invalid')
      const created = await create(cast.member, cast.councilA, video.length)
      const location = created.headers.get('location')!
      expectProblem(await patch(cast.member, location, 0, video.subarray(0, 10), { csrf: false }), 403, 'csrf.invalid')
      expectProblem(await cast.member.request('DELETE', location, { headers: TUS, csrf: false }), 403, 'csrf.invalid')
      expect(Number((await head(cast.member, location)).headers.get('upload-offset'))).to.equal(0)
      await cast.member.request('DELETE', location, { headers: TUS })
    })

    it('should keep an upload to its creator: another member of the same council, a moderator and another council get 404/403', async () => {
      const colleague = await loginAs(t, { roles: ['council_member'], councilIds: [cast.councilA] })
      const created = await create(cast.member, cast.councilA, video.length)
      const location = created.headers.get('location')!
      for (const who of [colleague, cast.moderator]) {
        expectProblem(await patch(who, location, 0, video.subarray(0, 10)), 404, 'not_found')
        expect((await head(who, location)).status).to.equal(404)
        expectProblem(await who.request('DELETE', location, { headers: TUS }), 404, 'not_found')
      }
      // The same upload id under another council's path: that council is not theirs.
      const elsewhere = location.replace(cast.councilA, cast.councilB)
      expectProblem(await patch(cast.member, elsewhere, 0, video.subarray(0, 10)), 403, 'auth.forbidden')
      expectProblem(await patch(cast.otherMember, elsewhere, 0, video.subarray(0, 10)), 404, 'not_found')
      expect(Number((await head(cast.member, location)).headers.get('upload-offset'))).to.equal(0)
      await cast.member.request('DELETE', location, { headers: TUS })
    })

    it('should 404 malformed upload ids', async () => {
      expectProblem(
        await patch(cast.member, `${endpoint(cast.councilA)}/..%2f..%2fx`, 0, video.subarray(0, 1)),
        404,
        'not_found',
      )
      expect((await head(cast.member, `${endpoint(cast.councilA)}/abc`)).status).to.equal(404)
    })
  })
})
