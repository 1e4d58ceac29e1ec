import fs from 'node:fs/promises'
import path from 'node:path'
import { currentConfig } from '../../core/config.js'
import { t } from '../../core/i18n.js'
import type { JobContext, JobHandlers } from '../../core/jobs.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { resolveStored } from '../../core/storage.js'
import { pick } from '../../core/i18n.js'
import type { FailureCode } from '../../../shared/schemas/videos.js'
import { findUserById } from '../users/index.js'
import {
  CORRUPT_INPUT,
  hlsArgs,
  masterBandwidths,
  planRenditions,
  playlistDuration,
  probe,
  ProbeError,
  run,
  thumbnailArgs,
  type ProbeResult,
} from './ffmpeg.js'
import { Video, type VideoDoc } from './video.model.js'
import { newMediaDirName, newScratchName, removeLeftovers, removeVideoFiles, videoDir } from './videos.files.js'
import { PROCESS_JOB } from './videos.service.js'
import { notifyModeratorsOfReview } from './videos.notify.js'

/**
 * `videos.process`: probe, HLS renditions and a thumbnail, built in a scratch directory beside the
 * source and renamed into place; the database update that names the new directory is the commit
 * point. A crash at any moment leaves at most a scratch directory, which the next attempt (after
 * the lease runs out) removes before starting again. A damaged input ends in `failed` with a
 * reason the uploader reads in their language; trouble on our side is retried with backoff.
 */
export const MAX_ATTEMPTS = 4
/** ffmpeg reports progress every ~0.5 s: this long without a word means it hangs. */
const STALL_MS = 5 * 60_000

class PermanentFailure extends Error {
  constructor(
    readonly code: FailureCode,
    detail: string,
  ) {
    super(detail)
  }
}

declare module '../../core/jobs.js' {
  interface JobPayloads {
    'videos.process': { videoId: string }
  }
}

/** The transcoding handler; its lease comes from the configuration (`VIDEO_JOB_LEASE_MS`). */
export const processingJobs = (opts: { leaseMs: number }): JobHandlers => ({
  [PROCESS_JOB]: {
    run: processVideo,
    leaseMs: opts.leaseMs,
    maxAttempts: MAX_ATTEMPTS,
    backoffMs: (a) => Math.min(2 ** a * 5000, 10 * 60_000),
  },
})

export async function processVideo(payload: { videoId: string }, ctx: JobContext): Promise<void> {
  const started = new Date()
  const id = String(payload.videoId)
  const doc = await Video.findById(id).lean<VideoDoc>()
  if (!doc || doc.status !== 'processing') return // deleted, or finished by an earlier attempt
  const sourceName = path.basename(doc.source.key)
  // Scratch output of a crashed attempt goes first.
  await removeLeftovers(id, [sourceName, doc.mediaDir])
  if (ctx.attempt > MAX_ATTEMPTS) return fail(doc, 'processing_error', 'attempts exhausted')
  await Video.updateOne(
    { _id: id, status: 'processing' },
    { $set: { 'processing.startedAt': started, 'processing.attempts': ctx.attempt } },
  )
  const scratch = path.join(videoDir(id), newScratchName())
  try {
    const result = await transcode(resolveStored(doc.source.key), scratch, ctx.signal, knownProbe(doc.probe))
    await ctx.heartbeat()
    const mediaDir = newMediaDirName()
    await fs.rename(scratch, path.join(videoDir(id), mediaDir))
    const m = result.meta
    const res = await Video.updateOne(
      { _id: id, status: 'processing' },
      {
        $set: {
          status: 'pending_review',
          mediaDir,
          renditions: result.renditions,
          probe: {
            durationSec: m.durationSec,
            width: m.width,
            height: m.height,
            videoCodec: m.videoCodec,
            audioCodec: m.audioCodec,
            bitRate: m.bitRate,
          },
          failure: null,
          'processing.finishedAt': new Date(),
        },
      },
    )
    // Deleted while we worked: what we just made belongs to nobody.
    if (res.matchedCount === 0) await dropIfDeleted(id, mediaDir)
    else await notifyModeratorsOfReview(doc)
  } catch (err) {
    await fs.rm(scratch, { recursive: true, force: true }).catch(() => {})
    if (await dropIfDeleted(id)) return
    if (err instanceof PermanentFailure) return fail(doc, err.code, err.message)
    if (ctx.attempt >= MAX_ATTEMPTS) return fail(doc, 'processing_error', String((err as Error)?.message ?? err))
    throw err
  }
}

/**
 * When the video was deleted during processing, the folder the job may have re-created goes too
 * (or only `mediaDir` when the video still exists in another state). True when it was deleted.
 */
