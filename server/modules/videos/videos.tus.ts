import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { Request, Response } from 'express'
import { FileStore } from '@tus/file-store'
import { Server as TusServer, type Upload } from '@tus/server'
import { actorOf } from '../../core/auth/middleware.js'
import type { Config } from '../../core/config.js'
import { AppError, notFound, validationFailed } from '../../core/errors.js'
import { zodIssuesToFieldErrors } from '../../core/http.js'
import { log } from '../../core/logger.js'
import type { Actor } from '../../core/policy.js'
import { formatBytes, tmpName, VIDEO_TYPES } from '../../core/uploads.js'
import { fileTypeFromFile } from 'file-type'
import { VideoUploadFields } from '../../../shared/schemas/videos.js'
import { createVideo, findVideoOfTusUpload } from './videos.service.js'
import { RedisLocker } from './videos.tus-lock.js'

/**
 * Resumable uploads (tus 1.0 via @tus/server + @tus/file-store) at
 * `/api/v1/councils/:councilId/videos/tus[/:uploadId]`. The Express chain in front (session,
 * CSRF on POST/PATCH/DELETE, `video.upload` for the council) authorizes every request exactly like
 * the multipart upload; an upload belongs to the user and council that created it (anyone else gets
 * 404). Titles travel as Upload-Metadata (`title.kk`, …). The finished file goes through the same
 * `createVideo` (sniff, ffprobe, job) and the response carries `X-Video-Id`. Unfinished uploads
 * expire after a day and are swept by the `videos.tus_cleanup` job.
 *
 * The upload's files (data and `.json` info) are read from UPLOADS_DIR on every request, so any
 * process sharing that directory can continue an upload another one created. The upload lock is
 * per process (tus's MemoryLocker) without REDIS_URL and shared through Redis with it
 * (videos.tus-lock.ts): then several processes need no sticky routing of /videos/tus.
 */
export const TUS_EXPIRY_MS = 24 * 3600 * 1000
const CLIENT_KEYS = new Set([
  'title.kk',
  'title.ru',
  'description.kk',
  'description.ru',
  'filename',
  'filetype',
  'name',
  'type',
  'relativePath',
])

interface Ctx {
  actor: Actor
  councilId: string
  error?: AppError
  signal: AbortSignal
  /** The upload became a video: its tus files are removed before the answer goes out. */
  finished?: string
}
const contexts = new WeakMap<globalThis.Request, Ctx>()
let tus: TusServer | undefined
let sharedLocker: RedisLocker | undefined

export function tusDir(config: Config): string {
  return path.join(config.uploadsDir, '.tus')
}

const fieldsOf = (meta: Record<string, string | null> | undefined) =>
  Object.fromEntries(
    Object.entries(meta ?? {}).filter(
      ([k, v]) => k.startsWith('title.') || (k.startsWith('description.') && v !== null),
    ),
  )

