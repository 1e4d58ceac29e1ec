import fs from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import { Job } from '../../../server/core/jobs.js'
import { Agent } from '../../helpers/agent.js'
import { linkFrom, readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser } from '../../helpers/users.js'
import { makeVideo, read, truncated } from '../../fixtures/media.js'
import { castOf, listFiles, upload, waitForStatus, type Cast } from './helpers.js'

/** The whole way: a member uploads, the job transcodes, a moderator approves, a guest plays. */
describe('video processing (videos.process job) and the full flow', function () {
  this.timeout(180_000)
  let t: TestServer
  let cast: Cast
  let hd: string // 1280x720 with audio
  let guest: Agent
  let long: Buffer // 1280x720, 8 s: long enough to catch its transcode mid-way

  before(async () => {
    // Fixtures first: making them blocks this process, which must not stall open connections.
    hd = makeVideo({ width: 1280, height: 720, seconds: 2 })
    long = read(makeVideo({ width: 1280, height: 720, seconds: 8 }))
    t = await startTestServer()
    cast = await castOf(t)
    guest = new Agent(t.url)
  })
  after(() => t?.close())

  it('member uploads → processing → pending_review → moderator approves → guest plays master, variant, segment and thumbnail', async () => {
    const res = await upload(cast.member, cast.councilA, read(hd))
    expect(res.status, res.text).to.equal(202)
    const id = res.body.id
    const ready = (await waitForStatus(cast.member, id, ['pending_review', 'failed'])).body
    expect(ready.status, JSON.stringify(ready)).to.equal('pending_review')
    expect(ready).to.include({
      width: 1280,
      height: 720,
      hlsUrl: `/media/videos/${id}/master.m3u8`,
      thumbnailUrl: `/media/videos/${id}/thumbnail.jpg`,
      failure: null,
    })
    expect(ready.durationSec).to.be.within(1.9, 2.2)
    expect(ready.processing.attempts).to.equal(1)
    expect(Date.parse(ready.processing.finishedAt)).to.be.at.least(Date.parse(ready.processing.startedAt))
    expect(ready.renditions.map((r: any) => [r.name, r.width, r.height])).to.deep.equal([
      ['360p', 640, 360],
      ['720p', 1280, 720],
    ])

    // Committed output only: source + one media directory, no scratch left.
    const files = await listFiles(path.join(t.uploadsDir, 'videos', id))
    expect(files.filter((f) => f.startsWith('.work'))).to.deep.equal([])
    const media = files.find((f) => f.endsWith('master.m3u8'))!.split('/')[0]
    expect(files).to.include.members([
      'source.mp4',
      `${media}/thumbnail.jpg`,
      `${media}/360p/index.m3u8`,
      `${media}/720p/index.m3u8`,
      `${media}/360p/seg_00000.ts`,
    ])

    // Not public yet.
    expect((await guest.get(`/media/videos/${id}/master.m3u8`)).status).to.equal(404)
    expect((await guest.get(`/api/v1/videos/${id}`)).status).to.equal(404)

    const approved = await cast.moderator.post(`/api/v1/videos/${id}/approve`, {})
    expect(approved.status, approved.text).to.equal(200)
    expect(approved.body.status).to.equal('published')
    const mail = await waitForMail(t, { to: cast.member.user!.email, template: 'videos:email.approved' })
    expect(mail.lng).to.equal('ru')
    expect(mail.subject).to.contain('Заседание совета')
    expect(mail.text).to.contain(`/videos/${id}`)

    const page = await guest.get(`/api/v1/videos/${id}`)
    expect(page.status).to.equal(200)
    expect(page.body.status).to.equal('published')
    expect(page.body.publishedAt).to.be.a('string')
    expect(page.body.processing).to.equal(null)

    const master = await guest.get(page.body.hlsUrl)
    expect(master.status).to.equal(200)
    expect(master.headers.get('content-type')).to.match(/^application\/vnd\.apple\.mpegurl/)
    expect(master.headers.get('cache-control')).to.match(/^public/)
    expect(master.text).to.match(/^#EXTM3U/)
    const variants = [...master.text.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({
      attrs: m[1],
      uri: m[2].trim(),
    }))
    expect(variants.map((v) => v.uri)).to.deep.equal(['360p/index.m3u8', '720p/index.m3u8'])
    for (const v of variants) {
      expect(v.attrs).to.match(/BANDWIDTH=\d+/)
      expect(v.attrs).to.match(/CODECS="avc1\.[0-9a-f]+,mp4a\.40\.2"/)
    }
    expect(variants[0].attrs).to.contain('RESOLUTION=640x360')
    expect(variants[1].attrs).to.contain('RESOLUTION=1280x720')

    const variant = await guest.get(`/media/videos/${id}/720p/index.m3u8`)
    expect(variant.status).to.equal(200)
    expect(variant.headers.get('content-type')).to.match(/mpegurl/)
    expect(variant.text).to.contain('#EXT-X-ENDLIST')
    const targetDuration = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(variant.text)![1])
    expect(targetDuration).to.be.within(1, 6)
    const segmentName = variant.text.split('\n').find((l) => l.endsWith('.ts'))!
    const segment = await fetch(new URL(`/media/videos/${id}/720p/${segmentName}`, t.url))
    expect(segment.status).to.equal(200)
    expect(segment.headers.get('content-type')).to.equal('video/mp2t')
    const bytes = Buffer.from(await segment.arrayBuffer())
    expect(bytes[0]).to.equal(0x47) // MPEG-TS sync byte
    expect(bytes.length % 188).to.equal(0)

    const thumb = await fetch(new URL(page.body.thumbnailUrl, t.url))
    expect(thumb.status).to.equal(200)
    expect(thumb.headers.get('content-type')).to.equal('image/jpeg')
    const jpeg = Buffer.from(await thumb.arrayBuffer())
    expect([jpeg[0], jpeg[1]]).to.deep.equal([0xff, 0xd8])
  })

  it('should make one rendition at the source size for a small source, and handle a video without audio', async () => {
    const res = await upload(
      cast.member,
      cast.councilA,
      read(makeVideo({ width: 320, height: 240, seconds: 1, audio: false })),
    )
    const ready = (await waitForStatus(cast.member, res.body.id, ['pending_review', 'failed'])).body
    expect(ready.status).to.equal('pending_review')
    expect(ready.renditions.map((r: any) => [r.name, r.width, r.height])).to.deep.equal([['240p', 320, 240]])
    const master = await cast.member.get(ready.hlsUrl)
    expect(master.headers.get('cache-control')).to.equal('private, no-store')
    expect(master.text).to.match(/RESOLUTION=320x240,CODECS="avc1\.[0-9a-f]+"/)
    expect(master.text).not.to.contain('mp4a')
  })

  it('should e-mail every active moderator (in their language, with the review page link) once a video waits for review, and nobody else', async () => {
    const REVIEW = 'videos:email.review_needed'
    const disabled = await createUser(t, { roles: ['moderator'], locale: 'ru' })
    const off = await cast.admin.patch(`/api/v1/users/${disabled.id}`, { disabled: true })
    expect(off.status, off.text).to.equal(200)
    const ruModerator = await createUser(t, { roles: ['moderator'], locale: 'ru' })
    // Created last: the notifier mails in creation order, so once this one has it the run is over.
    const adminModerator = await createUser(t, { roles: ['admin', 'moderator'] })
    const res = await upload(cast.member, cast.councilA, read(makeVideo({ width: 320, height: 240, seconds: 1 })))
    expect(res.status, res.text).to.equal(202)
    const id = res.body.id
    expect((await waitForStatus(cast.member, id, ['pending_review', 'failed'])).body.status).to.equal('pending_review')

    // Earlier tests' videos mailed moderators too: take the one about this video.
    const mailAbout = async (to: string) => {
      for (let after = 0; ; after++) {
        const m = await waitForMail(t, { to, template: REVIEW }, { after })
        if (m.vars.videoId === id) return m
      }
    }
    const kk = await mailAbout(cast.moderator.user!.email)
    expect(kk.lng).to.equal('kk')
    expect(kk.subject).to.contain('«Кеңес отырысы»')
    expect(kk.text).to.contain('модерация кезегіне түсті').and.to.contain('Алматы кеңесі')
    expect(linkFrom(kk, '/moderation/videos/').href).to.equal(`${t.config.publicUrl}/moderation/videos/${id}`)
    const ru = await mailAbout(ruModerator.email)
    expect(ru.lng).to.equal('ru')
    expect(ru.subject).to.contain('«Заседание совета»')
    expect(ru.text).to.contain('поступило в очередь модерации').and.to.contain('Совет Алматы')
    expect(linkFrom(ru, '/moderation/videos/').pathname).to.equal(`/moderation/videos/${id}`)
    expect((await mailAbout(adminModerator.email)).lng).to.equal('kk')
    // The link's page works for the moderator: the video is theirs to review.
    const review = await cast.moderator.get(`/api/v1/videos/${id}`)
    expect(review.status).to.equal(200)
    expect(review.body.status).to.equal('pending_review')

    // Uploader, other council, citizen, admin without the role and the disabled moderator: nothing.
    for (const email of [
      cast.member.user!.email,
      cast.otherMember.user!.email,
      cast.citizen.user!.email,
      cast.admin.user!.email,
      disabled.email,
    ]) {
      expect(await readOutbox(t, { to: email, template: REVIEW }), email).to.deep.equal([])
    }
  })

  it('should never upscale: a 640x480 source gets 360p only', async () => {
    const res = await upload(cast.member, cast.councilA, read(makeVideo({ width: 640, height: 480, seconds: 1 })))
    const ready = (await waitForStatus(cast.member, res.body.id, ['pending_review', 'failed'])).body
    expect(ready.renditions.map((r: any) => [r.name, r.width, r.height])).to.deep.equal([['360p', 480, 360]])
  })

  it('should leave no file when the video is deleted while it is being transcoded', async () => {
    const res = await upload(cast.member, cast.councilA, long)
    const id = res.body.id
    const dir = path.join(t.uploadsDir, 'videos', id)
    for (
      const deadline = Date.now() + 60_000;
      !(await listFiles(dir)).some((f) => f.startsWith('.work-') && f.endsWith('.ts'));
    ) {
      if (Date.now() > deadline) throw new Error('ffmpeg never started')
      await new Promise((r) => setTimeout(r, 50))
    }
    expect((await cast.member.delete(`/api/v1/videos/${id}`)).status).to.equal(204)
    for (const deadline = Date.now() + 60_000; ;) {
      const job: any = await Job.findOne({ 'payload.videoId': id }).lean()
      if (
        job?.status === 'done' ||
        job?.status === 'failed' ||
        (job?.status === 'queued' && job.attempts >= 1 && (await listFiles(dir)).length === 0)
      )
        break
      if (Date.now() > deadline) throw new Error(`job did not settle: ${JSON.stringify(job)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await listFiles(dir)).to.deep.equal([])
    await fs.access(dir).then(
      () => expect.fail(`${dir} still exists`),
      () => {},
    )
  })

  it('should end a cut-off file (readable header, missing data) in failed with a localized reason, e-mailed, output removed', async () => {
    // moov first (faststart), then the file is cut: ffprobe accepts it at upload, the transcode finds half a video.
    const cut = truncated(makeVideo({ width: 320, height: 240, seconds: 4, faststart: true }))
    const before = (await readOutbox(t, { template: 'videos:email.failed' })).length
    const res = await upload(cast.member, cast.councilA, cut)
    expect(res.status, res.text).to.equal(202)
    const failed = (await waitForStatus(cast.member, res.body.id, ['failed', 'pending_review'])).body
    expect(failed.status).to.equal('failed')
    expect(failed.failure.code).to.equal('truncated')
    expect(failed.failure.message).to.match(/[а-яё]/i)
    const kk = await cast.member.get(`/api/v1/videos/${res.body.id}?lng=kk`)
    expect(kk.body.failure.message).to.equal('Файл толық жүктелмеген: бейнежазбаның бір бөлігі жетіспейді.')
    const ru = await cast.member.get(`/api/v1/videos/${res.body.id}?lng=ru`)
    expect(ru.body.failure.message).to.equal('Файл загружен не полностью: часть видео отсутствует.')
    expect(failed.hlsUrl).to.equal(null)
    // The reason is for the council, not for other people.
    expect((await cast.otherMember.get(`/api/v1/videos/${res.body.id}`)).status).to.equal(404)
    const mail = await waitForMail(
      t,
      { to: cast.member.user!.email, template: 'videos:email.failed' },
      { after: before },
    )
    expect(mail.text).to.contain('Файл загружен не полностью')
    expect(await listFiles(path.join(t.uploadsDir, 'videos', res.body.id))).to.deep.equal(['source.mp4'])
    // A failed video cannot be approved.
    expect((await cast.moderator.post(`/api/v1/videos/${res.body.id}/approve`, {})).status).to.equal(409)
  })
})
