import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Job } from '../../../server/core/jobs.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { makeVideo, read } from '../../fixtures/media.js'
import { castOf, listFiles, upload, type Cast } from './helpers.js'

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-child.ts')
const LEASE_MS = 3000

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const v = await check()
    if (v) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * A worker dies (SIGKILL of its whole process group, ffmpeg included) in the middle of a transcode:
 * the half-written scratch output must never become the video's media, and once the lease runs out
 * another worker claims the job and finishes it.
 */
describe('videos.process survives a worker crash mid-transcode', function () {
  this.timeout(180_000)
  let t: TestServer
  let cast: Cast
  const children: ChildProcess[] = []

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        MONGODB_URI: t.server.db.uri,
        MONGODB_DB: t.config.mongodbDb,
        DATA_DIR: t.dataDir,
        UPLOADS_DIR: t.uploadsDir,
        VIDEO_JOB_LEASE_MS: String(LEASE_MS),
        LOG_LEVEL: 'silent',
      },
      detached: true, // its own process group: killing the group takes its ffmpeg too
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    return child
  }
  const killGroup = (c: ChildProcess) => {
    try {
      process.kill(-c.pid!, 'SIGKILL')
    } catch {}
  }

  let source: Buffer
  before(async () => {
    // Made first: ffmpeg blocks this process for a few seconds, which must not stall open connections.
    source = read(makeVideo({ width: 1280, height: 720, seconds: 10 }))
    // No worker in the server itself: the jobs run in the child processes.
    t = await startTestServer({ JOBS_ENABLED: 'false', VIDEO_JOB_LEASE_MS: String(LEASE_MS) })
    cast = await castOf(t)
  })
  after(async () => {
    children.forEach(killGroup)
    await t?.close()
  })

  it('should resume the job on the next claim and finish it, with no half output left', async () => {
    const res = await upload(cast.member, cast.councilA, source)
    expect(res.status, res.text).to.equal(202)
    const id = res.body.id
    const dir = path.join(t.uploadsDir, 'videos', id)

    const first = startWorker()
    // ffmpeg has written segments into a scratch directory …
    await until('ffmpeg mid-way', async () =>
      (await listFiles(dir)).some((f) => f.startsWith('.work-') && f.endsWith('.ts')),
    )
    // … and the worker's heartbeat holds the short lease (so its expiry is what frees the job).
    const running: any = await until('a heartbeat', async () => {
      const j: any = await Job.findOne({ name: 'videos.process' }).lean()
      return j?.status === 'running' && new Date(j.lockedUntil).getTime() - Date.now() < LEASE_MS + 1000 ? j : null
    })
    killGroup(first)
    await new Promise((r) => first.once('exit', r))

    const afterCrash = await listFiles(dir)
    expect(
      afterCrash.some((f) => f.startsWith('.work-')),
      'half output is in scratch',
    ).to.equal(true)
    expect(
      afterCrash.filter((f) => f.startsWith('m-')),
      'nothing committed',
    ).to.deep.equal([])
    expect((await cast.member.get(`/api/v1/videos/${id}`)).body).to.include({ status: 'processing', hlsUrl: null })

    startWorker()
    const done = await until(
      'the video to be processed',
      async () => {
        const v = await cast.member.get(`/api/v1/videos/${id}`)
        return v.body.status !== 'processing' ? v.body : null
      },
      150_000,
    )
    expect(done.status, JSON.stringify(done)).to.equal('pending_review')
    expect(done.renditions.map((r: any) => r.name)).to.deep.equal(['360p', '720p'])

    // The job tells the moderators after its commit point, so it ends a moment after the status changes.
    const job: any = await until('the job to end', async () => {
      const j: any = await Job.findById(running._id).lean()
      return j?.status === 'running' ? null : j
    })
    expect(job.status).to.equal('done')
    expect(job.attempts).to.equal(2)
    expect(job.lockedBy).to.not.equal(running.lockedBy)

    const files = await listFiles(dir)
    expect(
      files.filter((f) => f.startsWith('.work-')),
      'scratch removed',
    ).to.deep.equal([])
    const mediaDirs = [...new Set(files.filter((f) => f.startsWith('m-')).map((f) => f.split('/')[0]))]
    expect(mediaDirs).to.have.length(1)
    const playlist = await fs.readFile(path.join(dir, mediaDirs[0], '720p', 'index.m3u8'), 'utf8')
    const total = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].reduce((s, m) => s + Number(m[1]), 0)
    expect(total).to.be.within(9.5, 10.5)
    expect(playlist).to.contain('#EXT-X-ENDLIST')
    const master = await cast.member.get(done.hlsUrl)
    expect(master.status).to.equal(200)
  })
})
