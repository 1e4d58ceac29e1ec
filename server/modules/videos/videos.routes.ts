import fs from 'node:fs/promises'
import { Router, type NextFunction, type Request, type Response } from 'express'
import { actorOf } from '../../core/auth/middleware.js'
import { cachePublicResponse } from '../../core/cache.js'
import { currentConfig } from '../../core/config.js'
import { parseOrThrow } from '../../core/http.js'
import { createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
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
  videoScope,
} from './videos.service.js'
import { VIDEO_CACHE_TAGS } from './videos.hooks.js'
import { handleTus } from './videos.tus.js'

/** HTTP for videos (API.md "Videos"): translation only; the service and policy decide. */
export const videosRouter = Router()
const tags = ['videos']

const councilScope = ({ params }: { params: { councilId: string } }) => ({ councilId: params.councilId })
const ofVideo = ({ params, req }: { params: { id: string }; req: Request }) => videoScope(actorOf(req), params.id)
/** A guest gets 404, not 401, for a video it may not see: as for anyone else, its existence does not leak. */
const hiddenFromGuests = async (req: Request, _res: Response, next: NextFunction) => {
  if (!req.user) await videoScope(null, String(req.params.id))
  next()
}
const councilOpen = async (req: Request, _res: Response, next: NextFunction) => {
  await assertCouncilOpen(String(req.params.councilId))
  next()
}
/** Uploads started per user and hour (multipart, and tus creations): a flood stops here, before any byte is stored. */
export const UPLOADS_PER_HOUR = 50
const uploadLimiter = createRateLimiter({ name: 'video_upload', points: UPLOADS_PER_HOUR, durationSec: 3600 })
const limitUploads = rateLimit(uploadLimiter, (r) => actorOf(r)!.id)
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

route(
  videosRouter,
  {
    method: 'post',
    path: '/councils/{councilId}/videos',
    tags,
    summary: 'Upload a video (multipart `file` + title/description fields)',
    auth: 'video.upload',
    scope: councilScope,
    params: CouncilVideoParams,
    use: [councilOpen, limitUploads, receiveVideo],
    multipart: true,
    response: UploadAccepted,
    status: 202,
    errors: [404, 413, 415, 429],
    description:
      'Streams to disk; type by magic bytes then ffprobe (a video stream is required). Over VIDEO_MAX_BYTES → 413 `upload.too_large`; not a video → 415 `upload.unsupported_type`. Nothing is kept on failure or abort. At most 50 uploads per user and hour (429). Fields: `title.kk`, `title.ru` (one required), `description.kk`, `description.ru`.',
  },
  async ({ actor, params, req, res }) => {
    const file = req.uploads![0]
    // The client hanging up before we commit means nothing is kept.
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    try {
      // Parsed here, not by `body`: a refused upload's temp file goes before the answer does.
      const fields = parseOrThrow(VideoUploadFields, { ...req.body })
      const created = await createVideo(actor, params.councilId, file, fields, gone.signal)
      res.location(`/api/v1/videos/${created.id}`)
      return created
    } catch (err) {
      await fs.rm(file.path, { force: true })
      throw err
    }
  },
)

// tus resumable uploads: authorized like the multipart upload (CSRF applies to POST/PATCH/DELETE).
// The protocol's HEAD, DELETE, GET and OPTIONS are described on the PATCH entry.
const tus = '/councils/{councilId}/videos/tus'
const upload = `${tus}/{uploadId}`
const tusDescription =
  'The tus protocol (creation, creation-with-upload, termination, expiration: 24 h). When the last byte arrives the file is checked like a multipart upload and the response carries `X-Video-Id`.'
const tusRequest = { tags, auth: 'video.upload', scope: councilScope, params: TusParams } as const
const tusHandler = ({ req, res }: { req: Request; res: Response }) => handleTus(req, res)

for (const path of [tus, upload])
  route(
    videosRouter,
    { method: 'options', path, tags, summary: 'tus capabilities (CORS preflight)', auth: 'public', openapi: false },
    tusHandler,
  )