async function dropIfDeleted(id: string, mediaDir?: string): Promise<boolean> {
  if (!(await Video.exists({ _id: id }))) {
    await removeVideoFiles(id)
    return true
  }
  if (mediaDir) await fs.rm(path.join(videoDir(id), mediaDir), { recursive: true, force: true })
  return false
}

/**
 * The metadata ffprobe gave at upload (`createVideo` probes before it stores; the source never
 * changes afterwards), or null when the record lacks it: then the job probes again.
 */
function knownProbe(p: VideoDoc['probe']): ProbeResult | null {
  if (!p || p.width == null || !(p.width > 0) || p.height == null || !(p.height > 0) || !p.videoCodec) return null
  return {
    durationSec: p.durationSec ?? null,
    width: p.width,
    height: p.height,
    videoCodec: p.videoCodec,
    audioCodec: p.audioCodec ?? null,
    bitRate: p.bitRate ?? null,
    formatName: '',
  }
}

/** The ffmpeg work of a job: exactly what the benchmark compares with running ffmpeg by hand. */
export async function transcode(source: string, outDir: string, signal?: AbortSignal, known?: ProbeResult | null) {
  const { ffmpegPath, ffprobePath } = currentConfig()
  let meta: ProbeResult
  try {
    // Probing the same bytes a second time costs an ffprobe run per video and tells nothing new.
    meta = known ?? (await probe(ffprobePath, source, signal))
  } catch (err) {
    if (err instanceof ProbeError)
      throw new PermanentFailure(err.reason === 'no_video_stream' ? 'no_video_stream' : 'corrupt', err.message)
    throw err
  }
  const plan = planRenditions(meta.width, meta.height)
  await fs.mkdir(outDir, { recursive: true })
  const hls = await run(ffmpegPath, hlsArgs(source, outDir, plan, Boolean(meta.audioCodec)), {
    signal,
    stallMs: STALL_MS,
  })
  if (hls.signal || signal?.aborted) throw new Error(`ffmpeg stopped by ${hls.signal ?? 'abort'}`)
  if (hls.code !== 0) {
    if (CORRUPT_INPUT.test(hls.stderr)) throw new PermanentFailure('corrupt', hls.stderr.slice(-500))
    throw new Error(`ffmpeg exited with ${hls.code}: ${hls.stderr.slice(-500)}`)
  }
  // ffmpeg stops quietly at the end of a cut-off file: compare what came out with what was announced.
  for (const r of plan) {
    const got = playlistDuration(await fs.readFile(path.join(outDir, r.name, 'index.m3u8'), 'utf8'))
    if (meta.durationSec && got < meta.durationSec * 0.9 - 0.5)
      throw new PermanentFailure('truncated', `${got}s of ${meta.durationSec}s`)
  }
  const thumb = path.join(outDir, 'thumbnail.jpg')
  let still = await run(ffmpegPath, thumbnailArgs(source, thumb, meta.durationSec), { signal, stallMs: STALL_MS })
  if (still.code !== 0 && !still.signal)
    still = await run(ffmpegPath, thumbnailArgs(source, thumb, 0), { signal, stallMs: STALL_MS })
  if (still.code !== 0) {
    if (still.signal || signal?.aborted) throw new Error('thumbnail stopped')
    throw new PermanentFailure('corrupt', still.stderr.slice(-500))
  }
  const bandwidths = masterBandwidths(await fs.readFile(path.join(outDir, 'master.m3u8'), 'utf8'))
  const renditions = plan.map((r) => ({
    name: r.name,
    width: r.width,
    height: r.height,
    bandwidth: bandwidths.get(r.name) ?? (r.videoKbps + r.audioKbps) * 1000,
  }))
  return { meta, renditions }
}

async function fail(doc: VideoDoc, code: FailureCode, detail: string): Promise<void> {
  const id = String(doc._id)
  log.info({ videoId: id, code, detail }, 'video processing failed')
  const res = await Video.updateOne(
    { _id: id, status: 'processing' },
    { $set: { status: 'failed', failure: code, 'processing.finishedAt': new Date() } },
  )
  await removeLeftovers(id, [path.basename(doc.source.key)])
  if (res.matchedCount === 0) return
  try {
    const user = await findUserById(String(doc.uploaderId))
    if (user)
      await sendMail({
        to: user.email,
        lng: user.locale,
        template: 'videos:email.failed',
        vars: {
          name: user.displayName,
          title: pick(doc.title, user.locale),
          reason: t(user.locale, `videos:failure.${code}`),
          videoId: id,
        },
      })
  } catch (err) {
    log.warn({ err, videoId: id }, 'could not e-mail the uploader about the failure')
  }
}