/** Builds the tus server for this configuration (called by the module's start). */
export async function createTusServer(config: Config): Promise<TusServer> {
  await closeTusServer()
  if (config.redisUrl)
    sharedLocker = await RedisLocker.connect({ url: config.redisUrl, prefix: `kenes:${config.mongodbDb}:tus-lock` })
  const datastore = new FileStore({ directory: tusDir(config), expirationPeriodInMilliseconds: TUS_EXPIRY_MS })
  tus = new TusServer({
    path: '/api/v1/councils/videos/tus',
    datastore,
    maxSize: () => config.videoMaxBytes,
    locker: sharedLocker ?? (undefined as never), // without Redis: the default MemoryLocker
    respectForwardedHeaders: false,
    generateUrl: (req, { id }) => `/api/v1/councils/${contexts.get(req)?.councilId}/videos/tus/${id}`,
    getFileIdFromRequest: (_req, last) => (last && /^[0-9a-f]{32}$/.test(last) ? last : undefined),
    async onUploadCreate(req, upload) {
      const ctx = contexts.get(req)!
      const meta = upload.metadata ?? {}
      const unknown = Object.keys(meta).filter((k) => !CLIENT_KEYS.has(k))
      const parsed = VideoUploadFields.safeParse(fieldsOf(meta))
      if (unknown.length || !parsed.success) {
        ctx.error = validationFailed([
          ...unknown.map((k) => ({ path: `metadata.${k}`, code: 'unrecognized_keys', params: { keys: k } })),
          ...(parsed.success ? [] : zodIssuesToFieldErrors(parsed.error.issues, 'metadata')),
        ])
        throw { status_code: 400, body: 'invalid metadata' }
      }
      return { metadata: { ...meta, kenesCouncilId: ctx.councilId, kenesUserId: ctx.actor.id } }
    },
    async onIncomingRequest(req, id) {
      const ctx = contexts.get(req)!
      if (req.method === 'POST' || req.method === 'OPTIONS') return
      let upload: Upload
      try {
        upload = await datastore.getUpload(id)
      } catch {
        return // tus answers 404/410 itself
      }
      if (upload.metadata?.kenesUserId !== ctx.actor.id || upload.metadata?.kenesCouncilId !== ctx.councilId) {
        ctx.error = notFound()
        throw { status_code: 404, body: 'not found' }
      }
    },
    async onUploadFinish(req, upload) {
      const ctx = contexts.get(req)!
      const file = path.join(datastore.directory, upload.id)
      // tus still reads the upload after this hook (creation-with-upload), so the video gets a hard
      // link (same filesystem: no copy) and the upload's own files go once tus has answered.
      const linked = path.join(config.uploadsTmpDir, tmpName('tus'))
      try {
        await fs.mkdir(config.uploadsTmpDir, { recursive: true })
        await fs.link(file, linked)
        const type = await fileTypeFromFile(file)
        if (!type || !(VIDEO_TYPES as readonly string[]).includes(type.mime))
          throw new AppError(415, 'upload.unsupported_type', { allowed: 'mp4, mov, webm, mkv, avi, mpeg, 3gp' })
        const fields = VideoUploadFields.parse(fieldsOf(upload.metadata))
        const name = upload.metadata?.filename ?? upload.metadata?.name ?? null
        const video = await createVideo(
          ctx.actor,
          ctx.councilId,
          {
            path: linked,
            size: upload.offset,
            mime: type.mime,
            ext: type.ext,
            originalName: name,
            tusUploadId: upload.id,
          },
          fields,
          ctx.signal,
        )
        ctx.finished = upload.id
        return {
          headers: {
            'X-Video-Id': video.id,
            'X-Video-Status': video.status,
            'Access-Control-Expose-Headers': 'X-Video-Id, X-Video-Status',
          },
        }
      } catch (err) {
        // Refused or failed: the received bytes go, as with a multipart upload.
        await Promise.all([removeUpload(datastore, upload.id), fs.rm(linked, { force: true })])
        ctx.error = err instanceof AppError ? err : undefined
        if (!ctx.error) log.error({ err, uploadId: upload.id }, 'tus upload could not be turned into a video')
        throw { status_code: ctx.error?.status ?? 500, body: 'rejected' }
      }
    },
  })
  return tus
}

/** Closes the shared lock's Redis clients (the module's stop). */
export async function closeTusServer(): Promise<void> {
  const locker = sharedLocker
  sharedLocker = undefined
  tus = undefined
  await locker?.close()
}

async function removeUpload(store: FileStore, id: string): Promise<void> {
  await Promise.all([
    fs.rm(path.join(store.directory, id), { force: true }),
    fs.rm(path.join(store.directory, `${id}.json`), { force: true }),
  ])
}

/** Removes unfinished uploads older than TUS_EXPIRY_MS (run by the `videos.tus_cleanup` job). */
export async function cleanupExpiredTusUploads(): Promise<number> {
  return tus ? tus.cleanUpExpiredUploads() : 0
}

