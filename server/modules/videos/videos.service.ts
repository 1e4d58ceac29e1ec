import path from 'node:path'
import mongoose from 'mongoose'
import { audit } from '../../core/audit.js'
import { currentConfig } from '../../core/config.js'
import { AppError, forbidden, notFound, validationFailed } from '../../core/errors.js'
import { enqueueJob, wakeJobWorker } from '../../core/jobs.js'
import { assertCan, type Actor, type MaybeActor } from '../../core/policy.js'
import { searchFilter, indexTokens } from '../../core/search.js'
import { resolveStored, storeFile } from '../../core/storage.js'
import type { Lang } from '../../../shared/schemas/common.js'
import type { UpdateVideoBody, VideoStatus, VideoUploadFields } from '../../../shared/schemas/videos.js'
import { COUNT_STAGE, countOf, findCouncilSummary, type CouncilStatsProvider } from '../councils/index.js'
import { probe, ProbeError, type ProbeResult } from './ffmpeg.js'
import { Video, type VideoDoc } from './video.model.js'
import fs from 'node:fs/promises'
import { markPending, removeVideoFiles, sourceKey, syncPath, sweepUncommittedVideos } from './videos.files.js'
import { afterVisibilityChange } from './videos.hooks.js'
import { canDeleteVideo, canEditVideo, canSeeVideo } from './videos.policy.js'
import { pageOf, toDetails } from './videos.view.js'

export const PROCESS_JOB = 'videos.process' as const

const validId = (id: string) => /^[0-9a-f]{24}$/i.test(id)

/** The council must exist and not be archived to receive videos. */
export async function assertCouncilOpen(councilId: string): Promise<void> {
  if (!(await findCouncilSummary(councilId))) throw notFound('council')
}

/** ffprobe at the door: a file without a video stream is refused like a wrong type. */
export async function probeUpload(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    return await probe(currentConfig().ffprobePath, file, signal)
  } catch (err) {
    if (err instanceof ProbeError)
      throw new AppError(415, 'upload.unsupported_type', { allowed: 'mp4, mov, webm, mkv, avi, mpeg, 3gp' })
    throw err
  }
}

export interface ReceivedFile {
  path: string
  size: number
  mime: string
  ext: string
  originalName: string | null
  /** Set when the file arrived by tus. */
  tusUploadId?: string
}

/**
 * Creates a video from a received file (multipart or tus): probes it, moves it into the video's
 * folder, records the video as `processing` and queues its processing job. On any failure, and
 * when `signal` says the client went away before the commit, nothing is left behind.
 */
export async function createVideo(
  actor: Actor,
  councilId: string,
  file: ReceivedFile,
  fields: VideoUploadFields,
  signal?: AbortSignal,
) {
  assertCan(actor, 'video.upload', { councilId })
  await assertCouncilOpen(councilId)
  // ffprobe reads the head of the file while the kernel flushes its body: neither waits for the other
  // (the flush is the long part of a big upload). Renaming keeps the inode, so only the directory
  // entry remains to be flushed after the move.
  const [meta] = await Promise.all([probeUpload(file.path, signal), syncPath(file.path)])
  if (signal?.aborted) throw new AppError(400, 'videos.upload_aborted')
  const id = new mongoose.Types.ObjectId()
  const key = sourceKey(String(id), file.ext)
  // Until the record is committed the folder is marked as ours: if this process dies in between,
  // the next start on this host removes the folder (videos.files.ts, sweepUncommittedVideos).
  const marker = await markPending(String(id))
  await storeFile(file.path, key)
  try {
    await syncPath(path.dirname(resolveStored(key)))
    // The record and its transcoding job are written together: no video waits for a job that was never queued.
    await mongoose.connection.transaction(async (session) => {
      await Video.create(
        [
          {
            _id: id,
            councilId,
            uploaderId: actor.id,
            title: fields.title,
            description: fields.description,
            status: 'processing',
            source: { key, mime: file.mime, size: file.size, originalName: file.originalName?.slice(0, 255) ?? null },
            probe: {
              durationSec: meta.durationSec,
              width: meta.width,
              height: meta.height,
              videoCodec: meta.videoCodec,
              audioCodec: meta.audioCodec,
              bitRate: meta.bitRate,
            },
            searchTokens: indexTokens(fields.title, fields.description),
            ...(file.tusUploadId ? { tusUploadId: file.tusUploadId } : {}),
          },
        ],
        { session },
      )
      await enqueueJob(PROCESS_JOB, { videoId: String(id) }, { dedupeKey: `${PROCESS_JOB}:${id}`, session })
    })
    wakeJobWorker()
    await fs.rm(marker, { force: true })
  } catch (err) {
    await Video.deleteOne({ _id: id }).catch(() => {})
    await removeVideoFiles(String(id)).catch(() => {})
    throw err
  }
  return { id: String(id), status: 'processing' as const }
}

