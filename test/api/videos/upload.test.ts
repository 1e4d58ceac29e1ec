import crypto from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import { expect } from 'chai'
import { Video } from '../../../server/modules/videos/video.model.js'
import { Agent } from '../../helpers/agent.js'
import { loginAs } from '../../helpers/users.js'
import { UPLOADS_PER_HOUR } from '../../../server/modules/videos/videos.routes.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { makeAudioOnlyMp4, makeVideo, read, TEXT_AS_MP4, truncated } from '../../fixtures/media.js'
import { castOf, expectProblem, listFiles, upload, type Cast } from './helpers.js'

const LIMIT = 1_500_000

/**
 * A raw multipart request over node:http, so a test can stop half-way (abort) or hold the rest of
 * the body back (to see the 413 arrive before the end).
 */
function rawUpload(t: TestServer, agent: Agent, councilId: string, csrf: string, declaredFileBytes: number) {
  const boundary = `----kenes${crypto.randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title.kk"\r\n\r\nТест\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const url = new URL(`/api/v1/councils/${councilId}/videos`, t.url)
  const req = http.request(url, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + declaredFileBytes + tail.length),
      cookie: agent.cookieHeader(),
      'x-csrf-token': csrf,
    },
  })
  req.write(head)
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let body = ''
      res
        .setEncoding('utf8')
        .on('data', (d) => (body += d))
        .on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.once('error', reject)
  })
  return { req, response }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('POST /api/v1/councils/:councilId/videos (multipart upload)', function () {
  this.timeout(60_000)
  let t: TestServer
  let cast: Cast
  let video: Buffer
  const tmpDir = () => path.join(t.uploadsDir, '.tmp')
  const noVideosLeft = async () => {
    expect(await Video.countDocuments({})).to.equal(0)
    expect(await listFiles(tmpDir())).to.deep.equal([])
    expect(await listFiles(path.join(t.uploadsDir, 'videos'))).to.deep.equal([])
  }

  before(async () => {
    // Jobs off: this file is about receiving files; processing has its own file.
    t = await startTestServer({ VIDEO_MAX_BYTES: String(LIMIT), JOBS_ENABLED: 'false' })
    cast = await castOf(t)
    video = read(makeVideo({ width: 320, height: 240, seconds: 1 }))
  })
  after(() => t?.close())

  describe('refusals that leave nothing behind', () => {
    it('should fail with 415 upload.unsupported_type for a text file named .mp4 (magic bytes)', async () => {
      const res = await upload(cast.member, cast.councilA, TEXT_AS_MP4)
      expectProblem(res, 415, 'upload.unsupported_type')
      await noVideosLeft()
    })

    it('should fail with 415 for a truncated mp4 that ffprobe cannot read (moov atom lost)', async () => {
      const res = await upload(
        cast.member,
        cast.councilA,
        truncated(makeVideo({ width: 320, height: 240, seconds: 2 })),
      )
      expectProblem(res, 415, 'upload.unsupported_type')
      await noVideosLeft()
    })

    it('should fail with 415 for an audio-only file (no video stream)', async () => {
      const res = await upload(cast.member, cast.councilA, read(makeAudioOnlyMp4()))
      expectProblem(res, 415, 'upload.unsupported_type')
      await noVideosLeft()
    })

    it('should fail with 413 upload.too_large for a file over VIDEO_MAX_BYTES, localized', async () => {
      const big = Buffer.concat([video, crypto.randomBytes(LIMIT)])
      const ru = new Agent(t.url, { lng: 'ru' })
      ru.cookies.clear()
      for (const [k, v] of cast.member.cookies) ru.cookies.set(k, v)
      const res = await upload(ru, cast.councilA, big)
      expectProblem(res, 413, 'upload.too_large')
      expect(res.body.detail).to.match(/[а-я]/i)
      await noVideosLeft()
    })

    it('should answer 413 as soon as the limit is passed, before the rest of the body is sent', async () => {
      const { req, response } = rawUpload(t, cast.member, cast.councilA, await cast.member.csrfToken(), LIMIT * 4)
      req.write(crypto.randomBytes(LIMIT + 64 * 1024)) // the rest (3 × LIMIT) is never sent
      const res = await response
      req.destroy()
      expect(res.status).to.equal(413)
      expect(JSON.parse(res.body).code).to.equal('upload.too_large')
      await until(async () => (await listFiles(tmpDir())).length === 0, 'temp files removed')
      await noVideosLeft()
    })

    it('should keep no file and no record when the client aborts mid-upload', async () => {
      const { req, response } = rawUpload(t, cast.member, cast.councilA, await cast.member.csrfToken(), LIMIT - 1000)
      response.catch(() => {})
      req.write(crypto.randomBytes(400_000))
      // The server has started writing the temp file …
      await until(async () => (await listFiles(tmpDir())).length > 0, 'a temp file')
      req.destroy() // … and the connection drops.
      await until(async () => (await listFiles(tmpDir())).length === 0, 'temp files removed')
      await noVideosLeft()
    })

    it('should fail with 400 validation.failed without any title, and keep nothing', async () => {
      const res = await upload(cast.member, cast.councilA, video, { 'description.kk': 'Сипаттама' })
      expectProblem(res, 400, 'validation.failed')
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include('body.title')
      await noVideosLeft()
    })

    it('should fail with 400 for unknown fields and operator-looking values', async () => {
      const res = await upload(cast.member, cast.councilA, video, { 'title.kk': 'Тақырып', 'title[$gt]': '' })
      expectProblem(res, 400, 'validation.failed')
      await noVideosLeft()
    })

    it('should fail with 400 upload.missing_file without a file', async () => {
      const form = new FormData()
      form.append('title.kk', 'Тақырып')
      const res = await cast.member.request('POST', `/api/v1/councils/${cast.councilA}/videos`, { body: form })
      expectProblem(res, 400, 'upload.missing_file')
    })
  })

  describe('who may upload', () => {
    it('should fail with 401 auth.required for a guest', async () => {
      expectProblem(await upload(new Agent(t.url), cast.councilA, video), 401, 'auth.required')
    })
    it('should fail with 403 auth.forbidden for a citizen', async () => {
      expectProblem(await upload(cast.citizen, cast.councilA, video), 403, 'auth.forbidden')
    })
    it('should fail with 403 auth.forbidden for a member of another council', async () => {
      expectProblem(await upload(cast.otherMember, cast.councilA, video), 403, 'auth.forbidden')
    })
    it('should fail with 403 csrf.invalid without the CSRF header', async () => {
      const form = new FormData()
      form.append('title.kk', 'Тақырып')
      form.append('file', new Blob([new Uint8Array(video)]), 'a.mp4')
      const res = await cast.member.request('POST', `/api/v1/councils/${cast.councilA}/videos`, {
        body: form,
        csrf: false,
      })
      expectProblem(res, 403, 'csrf.invalid')
    })
    it('should fail with 404 for an unknown or malformed council', async () => {
      expectProblem(await upload(cast.moderator, '0123456789abcdef01234567', video), 404, 'not_found')
      expectProblem(await upload(cast.moderator, 'not-an-id', video), 404, 'not_found')
    })
    it('should also leave nothing behind after the refusals above', noVideosLeft)
    it('should fail with 429 rate_limited after UPLOADS_PER_HOUR uploads by one user in an hour', async () => {
      const busy = await loginAs(t, { roles: ['council_member'], councilIds: [cast.councilA] })
      for (let i = 0; i < UPLOADS_PER_HOUR; i++)
        expect((await upload(busy, cast.councilA, TEXT_AS_MP4)).status).to.equal(415)
      const res = await upload(busy, cast.councilA, video)
      expectProblem(res, 429, 'rate_limited')
      expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0)
      // Someone else is not affected.
      expect((await upload(cast.member, cast.councilA, TEXT_AS_MP4)).status).to.equal(415)
      await noVideosLeft()
    })
  })

  describe('accepted uploads', () => {
    it('should answer 202 { id, status: processing } to a member of the council and store the source', async () => {
      const res = await upload(cast.member, cast.councilA, video)
      expect(res.status, res.text).to.equal(202)
      expect(res.body).to.deep.equal({ id: res.body.id, status: 'processing' })
      const doc: any = await Video.findById(res.body.id).lean()
      expect(doc.status).to.equal('processing')
      expect(String(doc.councilId)).to.equal(cast.councilA)
      expect(doc.title).to.deep.equal({ kk: 'Кеңес отырысы', ru: 'Заседание совета' })
      expect(doc.probe).to.include({ width: 320, height: 240 })
      expect(doc.source).to.include({ mime: 'video/mp4', size: video.length })
      expect(await listFiles(path.join(t.uploadsDir, 'videos', res.body.id))).to.deep.equal(['source.mp4'])
      expect(await listFiles(tmpDir())).to.deep.equal([])
    })

    it('should accept uploads by moderators and admins for any council', async () => {
      expect((await upload(cast.moderator, cast.councilB, video)).status).to.equal(202)
      expect((await upload(cast.admin, cast.councilB, video, { 'title.ru': 'Только по-русски' })).status).to.equal(202)
    })

    it('should show the new video to its council but 404 to a citizen, a guest and another council', async () => {
      const { body } = await upload(cast.member, cast.councilA, video)
      expect((await cast.member.get(`/api/v1/videos/${body.id}`)).body.status).to.equal('processing')
      expect((await cast.moderator.get(`/api/v1/videos/${body.id}`)).status).to.equal(200)
      for (const who of [cast.citizen, cast.otherMember, new Agent(t.url)])
        expectProblem(await who.get(`/api/v1/videos/${body.id}`), 404, 'not_found')
    })
  })
})
