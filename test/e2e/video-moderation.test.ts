import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../helpers/agent.js'
import { createUser } from '../helpers/users.js'
import { axeProblems, field, settled, shot } from './browser.js'
import { browserSuite, until, web } from './support.js'

describe('web client: video upload, moderation and playback', function () {
  this.timeout(180_000)
  let clip: string
  const s = browserSuite(() => {
    clip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kenes-e2e-')), 'clip.mp4')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=2:size=320x240:rate=15',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      '-y',
      clip,
    ])
  })
  it('resumes an interrupted upload from where the server stopped, not from the start', async () => {
    const kk = web('kk')
    // Over one 8 MiB chunk of the client, so the upload takes two PATCH requests.
    const big = path.join(path.dirname(clip), 'big.mp4')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=4:size=320x240:rate=25',
      '-vf',
      'noise=alls=100:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-qp',
      '0',
      '-pix_fmt',
      'yuv420p',
      '-y',
      big,
    ])
    expect(fs.statSync(big).size).to.be.above(8 * 1024 * 1024)
    const council = await s.council({
      kk: 'Атырау облысының қоғамдық кеңесі',
      ru: 'Общественный совет Атырауской области',
      regionCode: 'KZ-23',
      level: 'oblast',
    })
    const member = await s.member(council)
    const { ctx, page } = await s.signedIn(member, { lng: 'kk' })
    await page.goto(`/member/councils/${council.id}/videos`)
    const offsets: string[] = []
    let cut = false
    await page.route('**/videos/tus/*', async (route) => {
      const req = route.request()
      if (req.method() !== 'PATCH') return route.continue()
      offsets.push(req.headers()['upload-offset'])
      // The connection drops during the second chunk, once.
      if (!cut && req.headers()['upload-offset'] !== '0') {
        cut = true
        return route.abort('connectionreset')
      }
      return route.continue()
    })
    await field(page.locator('fieldset[lang=kk]'), kk.editor.title).fill('Үлкен бейне')
    await field(page, kk.member.videoFile).setInputFiles(big)
    await page.getByRole('button', { name: kk.member.upload }).click()
    await page.getByText(kk.member.interrupted).waitFor()
    await page.getByRole('button', { name: kk.member.resume }).click()
    await page.getByText(kk.member.uploaded).waitFor()
    expect(offsets).to.deep.equal(['0', String(8 * 1024 * 1024), String(8 * 1024 * 1024)])
    // Not published: the council may delete it (after confirming).
    page.on('dialog', (d) => void d.accept())
    const row = page.locator('tr', { hasText: 'Үлкен бейне' })
    await row.getByRole('button', { name: new RegExp(`^${kk.editor.delete}`) }).click()
    await row.waitFor({ state: 'detached' })
    await ctx.close()
  })

  it('a member uploads a video (tus, with progress), a moderator approves it, a guest watches it', async () => {
    const kk = web('kk')
    const ru = web('ru')
    const council = await s.council({
      kk: 'Ақтөбе облысының қоғамдық кеңесі',
      ru: 'Общественный совет Актюбинской области',
      regionCode: 'KZ-15',
      level: 'oblast',
    })
    const member = await s.member(council)
    const moderator = await createUser(s.t, { roles: ['moderator'], locale: 'ru' })

    const { ctx: mctx, page: mpage } = await s.signedIn(member, { lng: 'kk' })
    await mpage.goto(`/member/councils/${council.id}/videos`)
    const kkBox = mpage.locator('fieldset[lang=kk]')
    await field(kkBox, kk.editor.title).fill('Кеңес отырысының бейнежазбасы')
    await field(mpage, kk.member.videoFile).setInputFiles(clip)
    await mpage.getByRole('button', { name: kk.member.upload }).click()
    await mpage.getByText(kk.member.uploaded).waitFor()
    expect(await mpage.locator('progress').count(), 'the progress bar is gone once done').to.equal(0)
    await shot(mpage, 'member-videos-kk')
    expect(await axeProblems(mpage), 'member videos').to.deep.equal([])

    // Processing (real ffmpeg) runs as a job: wait for it through the API, bounded.
    const api = new Agent(s.t.url)
    await api.post('/api/v1/auth/login', { email: member.email, password: member.password })
    const video = await until('the video to be ready for review', 120_000, async () => {
      const list = await api.get(`/api/v1/councils/${council.id}/videos`)
      const v = list.body.items?.[0]
      if (v?.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(v)}`)
      return v?.status === 'pending_review' ? v : undefined
    })
    // Not published yet: a guest cannot see it.
    expect((await new Agent(s.t.url).get(`/api/v1/videos/${video.id}`)).status).to.equal(404)

    const { ctx: octx, page: opage } = await s.signedIn(moderator, { lng: 'ru' })
    await opage.goto('/moderation')
    await opage.getByRole('link', { name: 'Кеңес отырысының бейнежазбасы' }).click()
    await opage.getByTestId('video-status').waitFor()
    expect(await opage.getByTestId('video-status').textContent()).to.equal(ru.videoStatus.pending_review)
    await shot(opage, 'moderation-review-ru')
    expect(await axeProblems(opage), 'moderation review').to.deep.equal([])
    await opage.getByRole('button', { name: ru.moderation.approve }).click()
    await opage.getByText(ru.moderation.done_approve).waitFor()
    expect(await opage.getByTestId('video-status').textContent()).to.equal(ru.videoStatus.published)

    // The guest finds it in the list and plays it (hls.js is fetched on play).
    const gctx = await s.context({ lng: 'kk' })
    const gpage = await gctx.newPage()
    await gpage.goto('/videos')
    await settled(gpage)
    await gpage.getByRole('link', { name: 'Кеңес отырысының бейнежазбасы' }).click()
    await gpage.getByRole('heading', { level: 1, name: 'Кеңес отырысының бейнежазбасы' }).waitFor()
    expect(await axeProblems(gpage)).to.deep.equal([])
    // Chromium with native HLS plays the stream itself; otherwise the play button loads hls.js.
    const play = gpage.getByRole('button', {
      name: kk.video.play.replace('{{title}}', 'Кеңес отырысының бейнежазбасы'),
    })
    if ((await gpage.locator('video').getAttribute('data-player')) !== 'native') await play.click()
    else expect(await play.count()).to.equal(0)
    await gpage.waitForFunction(
      () => {
        const v = document.querySelector('video')
        return Boolean(v && v.readyState >= 1 && v.duration > 1)
      },
      undefined,
      { timeout: 30_000 },
    )
    await shot(gpage, 'video-kk')
    await Promise.all([mctx.close(), octx.close(), gctx.close()])
  })
})
