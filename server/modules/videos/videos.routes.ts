import fs from 'node:fs/promises'
import { Router, type NextFunction, type Request, type Response } from 'express'
import { actorOf, authorize } from '../../core/auth/middleware.js'
import { cachePublicResponse } from '../../core/cache.js'
import { currentConfig } from '../../core/config.js'
import { input, parseOrThrow, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import { createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { acceptUpload, VIDEO_TYPES } from '../../core/uploads.js'
import { IdParams } from '../../../shared/schemas/common.js'
import {
  ApproveBody,
  CouncilVideoListQuery,
  CouncilVideoParams,
  ModerationListQuery,
  PublicVideoListQuery,
  ReasonBody,
  TusParams,
  UpdateVideoBody,
  UploadAccepted,
  VideoDetails,
  VideoPage,
  VideoUploadFields,
} from '../../../shared/schemas/videos.js'
import { moderate, moderationQueue } from './videos.moderation.js'
import {
  assertCouncilOpen,
  createVideo,
  deleteVideo,
  getVideo,
  listCouncilVideos,
  listPublished,
  updateVideo,
} from './videos.service.js'
import { VIDEO_CACHE_TAGS } from './videos.hooks.js'
import { tusHandler } from './videos.tus.js'

/** HTTP for videos (API.md "Videos"): translation only; the service and policy decide. */
export const videosRouter = Router()

const councilScope = (req: Request) => ({ councilId: req.params.councilId })
const councilOpen = async (req: Request, _res: Response, next: NextFunction) => {
  await assertCouncilOpen(String(req.params.councilId))
  next()
}
/** Uploads started per user and hour (multipart, and tus creations): a flood stops here, before any byte is stored. */
export const UPLOADS_PER_HOUR = 50
const uploadLimiter = createRateLimiter({ name: 'video_upload', points: UPLOADS_PER_HOUR, durationSec: 3600 })
const limitUploads = (req: Request, res: Response, next: NextFunction) =>
  req.method === 'POST' ? rateLimit(uploadLimiter, (r) => actorOf(r)!.id)(req, res, next) : next()
// Created per request so VIDEO_MAX_BYTES is read from the running configuration.
const receiveVideo = (req: Request, res: Response, next: NextFunction) =>
  acceptUpload({
    field: 'file',
    maxCount: 1,
    maxBytes: currentConfig().videoMaxBytes,
    allowed: VIDEO_TYPES,
    required: true,
    maxFields: 4,
  })(req, res, next)

videosRouter.post(
  '/councils/:councilId/videos',
  validate({ params: CouncilVideoParams }),
  authorize('video.upload', councilScope),
  councilOpen,
  limitUploads,
  receiveVideo,
  async (req: Request, res: Response) => {
    const file = req.uploads![0]
    // The client hanging up before we commit means nothing is kept.
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    try {
      const fields = parseOrThrow(VideoUploadFields, { ...req.body })
      const created = await createVideo(actorOf(req)!, String(req.params.councilId), file, fields, gone.signal)
      res.status(202).location(`/api/v1/videos/${created.id}`).json(created)
    } catch (err) {
      // Refused: the temp file goes before the answer does (acceptUpload would remove it a moment later).
      await fs.rm(file.path, { force: true })
      throw err
    }
  },
)
describeRoute({
  method: 'post',
  path: '/councils/{councilId}/videos',
  tags: ['videos'],
  summary: 'Upload a video (multipart `file` + title/description fields)',
  auth: 'video.upload',
  params: CouncilVideoParams,
  multipart: true,
  response: UploadAccepted,
  status: 202,
  errors: [404, 413, 415, 429],
  description:
    'Streams to disk; type by magic bytes then ffprobe (a video stream is required). Over VIDEO_MAX_BYTES → 413 `upload.too_large`; not a video → 415 `upload.unsupported_type`. Nothing is kept on failure or abort. At most 50 uploads per user and hour (429). Fields: `title.kk`, `title.ru` (one required), `description.kk`, `description.ru`.',
})

// tus resumable uploads: same authorization as above (CSRF applies to POST/PATCH/DELETE).
const tusPath = '/councils/:councilId/videos/tus{/:uploadId}'
videosRouter.options(tusPath, tusHandler)
videosRouter.all(
  tusPath,
  validate({ params: TusParams }),
  authorize('video.upload', councilScope),
  councilOpen,
  limitUploads,
  tusHandler,
)
for (const method of ['post', 'patch'] as const)
  describeRoute({
    method,
    path: method === 'post' ? '/councils/{councilId}/videos/tus' : '/councils/{councilId}/videos/tus/{uploadId}',
    tags: ['videos'],
    auth: 'video.upload',
    params: TusParams,
    summary:
      method === 'post'
        ? 'Create a resumable upload (tus 1.0; Upload-Metadata `title.kk` …)'
        : 'Append to a resumable upload (tus 1.0; also HEAD for the offset, DELETE to cancel)',
    status: method === 'post' ? 201 : 204,
    errors: [404, 409, 413, 415],
    description:
      'The tus protocol (creation, creation-with-upload, termination, expiration: 24 h). When the last byte arrives the file is checked like a multipart upload and the response carries `X-Video-Id`.',
  })

videosRouter.get('/videos', validate({ query: PublicVideoListQuery }), async (req: Request, res: Response) => {
  cachePublicResponse(res, VIDEO_CACHE_TAGS)
  res.json(await listPublished(input(req, 'query', PublicVideoListQuery)))
})
describeRoute({
  method: 'get',
  path: '/videos',
  tags: ['videos'],
  summary: 'Published videos, newest first; `council`, kk/ru search `q`',
  query: PublicVideoListQuery,
  response: VideoPage,
})

videosRouter.get(
  '/councils/:councilId/videos',
  validate({ params: CouncilVideoParams, query: CouncilVideoListQuery }),
  authorize('video.read_unpublished', councilScope),
  async (req: Request, res: Response) => {
    res.json(
      await listCouncilVideos(actorOf(req), String(req.params.councilId), input(req, 'query', CouncilVideoListQuery)),
    )
  },
)
describeRoute({
  method: 'get',
  path: '/councils/{councilId}/videos',
  tags: ['videos'],
  summary: "Extension: a council's own videos in every status",
  auth: 'video.read_unpublished',
  params: CouncilVideoParams,
  query: CouncilVideoListQuery,
  response: VideoPage,
})

videosRouter.get(
  '/moderation/videos',
  validate({ query: ModerationListQuery }),
  authorize('video.moderate'),
  async (req: Request, res: Response) => {
    res.json(await moderationQueue(actorOf(req), input(req, 'query', ModerationListQuery)))
  },
)
describeRoute({
  method: 'get',
  path: '/moderation/videos',
  tags: ['videos'],
  summary: 'Moderation queue (default `pending_review`, oldest first)',
  auth: 'video.moderate',
  query: ModerationListQuery,
  response: VideoPage,
})

videosRouter.get('/videos/:id', validate({ params: IdParams }), async (req: Request, res: Response) => {
  const video = await getVideo(actorOf(req), String(req.params.id), req.lng)
  // Only published videos are public answers (the cache keeps nothing for signed-in requests anyway).
  if (video.status === 'published') cachePublicResponse(res, VIDEO_CACHE_TAGS)
  res.json(video)
})
describeRoute({
  method: 'get',
  path: '/videos/{id}',
  tags: ['videos'],
  summary: 'A video (unpublished: its council and moderators; 404 for others)',
  params: IdParams,
  response: VideoDetails,
  errors: [404],
})

videosRouter.post(
  '/videos/:id/approve',
  validate({ params: IdParams, body: ApproveBody }),
  authorize('video.moderate'),
  async (req: Request, res: Response) => {
    res.json(
      await moderate(actorOf(req), String(req.params.id), 'approve', input(req, 'body', ApproveBody).reason, req.lng),
    )
  },
)
videosRouter.post(
  '/videos/:id/reject',
  validate({ params: IdParams, body: ReasonBody }),
  authorize('video.moderate'),
  async (req: Request, res: Response) => {
    res.json(
      await moderate(actorOf(req), String(req.params.id), 'reject', input(req, 'body', ReasonBody).reason, req.lng),
    )
  },
)
videosRouter.post(
  '/videos/:id/unpublish',
  validate({ params: IdParams, body: ReasonBody }),
  authorize('video.moderate'),
  async (req: Request, res: Response) => {
    res.json(
      await moderate(actorOf(req), String(req.params.id), 'unpublish', input(req, 'body', ReasonBody).reason, req.lng),
    )
  },
)
describeRoute({
  method: 'post',
  path: '/videos/{id}/approve',
  tags: ['videos'],
  summary: 'Publish: `pending_review` → `published`, or re-publish from `unpublished`',
  auth: 'video.moderate',
  params: IdParams,
  body: ApproveBody,
  response: VideoDetails,
  errors: [404, 409],
})
describeRoute({
  method: 'post',
  path: '/videos/{id}/reject',
  tags: ['videos'],
  summary: '`pending_review` → `rejected` (reason required)',
  auth: 'video.moderate',
  params: IdParams,
  body: ReasonBody,
  response: VideoDetails,
  errors: [404, 409],
})
describeRoute({
  method: 'post',
  path: '/videos/{id}/unpublish',
  tags: ['videos'],
  summary: '`published` → `unpublished` (reason required)',
  auth: 'video.moderate',
  params: IdParams,
  body: ReasonBody,
  response: VideoDetails,
  errors: [404, 409],
})

videosRouter.patch(
  '/videos/:id',
  validate({ params: IdParams, body: UpdateVideoBody }),
  async (req: Request, res: Response) => {
    res.json(await updateVideo(actorOf(req), String(req.params.id), input(req, 'body', UpdateVideoBody), req.lng))
  },
)
describeRoute({
  method: 'patch',
  path: '/videos/{id}',
  tags: ['videos'],
  summary: 'Extension: edit title/description (its council while not published; moderators always)',
  auth: 'video.upload',
  params: IdParams,
  body: UpdateVideoBody,
  response: VideoDetails,
  errors: [404, 409],
})

videosRouter.delete('/videos/:id', validate({ params: IdParams }), async (req: Request, res: Response) => {
  await deleteVideo(actorOf(req), String(req.params.id))
  res.status(204).end()
})
describeRoute({
  method: 'delete',
  path: '/videos/{id}',
  tags: ['videos'],
  summary: 'Delete a video and its files (its council while not published; moderators always)',
  auth: 'video.delete_unpublished',
  params: IdParams,
  status: 204,
  errors: [404, 409],
})
