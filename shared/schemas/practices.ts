import { z } from 'zod'
import { Cursor, LimitParam, localizedText, ObjectIdString } from './common.js'

/** Best practices of councils and the yearly compendium (API.md "Best practices and the yearly compendium"). */
export const PRACTICE_STATUSES = ['proposed', 'approved', 'rejected'] as const
export const PRACTICE_SOURCE_KINDS = ['news', 'event', 'award'] as const
export const PRACTICE_MAX_IMAGES = 4
export const PRACTICE_IMAGE_MAX_BYTES = 5 * 1024 * 1024

const Year = z.coerce.number().int().min(2020).max(2100)

export const CreatePractice = z.strictObject({
  councilId: ObjectIdString,
  year: Year,
  title: localizedText({ max: 200 }),
  summary: localizedText({ max: 3000 }),
  source: z.strictObject({ kind: z.enum(PRACTICE_SOURCE_KINDS), id: ObjectIdString }).optional(),
})
export type CreatePractice = z.infer<typeof CreatePractice>

export const ModeratePractice = z
  .strictObject({
    status: z.enum(['approved', 'rejected']),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .refine((b) => b.status !== 'rejected' || Boolean(b.reason), { message: 'reason_required', path: ['reason'] })
export type ModeratePractice = z.infer<typeof ModeratePractice>

export const PracticeParams = z.strictObject({ id: ObjectIdString })
export const PracticeListQuery = z.object({
  limit: LimitParam,
  cursor: Cursor.optional(),
  year: Year.optional(),
  regionId: z
    .union([ObjectIdString, z.literal('republican')])
    .optional()
    .describe('A region id, or `republican` for republic-level councils'),
  councilId: ObjectIdString.optional(),
  status: z
    .enum(PRACTICE_STATUSES)
    .optional()
    .describe(
      'Extension: `proposed`/`rejected` for moderators (and a council’s own members with `councilId`); default `approved`',
    ),
})
export type PracticeListQuery = z.infer<typeof PracticeListQuery>

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })
export const PracticeView = z.object({
  id: z.string(),
  councilId: z.string(),
  councilName: Localized,
  regionId: z.string().nullable(),
  year: z.number(),
  title: Localized,
  summary: Localized,
  source: z.object({ kind: z.enum(PRACTICE_SOURCE_KINDS), id: z.string() }).nullable(),
  images: z.array(z.object({ id: z.string(), url: z.string() })),
  status: z.enum(PRACTICE_STATUSES),
  moderation: z.array(
    z.object({ at: z.string(), decision: z.enum(['approved', 'rejected']), reason: z.string().nullable() }),
  ),
  createdAt: z.string(),
  approvedAt: z.string().nullable(),
})
export type PracticeView = z.infer<typeof PracticeView>
export const PracticePage = z.object({ items: z.array(PracticeView), nextCursor: z.string().nullable() })

export const CompendiumBody = z.strictObject({ year: Year })
export const CompendiumParams = z.strictObject({ year: Year })
/** `lng` is the request language (`kk`/`ru`; any other value falls back like everywhere else). */
export const CompendiumFileQuery = z.object({ lng: z.string().optional() })
export const CompendiumStatus = z.object({
  year: z.number(),
  status: z.enum(['none', 'queued', 'running', 'done', 'failed']),
  progress: z.number().describe('0..100 of the current run'),
  jobId: z.string().nullable(),
  files: z.array(
    z.object({
      lng: z.enum(['kk', 'ru']),
      url: z.string(),
      generatedAt: z.string(),
      pages: z.number(),
      practices: z.number(),
    }),
  ),
  error: z.string().nullable(),
})
export type CompendiumStatus = z.infer<typeof CompendiumStatus>
