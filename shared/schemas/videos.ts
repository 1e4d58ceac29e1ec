import { z } from 'zod'
import { Cursor, LimitParam, ObjectIdString } from './common.js'

import { MODERATION_DECISIONS, VIDEO_STATUSES } from '../domain.js'
export {
  MODERATION_ACTIONS,
  MODERATION_DECISIONS,
  MODERATION_MOVES,
  MODERATION_QUEUE_STATUSES,
  VIDEO_STATUSES,
} from '../domain.js'
export type { ModerationAction, ModerationDecision, VideoStatus } from '../domain.js'
export const VideoStatusSchema = z.enum(VIDEO_STATUSES)

/** Why processing failed; the uploader sees `videos:failure.<code>` in their language. */
export const FAILURE_CODES = ['corrupt', 'truncated', 'no_video_stream', 'processing_error'] as const
export type FailureCode = (typeof FAILURE_CODES)[number]

export const TITLE_MAX = 200
export const DESCRIPTION_MAX = 5000
export const REASON_MAX = 2000

const title = z.string().trim().min(1).max(TITLE_MAX)
const description = z.string().trim().max(DESCRIPTION_MAX)

/**
 * The text fields sent with a video (multipart fields `title.kk` … or tus Upload-Metadata keys of
 * the same names). At least one title language; descriptions are optional.
 */
export const VideoUploadFields = z
  .strictObject({
    'title.kk': title.optional(),
    'title.ru': title.optional(),
    'description.kk': description.optional(),
    'description.ru': description.optional(),
  })
  .refine((v) => Boolean(v['title.kk'] || v['title.ru']), { message: 'localized_required', path: ['title'] })
  .transform((v) => ({
    title: { ...(v['title.kk'] ? { kk: v['title.kk'] } : {}), ...(v['title.ru'] ? { ru: v['title.ru'] } : {}) },
    description: {
      ...(v['description.kk'] ? { kk: v['description.kk'] } : {}),
      ...(v['description.ru'] ? { ru: v['description.ru'] } : {}),
    },
  }))
export type VideoUploadFields = z.output<typeof VideoUploadFields>

export const CouncilVideoParams = z.strictObject({ councilId: ObjectIdString })
export const TusParams = z.strictObject({
  councilId: ObjectIdString,
  uploadId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { message: 'invalid_id' })
    .optional(),
})

const query = z.string().trim().max(200)
/** `GET /videos`: published only. */
export const PublicVideoListQuery = z.object({
  council: ObjectIdString.optional(),
  q: query.optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
/** `GET /moderation/videos`: the queue (default: pending_review, oldest first). */
export const ModerationListQuery = z.object({
  status: VideoStatusSchema.default('pending_review'),
  council: ObjectIdString.optional(),
  q: query.optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
/** `GET /councils/:councilId/videos`: a council's own videos in every status (extension). */
export const CouncilVideoListQuery = z.object({
  status: VideoStatusSchema.optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})

/** `PATCH /videos/:id` (extension): new title and/or description; a language set to null is removed. */
const textPatch = (max: number) =>
  z.strictObject({
    kk: z.string().trim().min(1).max(max).nullable().optional(),
    ru: z.string().trim().min(1).max(max).nullable().optional(),
  })
export const UpdateVideoBody = z
  .strictObject({ title: textPatch(TITLE_MAX).optional(), description: textPatch(DESCRIPTION_MAX).optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'empty_update' })
  .meta({ minProperties: 1 })
export type UpdateVideoBody = z.infer<typeof UpdateVideoBody>

export const ApproveBody = z.strictObject({ reason: z.string().trim().max(REASON_MAX).optional() })
export const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(REASON_MAX) })

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })
export const ModerationEntry = z.object({
  by: z.string().describe('Id of the moderator'),
  byName: z.string().nullable().describe('Display name of the moderator at the time (extension)'),
  at: z.string(),
  decision: z.enum(MODERATION_DECISIONS),
  reason: z.string().nullable(),
})

export const VideoSummary = z.object({
  id: z.string(),
  councilId: z.string(),
  title: Localized,
  description: Localized,
  status: VideoStatusSchema,
  durationSec: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  thumbnailUrl: z.string().nullable(),
  hlsUrl: z.string().nullable(),
  views: z.number().describe('Extension: distinct viewers per 24 h window'),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
})
export const VideoDetails = VideoSummary.extend({
  moderation: z.array(ModerationEntry).describe('Full history for the council and moderators; empty for everyone else'),
  sourceUrl: z.string().nullable().describe('Extension: the original file (Range supported)'),
  uploaderId: z.string().nullable().describe('Extension: only for the council and moderators'),
  failure: z
    .object({ code: z.enum(FAILURE_CODES), message: z.string() })
    .nullable()
    .describe('Extension: why processing failed, localized'),
  renditions: z
    .array(z.object({ name: z.string(), width: z.number(), height: z.number(), bandwidth: z.number() }))
    .describe('Extension'),
  processing: z
    .object({ startedAt: z.string().nullable(), finishedAt: z.string().nullable(), attempts: z.number() })
    .nullable()
    .describe('Extension: when the last processing attempt ran (council and moderators only)'),
})
export const VideoPage = z.object({ items: z.array(VideoSummary), nextCursor: z.string().nullable() })
export const UploadAccepted = z.object({ id: z.string(), status: z.literal('processing') })
export type VideoSummary = z.infer<typeof VideoSummary>
export type VideoDetails = z.infer<typeof VideoDetails>