/** The video a user's finished tus upload became (for a client that missed the last response). */
export async function findVideoOfTusUpload(actorId: string, councilId: string, uploadId: string) {
  const doc = await Video.findOne(
    { tusUploadId: uploadId, uploaderId: actorId, councilId },
    { status: 1, 'source.size': 1 },
  ).lean<Pick<VideoDoc, '_id' | 'status' | 'source'>>()
  return doc ? { id: String(doc._id), status: doc.status, size: doc.source.size } : null
}

/** A video as the actor may see it; 404 (not 403) for what they may not see, so existence does not leak. */
export async function getVideo(actor: MaybeActor, id: string, lng: Lang) {
  const doc = validId(id) ? await Video.findById(id).lean<VideoDoc>() : null
  if (!doc || !canSeeVideo(actor, doc)) throw notFound('video')
  return toDetails(doc, actor, lng)
}

/** The council of a video the actor may see, for the route's access check; 404 otherwise (existence does not leak). */
export async function videoScope(actor: MaybeActor, id: string): Promise<{ councilId: string }> {
  const doc = validId(id)
    ? await Video.findById(id, { councilId: 1, status: 1 }).lean<Pick<VideoDoc, '_id' | 'councilId' | 'status'>>()
    : null
  if (!doc || !canSeeVideo(actor, doc)) throw notFound('video')
  return { councilId: String(doc.councilId) }
}

/** For media serving: the fields needed to decide and to find files, or null when hidden. */
export async function findVisibleMedia(actor: MaybeActor, id: string) {
  if (!validId(id)) return null
  const doc = await Video.findById(id, { councilId: 1, status: 1, mediaDir: 1, source: 1, updatedAt: 1 }).lean<
    Pick<VideoDoc, '_id' | 'councilId' | 'status' | 'mediaDir' | 'source' | 'updatedAt'>
  >()
  if (!doc || !canSeeVideo(actor, doc)) return null
  return {
    id,
    councilId: String(doc.councilId),
    status: doc.status,
    mediaDir: doc.mediaDir ?? null,
    source: doc.source,
  }
}

export async function listPublished(q: { council?: string; q?: string; limit: number; cursor?: string }) {
  const filter: Record<string, unknown> = {
    status: 'published',
    ...(q.council ? { councilId: q.council } : {}),
    ...(searchFilter(q.q) ?? {}),
  }
  return pageOf(filter, 'publishedAt', -1, q.limit, q.cursor)
}

/** A council's own videos in every status (its members and staff): where uploaders follow their work. */
export async function listCouncilVideos(
  actor: MaybeActor,
  councilId: string,
  q: { status?: VideoStatus; limit: number; cursor?: string },
) {
  assertCan(actor, 'video.read_unpublished', { councilId })
  const filter = { councilId, ...(q.status ? { status: q.status } : {}) }
  return pageOf(filter, 'createdAt', -1, q.limit, q.cursor)
}

