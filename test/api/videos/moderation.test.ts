import path from 'node:path'
import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { castOf, expectProblem, listFiles, pendingVideo, type Cast } from './helpers.js'

describe('video moderation, lists and deletion', function () {
  this.timeout(180_000)
  let t: TestServer
  let cast: Cast
  let guest: Agent
  const ids: Record<string, string> = {}

  before(async () => {
    t = await startTestServer()
    cast = await castOf(t)
    guest = new Agent(t.url)
    // Sequential so the queue order (oldest first) is known.
    ids.first = await pendingVideo(cast.member, cast.councilA, {
      'title.ru': 'Заседание советов по экологии',
      'title.kk': 'Экология жөніндегі кеңестің отырысы',
    })
    ids.second = await pendingVideo(cast.member, cast.councilA, { 'title.kk': 'Жастар форумы' })
    ids.third = await pendingVideo(cast.otherMember, cast.councilB, { 'title.ru': 'Публичные слушания' })
    ids.fourth = await pendingVideo(cast.member, cast.councilA, { 'title.ru': 'Отчёт за год' })
  })
  after(() => t?.close())

  describe('GET /api/v1/moderation/videos', () => {
    it('should list pending_review oldest first with cursor pages', async () => {
      const p1 = await cast.moderator.get('/api/v1/moderation/videos?limit=2')
      expect(p1.status, p1.text).to.equal(200)
      expect(p1.body.items.map((v: any) => v.id)).to.deep.equal([ids.first, ids.second])
      expect(p1.body.nextCursor).to.be.a('string')
      const p2 = await cast.moderator.get(
        `/api/v1/moderation/videos?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`,
      )
      expect(p2.body.items.map((v: any) => v.id)).to.deep.equal([ids.third, ids.fourth])
      expect(p2.body.nextCursor).to.equal(null)
    })
    it('should filter by council and search kk/ru words with inflection', async () => {
      const byCouncil = await cast.admin.get(`/api/v1/moderation/videos?council=${cast.councilB}`)
      expect(byCouncil.body.items.map((v: any) => v.id)).to.deep.equal([ids.third])
      const ru = await cast.moderator.get(`/api/v1/moderation/videos?q=${encodeURIComponent('совет экология')}`)
      expect(ru.body.items.map((v: any) => v.id)).to.deep.equal([ids.first])
      const kk = await cast.moderator.get(`/api/v1/moderation/videos?q=${encodeURIComponent('кеңес')}`)
      expect(kk.body.items.map((v: any) => v.id)).to.deep.equal([ids.first])
    })
    it('should reject a bad status, council or cursor with 400 and never take operators from the query', async () => {
      expectProblem(await cast.moderator.get('/api/v1/moderation/videos?status=deleted'), 400, 'validation.failed')
      expectProblem(await cast.moderator.get('/api/v1/moderation/videos?council=x'), 400, 'validation.failed')
      expectProblem(await cast.moderator.get('/api/v1/moderation/videos?cursor=bm9wZQ'), 400, 'validation.failed')
      // `status[$ne]` is just an unknown parameter (no nested query parsing): ignored, never an operator.
      const op = await cast.moderator.get('/api/v1/moderation/videos?status[$ne]=pending_review')
      expect(op.status).to.equal(200)
      expect(op.body.items.every((v: any) => v.status === 'pending_review')).to.equal(true)
    })
    it('should fail with 401 for a guest and 403 for members and citizens', async () => {
      expectProblem(await guest.get('/api/v1/moderation/videos'), 401, 'auth.required')
      for (const who of [cast.member, cast.otherMember, cast.citizen])
        expectProblem(await who.get('/api/v1/moderation/videos'), 403, 'auth.forbidden')
    })
  })

  describe('decisions', () => {
    it('should refuse approve/reject/unpublish to a guest (401), a citizen and a council member (403)', async () => {
      for (const action of ['approve', 'reject', 'unpublish']) {
        expectProblem(await guest.post(`/api/v1/videos/${ids.first}/${action}`, { reason: 'x' }), 401, 'auth.required')
        for (const who of [cast.citizen, cast.member, cast.otherMember])
          expectProblem(await who.post(`/api/v1/videos/${ids.first}/${action}`, { reason: 'x' }), 403, 'auth.forbidden')
      }
      expect((await cast.moderator.get(`/api/v1/videos/${ids.first}`)).body.status).to.equal('pending_review')
    })

    it('should require a reason to reject or unpublish, and refuse unknown fields', async () => {
      expectProblem(await cast.moderator.post(`/api/v1/videos/${ids.second}/reject`, {}), 400, 'validation.failed')
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.second}/reject`, { reason: '   ' }),
        400,
        'validation.failed',
      )
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.second}/reject`, { reason: { $gt: '' } }),
        400,
        'validation.failed',
      )
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.second}/approve`, { status: 'published' }),
        400,
        'validation.failed',
      )
      expectProblem(await cast.moderator.post('/api/v1/videos/0123456789abcdef01234567/approve', {}), 404, 'not_found')
    })

    it('should publish, record the decision, audit it and e-mail the uploader in their language', async () => {
      const res = await cast.moderator.post(`/api/v1/videos/${ids.first}/approve`, {})
      expect(res.status, res.text).to.equal(200)
      expect(res.body.status).to.equal('published')
      const [entry] = res.body.moderation
      expect(entry).to.include({ by: cast.moderator.user!.id, decision: 'approved', reason: null })
      expect(Date.parse(entry.at)).to.be.closeTo(Date.now(), 60_000)
      const audits = await listAudit({ action: 'video.approved', targetId: ids.first })
      expect(audits).to.have.length(1)
      expect(audits[0].actorId).to.equal(cast.moderator.user!.id)
      const mail = await waitForMail(t, { to: cast.member.user!.email, template: 'videos:email.approved' })
      expect(mail.lng).to.equal('ru')
      // Publishing twice is not a thing.
      expectProblem(await cast.moderator.post(`/api/v1/videos/${ids.first}/approve`, {}), 409, 'conflict')
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.first}/reject`, { reason: 'поздно' }),
        409,
        'conflict',
      )
    })

    it('should reject with the reason recorded and e-mailed in Kazakh to a Kazakh-speaking uploader', async () => {
      const res = await cast.admin.post(`/api/v1/videos/${ids.third}/reject`, { reason: 'Дыбыс сапасы нашар' })
      expect(res.status, res.text).to.equal(200)
      expect(res.body.status).to.equal('rejected')
      expect(res.body.moderation.at(-1)).to.include({
        decision: 'rejected',
        reason: 'Дыбыс сапасы нашар',
        by: cast.admin.user!.id,
      })
      const mail = await waitForMail(t, { to: cast.otherMember.user!.email, template: 'videos:email.rejected' })
      expect(mail.lng).to.equal('kk')
      expect(mail.subject).to.contain('қабылданбады')
      expect(mail.text).to.contain('Дыбыс сапасы нашар')
      expect((await listAudit({ action: 'video.rejected', targetId: ids.third }))[0].details.reason).to.equal(
        'Дыбыс сапасы нашар',
      )
      expectProblem(await cast.moderator.post(`/api/v1/videos/${ids.third}/approve`, {}), 409, 'conflict')
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.third}/unpublish`, { reason: 'x' }),
        409,
        'conflict',
      )
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.fourth}/unpublish`, { reason: 'x' }),
        409,
        'conflict',
      )
    })

    it('should unpublish (hidden again from the public) and re-publish with the history kept', async () => {
      const un = await cast.moderator.post(`/api/v1/videos/${ids.first}/unpublish`, { reason: 'Жалоба на содержание' })
      expect(un.status, un.text).to.equal(200)
      expect(un.body.status).to.equal('unpublished')
      expectProblem(await guest.get(`/api/v1/videos/${ids.first}`), 404, 'not_found')
      expect((await guest.get(`/media/videos/${ids.first}/master.m3u8`)).status).to.equal(404)
      await waitForMail(t, { to: cast.member.user!.email, template: 'videos:email.unpublished' })
      expectProblem(
        await cast.moderator.post(`/api/v1/videos/${ids.first}/unpublish`, { reason: 'снова' }),
        409,
        'conflict',
      )

      const re = await cast.moderator.post(`/api/v1/videos/${ids.first}/approve`, { reason: 'Проверено' })
      expect(re.body.status).to.equal('published')
      expect(re.body.moderation.map((m: any) => m.decision)).to.deep.equal(['approved', 'unpublished', 'republished'])
      expect(re.body.moderation[1].reason).to.equal('Жалоба на содержание')
      await waitForMail(t, { to: cast.member.user!.email, template: 'videos:email.republished' })
      expect((await guest.get(`/api/v1/videos/${ids.first}`)).status).to.equal(200)
    })

    it('should show the moderation history and uploader to the council and moderators only', async () => {
      const mine = await cast.member.get(`/api/v1/videos/${ids.first}`)
      expect(mine.body.moderation).to.have.length(3)
      expect(mine.body.uploaderId).to.equal(cast.member.user!.id)
      const pub = await guest.get(`/api/v1/videos/${ids.first}`)
      expect(pub.body.moderation).to.deep.equal([])
      expect(pub.body.uploaderId).to.equal(null)
      expect((await cast.citizen.get(`/api/v1/videos/${ids.first}`)).body.moderation).to.deep.equal([])
    })
  })

  describe('lists', () => {
    it('GET /api/v1/videos should list published videos only, with council filter and kk/ru search', async () => {
      const all = await guest.get('/api/v1/videos')
      expect(all.status).to.equal(200)
      expect(all.body.items.map((v: any) => v.id)).to.deep.equal([ids.first])
      expect(all.body.items[0]).to.include({ status: 'published', councilId: cast.councilA })
      expect((await guest.get(`/api/v1/videos?council=${cast.councilB}`)).body.items).to.deep.equal([])
      expect((await guest.get(`/api/v1/videos?q=${encodeURIComponent('советов')}`)).body.items).to.have.length(1)
      expect((await guest.get(`/api/v1/videos?q=${encodeURIComponent('кеңестің')}`)).body.items).to.have.length(1)
      expect((await guest.get(`/api/v1/videos?q=${encodeURIComponent('форум')}`)).body.items).to.deep.equal([])
      expectProblem(await guest.get('/api/v1/videos?council=abc'), 400, 'validation.failed')
    })

    it("GET /api/v1/councils/:id/videos should show a council's videos in every status to it and to moderators only", async () => {
      const mine = await cast.member.get(`/api/v1/councils/${cast.councilA}/videos`)
      expect(mine.status).to.equal(200)
      expect(mine.body.items.map((v: any) => v.id).sort()).to.deep.equal([ids.first, ids.second, ids.fourth].sort())
      const pending = await cast.moderator.get(`/api/v1/councils/${cast.councilA}/videos?status=pending_review`)
      expect(pending.body.items.map((v: any) => v.id).sort()).to.deep.equal([ids.second, ids.fourth].sort())
      expectProblem(await cast.otherMember.get(`/api/v1/councils/${cast.councilA}/videos`), 403, 'auth.forbidden')
      expectProblem(await cast.citizen.get(`/api/v1/councils/${cast.councilA}/videos`), 403, 'auth.forbidden')
      expectProblem(await guest.get(`/api/v1/councils/${cast.councilA}/videos`), 401, 'auth.required')
    })

    it("should count published videos in the council profile's stats, and refresh its cached profile when that changes", async () => {
      const profile = async () => {
        const res = await guest.get(`/api/v1/councils/${cast.councilA}`)
        expect(res.status, res.text).to.equal(200)
        return { cache: res.headers.get('x-cache'), videos: res.body.stats.videos }
      }
      await profile()
      expect(await profile()).to.deep.equal({ cache: 'HIT', videos: 1 })
      expect(
        (await cast.moderator.post(`/api/v1/videos/${ids.first}/unpublish`, { reason: 'Проверка кэша' })).status,
      ).to.equal(200)
      expect(await profile()).to.deep.equal({ cache: 'MISS', videos: 0 })
      expect((await cast.moderator.post(`/api/v1/videos/${ids.first}/approve`, {})).status).to.equal(200)
      expect(await profile()).to.deep.equal({ cache: 'MISS', videos: 1 })
    })
  })

  it('should describe every video route in the OpenAPI document', async () => {
    const doc = (await guest.get('/api/v1/openapi.json')).body
    for (const [p, m] of [
      ['/api/v1/councils/{councilId}/videos', 'post'],
      ['/api/v1/councils/{councilId}/videos/tus', 'post'],
      ['/api/v1/videos', 'get'],
      ['/api/v1/videos/{id}', 'get'],
      ['/api/v1/videos/{id}', 'delete'],
      ['/api/v1/moderation/videos', 'get'],
      ['/api/v1/videos/{id}/approve', 'post'],
      ['/api/v1/videos/{id}/reject', 'post'],
      ['/api/v1/videos/{id}/unpublish', 'post'],
      ['/media/videos/{id}/master.m3u8', 'get'],
      ['/media/videos/{id}/source', 'get'],
    ])
      expect(doc.paths[p]?.[m], `${m} ${p}`).to.be.an('object')
  })

  describe('PATCH /api/v1/videos/:id (extension)', () => {
    it('should let the council edit a video in review, re-index it for search and audit it', async () => {
      const res = await cast.member.patch(`/api/v1/videos/${ids.fourth}`, {
        title: { kk: 'Жылдық есеп', ru: null },
        description: { ru: 'Итоги работы совета' },
      })
      expect(res.status, res.text).to.equal(200)
      expect(res.body.title).to.deep.equal({ kk: 'Жылдық есеп' })
      expect(res.body.description).to.deep.equal({ ru: 'Итоги работы совета' })
      const found = await cast.moderator.get(`/api/v1/moderation/videos?q=${encodeURIComponent('есеп')}`)
      expect(found.body.items.map((v: any) => v.id)).to.deep.equal([ids.fourth])
      expect(await listAudit({ action: 'video.updated', targetId: ids.fourth })).to.have.length(1)
    })
    it('should refuse to remove the last title, empty and unknown fields, and operators (400)', async () => {
      expectProblem(
        await cast.member.patch(`/api/v1/videos/${ids.fourth}`, { title: { kk: null } }),
        400,
        'validation.failed',
      )
      expectProblem(await cast.member.patch(`/api/v1/videos/${ids.fourth}`, {}), 400, 'validation.failed')
      expectProblem(
        await cast.member.patch(`/api/v1/videos/${ids.fourth}`, { status: 'published' }),
        400,
        'validation.failed',
      )
      expectProblem(
        await cast.member.patch(`/api/v1/videos/${ids.fourth}`, { title: { kk: { $gt: '' } } }),
        400,
        'validation.failed',
      )
    })
    it('should answer 404 to another council and a citizen, 401 to a guest', async () => {
      expectProblem(
        await cast.otherMember.patch(`/api/v1/videos/${ids.fourth}`, { title: { kk: 'Х' } }),
        404,
        'not_found',
      )
      expectProblem(await cast.citizen.patch(`/api/v1/videos/${ids.fourth}`, { title: { kk: 'Х' } }), 404, 'not_found')
      expectProblem(await guest.patch(`/api/v1/videos/${ids.first}`, { title: { kk: 'Х' } }), 401, 'auth.required')
      expectProblem(
        await cast.citizen.patch(`/api/v1/videos/${ids.first}`, { title: { kk: 'Х' } }),
        403,
        'auth.forbidden',
      )
    })
    it('should refuse the council a published video (403) but let a moderator correct it', async () => {
      expectProblem(
        await cast.member.patch(`/api/v1/videos/${ids.first}`, { title: { kk: 'Басқа' } }),
        403,
        'auth.forbidden',
      )
      const res = await cast.moderator.patch(`/api/v1/videos/${ids.first}`, {
        title: { ru: 'Заседание советов по экологии (исправлено)' },
      })
      expect(res.status, res.text).to.equal(200)
      expect((await guest.get(`/api/v1/videos/${ids.first}`)).body.title.ru).to.equal(
        'Заседание советов по экологии (исправлено)',
      )
    })
  })

  describe('DELETE /api/v1/videos/:id', () => {
    const dirOf = (id: string) => path.join(t.uploadsDir, 'videos', id)

    it('should refuse a guest (401), a citizen (404 unpublished / 403 published) and another council (404)', async () => {
      expectProblem(await guest.delete(`/api/v1/videos/${ids.first}`), 401, 'auth.required')
      expectProblem(await guest.delete(`/api/v1/videos/${ids.second}`), 404, 'not_found')
      expectProblem(await cast.citizen.delete(`/api/v1/videos/${ids.second}`), 404, 'not_found')
      expectProblem(await cast.citizen.delete(`/api/v1/videos/${ids.first}`), 403, 'auth.forbidden')
      expectProblem(await cast.otherMember.delete(`/api/v1/videos/${ids.second}`), 404, 'not_found')
      expectProblem(await cast.otherMember.delete(`/api/v1/videos/${ids.first}`), 403, 'auth.forbidden')
    })

    it("should refuse the uploader's council a published video (403)", async () => {
      expectProblem(await cast.member.delete(`/api/v1/videos/${ids.first}`), 403, 'auth.forbidden')
      expect(await listFiles(dirOf(ids.first))).to.not.deep.equal([])
    })

    it("should let the uploader's council delete an unpublished video, with its files", async () => {
      expect((await listFiles(dirOf(ids.second))).length).to.be.greaterThan(2)
      const res = await cast.member.delete(`/api/v1/videos/${ids.second}`)
      expect(res.status, res.text).to.equal(204)
      expect(await listFiles(dirOf(ids.second))).to.deep.equal([])
      expectProblem(await cast.member.get(`/api/v1/videos/${ids.second}`), 404, 'not_found')
      expect(await listAudit({ action: 'video.deleted', targetId: ids.second })).to.have.length(1)
    })

    it('should let a moderator delete a published video, which leaves the public list', async () => {
      const res = await cast.moderator.delete(`/api/v1/videos/${ids.first}`)
      expect(res.status, res.text).to.equal(204)
      expect(await listFiles(dirOf(ids.first))).to.deep.equal([])
      expect((await guest.get('/api/v1/videos')).body.items).to.deep.equal([])
      expect((await guest.get(`/media/videos/${ids.first}/master.m3u8`)).status).to.equal(404)
      expectProblem(await cast.moderator.delete(`/api/v1/videos/${ids.first}`), 404, 'not_found')
    })

    it('should have sent no mail to anyone else', async () => {
      const mails = await readOutbox(t, {})
      const videoMails = mails.filter((m) => m.template.startsWith('videos:'))
      // Decisions go to the uploading councils; "waiting for review" only to the moderator.
      const review = videoMails.filter((m) => m.template === 'videos:email.review_needed')
      expect(review.length).to.be.greaterThan(0)
      expect(review.every((m) => m.to === cast.moderator.user!.email)).to.equal(true)
      expect(
        videoMails
          .filter((m) => !review.includes(m))
          .every((m) => [cast.member.user!.email, cast.otherMember.user!.email].includes(m.to)),
      ).to.equal(true)
    })
  })
})