/**
 * The end of the declared tus routes (videos.routes.ts): hands the request to tus, answers with its
 * response, and throws its errors as problem+json.
 */
export async function handleTus(req: Request, res: Response): Promise<void> {
  if (!tus) throw new AppError(503, 'service.unavailable')
  const abort = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) abort.abort()
  })
  if (req.method === 'HEAD' && (await answerFinished(req, res))) return
  // tus bodies are raw bytes: a PATCH of anything else is refused (tus: 415), and a body a JSON or
  // form parser has already read cannot be streamed to tus again (a creation then carries no data).
  if (req.method === 'PATCH' && !req.is('application/offset+octet-stream'))
    throw new AppError(415, 'upload.unsupported_type', { allowed: 'application/offset+octet-stream' })
  const consumed = req.readableEnded || (req as { _body?: boolean })._body === true
  const hasBody = (req.method === 'POST' || req.method === 'PATCH') && !consumed
  const request = new globalThis.Request(new URL(req.originalUrl, `http://${req.headers.host ?? 'localhost'}`), {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) =>
      v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]],
    ),
    body: hasBody ? (Readable.toWeb(req) as unknown as ReadableStream) : null,
    duplex: 'half',
  } as RequestInit)
  // Lets tus end a write gracefully (keeping what arrived) when the client drops the connection.
  Object.assign(request, { runtime: { name: 'node', node: { req, res } } })
  contexts.set(request, { actor: actorOf(req)!, councilId: String(req.params.councilId), signal: abort.signal })
  const response = await tus.handleWeb(request as never)
  const ctx = contexts.get(request)!
  if (ctx.finished) await removeUpload(tus.datastore as FileStore, ctx.finished)
  response.headers.forEach((value, key) => {
    if (key !== 'content-length' && key !== 'content-type') res.setHeader(key, value)
  })
  if (response.status >= 400) {
    const text = await response.text()
    throw ctx.error ?? tusError(response.status, text)
  }
  res.status(response.status)
  const body = Buffer.from(await response.arrayBuffer())
  if (body.length) res.setHeader('Content-Type', response.headers.get('content-type') ?? 'text/plain')
  res.end(body)
}

/**
 * HEAD for an upload that already became a video (its files are gone): on a flaky connection the
 * response to the last PATCH can be lost, and the client must learn that it is complete (and which
 * video it is) instead of uploading everything again.
 */
async function answerFinished(req: Request, res: Response): Promise<boolean> {
  const id = req.params.uploadId
  if (typeof id !== 'string' || !tus) return false
  const info = path.join((tus.datastore as FileStore).directory, `${id}.json`)
  if (
    await fs.access(info).then(
      () => true,
      () => false,
    )
  )
    return false
  const video = await findVideoOfTusUpload(actorOf(req)!.id, String(req.params.councilId), id)
  if (!video) return false
  res
    .status(200)
    .set({
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': String(video.size),
      'Upload-Length': String(video.size),
      'Cache-Control': 'no-store',
      'X-Video-Id': video.id,
      'X-Video-Status': video.status,
      'Access-Control-Expose-Headers': 'Upload-Offset, Upload-Length, X-Video-Id, X-Video-Status',
    })
    .end()
  return true
}

function tusError(status: number, text: string): AppError {
  if (status === 413) return new AppError(413, 'upload.too_large', { limit: formatBytes(tusLimit()) })
  if (status === 404 || status === 410) return notFound()
  if (status === 409) return new AppError(409, 'conflict')
  if (status === 412 || status === 400 || status === 415)
    return new AppError(400, 'validation.failed', {}, [
      { path: 'headers', code: 'invalid_value', message: text.trim().slice(0, 200) },
    ])
  return new AppError(status >= 500 ? 500 : status, status >= 500 ? 'server.error' : 'videos.tus_rejected', {
    detail: text.trim().slice(0, 200),
  })
}

const tusLimit = () => (tus?.options.maxSize as (() => number) | undefined)?.() ?? 0