/** Edits the title/description (at least one title language must remain). */
export async function updateVideo(actor: MaybeActor, id: string, patch: UpdateVideoBody, lng: Lang) {
  const doc = validId(id) ? await Video.findById(id).lean<VideoDoc>() : null
  if (!doc || !canSeeVideo(actor, doc)) throw notFound('video')
  assertCan(actor, 'video.upload', { councilId: String(doc.councilId) })
  if (!canEditVideo(actor, doc)) throw forbidden()
  type Texts = { kk?: string | null; ru?: string | null } | null | undefined
  const merge = (old: Texts, change: Record<string, string | null | undefined> | undefined) => {
    const out: Record<string, string> = { ...(old?.kk ? { kk: old.kk } : {}), ...(old?.ru ? { ru: old.ru } : {}) }
    for (const l of ['kk', 'ru'] as const) {
      if (change?.[l] === null) delete out[l]
      else if (change?.[l]) out[l] = change[l]!
    }
    return out
  }
  const title = merge(doc.title, patch.title)
  const description = merge(doc.description, patch.description)
  if (!title.kk && !title.ru) throw validationFailed([{ path: 'body.title', code: 'localized_required' }])
  const updated = await Video.findOneAndUpdate(
    { _id: id, status: doc.status },
    { $set: { title, description, searchTokens: indexTokens(title, description) } },
    { returnDocument: 'after' },
  ).lean<VideoDoc>()
  if (!updated) throw new AppError(409, 'conflict')
  if (updated.status === 'published') await afterVisibilityChange(String(updated.councilId))
  await audit({
    actorId: actor!.id,
    action: 'video.updated',
    target: { kind: 'video', id },
    details: { councilId: String(doc.councilId), title },
  })
  return toDetails(updated, actor, lng)
}

/** Deletes the video and its files: staff always, the uploader's council while it is not published. */
export async function deleteVideo(actor: MaybeActor, id: string): Promise<void> {
  const doc = validId(id)
    ? await Video.findById(id, { councilId: 1, status: 1, title: 1 }).lean<
        Pick<VideoDoc, '_id' | 'councilId' | 'status' | 'title'>
      >()
    : null
  if (!doc || !canSeeVideo(actor, doc)) throw notFound('video')
  assertCan(actor, 'video.delete_unpublished', { councilId: String(doc.councilId) })
  if (!canDeleteVideo(actor, doc)) throw forbidden()
  // Conditional on the status we decided on: a concurrent publication makes this a conflict.
  const res = await Video.deleteOne({ _id: id, status: doc.status })
  if (res.deletedCount !== 1) throw new AppError(409, 'conflict')
  await removeVideoFiles(id)
  if (doc.status === 'published') await afterVisibilityChange(String(doc.councilId))
  await audit({
    actorId: actor!.id,
    action: 'video.deleted',
    target: { kind: 'video', id },
    details: { councilId: String(doc.councilId), status: doc.status, title: doc.title },
  })
}

/** Published videos of a council (council profile stats). */
/** A council profile's published-video count, joined to the council's read (councils/council-stats.ts). */
export const publishedVideoStats: CouncilStatsProvider = {
  from: Video.collection.collectionName,
  pipeline: () => [{ $match: { status: 'published' } }, COUNT_STAGE],
  read: (rows) => ({ videos: countOf(rows) }),
}

/** Videos first published in a period (grant indicator 5: ≥ 10 videos a year). */
export function countPublishedBetween(from: Date, to: Date): Promise<number> {
  return Video.countDocuments({ firstPublishedAt: mongoose.trusted({ $gte: from, $lt: to }) })
}

/** Start-up: the folders of uploads a killed process never committed go (see `sweepUncommittedVideos`). */
export async function removeUncommittedUploads(): Promise<string[]> {
  return sweepUncommittedVideos(async (id) => mongoose.isValidObjectId(id) && Boolean(await Video.exists({ _id: id })))
}