route(
  videosRouter,
  {
    ...tusRequest,
    method: 'post',
    path: tus,
    summary: 'Create a resumable upload (tus 1.0; Upload-Metadata `title.kk` …)',
    use: [councilOpen, limitUploads],
    status: 201,
    errors: [400, 404, 409, 413, 415, 429],
    description: tusDescription,
  },
  tusHandler,
)
route(
  videosRouter,
  {
    ...tusRequest,
    method: 'patch',
    path: upload,
    summary: 'Append to a resumable upload (tus 1.0; also HEAD for the offset, DELETE to cancel)',
    use: [councilOpen],
    status: 204,
    errors: [404, 409, 413, 415],
    description: tusDescription,
  },
  tusHandler,
)
for (const [method, summary] of [
  ['head', 'The offset of a resumable upload (tus 1.0)'],
  ['delete', 'Cancel a resumable upload (tus 1.0 termination)'],
  ['get', 'The bytes of an unfinished upload, for its uploader (tus)'],
] as const)
  route(videosRouter, { ...tusRequest, method, path: upload, summary, use: [councilOpen], openapi: false }, tusHandler)

route(
  videosRouter,
  {
    method: 'get',
    path: '/videos',
    tags,
    summary: 'Published videos, newest first; `council`, kk/ru search `q`',
    auth: 'public',
    query: PublicVideoListQuery,
    response: VideoPage,
  },
  ({ query, res }) => {
    cachePublicResponse(res, VIDEO_CACHE_TAGS)
    return listPublished(query)
  },
)

route(
  videosRouter,
  {
    method: 'get',
    path: '/councils/{councilId}/videos',
    tags,
    summary: "Extension: a council's own videos in every status",
    auth: 'video.read_unpublished',
    scope: councilScope,
    params: CouncilVideoParams,
    query: CouncilVideoListQuery,
    response: VideoPage,
  },
  ({ actor, params, query }) => listCouncilVideos(actor, params.councilId, query),
)

route(
  videosRouter,
  {
    method: 'get',
    path: '/moderation/videos',
    tags,
    summary: 'Moderation queue (default `pending_review`, oldest first)',
    auth: 'video.moderate',
    query: ModerationListQuery,
    response: VideoPage,
  },
  ({ actor, query }) => moderationQueue(actor, query),
)

route(
  videosRouter,
  {
    method: 'get',
    path: '/videos/{id}',
    tags,
    summary: 'A video (unpublished: its council and moderators; 404 for others)',
    auth: 'public',
    params: IdParams,
    response: VideoDetails,
    errors: [404],
  },
  async ({ actor, params, req, res }) => {
    const video = await getVideo(actor, params.id, req.lng)
    // Only published videos are public answers (the cache keeps nothing for signed-in requests anyway).
    if (video.status === 'published') cachePublicResponse(res, VIDEO_CACHE_TAGS)
    return video
  },
)

for (const [action, body, summary] of [
  ['approve', ApproveBody, 'Publish: `pending_review` → `published`, or re-publish from `unpublished`'],
  ['reject', ReasonBody, '`pending_review` → `rejected` (reason required)'],
  ['unpublish', ReasonBody, '`published` → `unpublished` (reason required)'],
] as const)
  route(
    videosRouter,
    {
      method: 'post',
      path: `/videos/{id}/${action}`,
      tags,
      summary,
      auth: 'video.moderate',
      params: IdParams,
      body,
      response: VideoDetails,
      errors: [404, 409],
    },
    ({ actor, params, body, req }) => moderate(actor, params.id, action, body.reason, req.lng),
  )

route(
  videosRouter,
  {
    method: 'patch',
    path: '/videos/{id}',
    tags,
    summary: 'Extension: edit title/description (its council while not published; moderators always)',
    auth: 'video.upload',
    scope: ofVideo,
    before: [hiddenFromGuests],
    params: IdParams,
    body: UpdateVideoBody,
    response: VideoDetails,
    errors: [404, 409],
  },
  ({ actor, params, body, req }) => updateVideo(actor, params.id, body, req.lng),
)

route(
  videosRouter,
  {
    method: 'delete',
    path: '/videos/{id}',
    tags,
    summary: 'Delete a video and its files (its council while not published; moderators always)',
    auth: 'video.delete_unpublished',
    scope: ofVideo,
    before: [hiddenFromGuests],
    params: IdParams,
    status: 204,
    errors: [404, 409],
  },
  async ({ actor, params }) => {
    await deleteVideo(actor, params.id)
  },
)
