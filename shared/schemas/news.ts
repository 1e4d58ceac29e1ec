import { z } from 'zod'
import { Cursor, LimitParam, localizedText, ObjectIdString } from './common.js'

import { NEWS_STATUSES } from '../domain.js'
export { NEWS_STATUSES } from '../domain.js'
export type { NewsStatus } from '../domain.js'
export const MAX_TAGS = 10

/** Tags are stored normalized: lowercase, no '#', inner spaces as '-', letters/digits/'-' only. */
export function normalizeTag(raw: string): string {
  return raw
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/^#+/, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/[^\p{L}\p{N}-]/gu, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
}
const Tag = z
  .string()
  .max(50)
  .transform(normalizeTag)
  .refine((t) => t.length >= 1, { message: 'invalid_tag' })
const Tags = z
  .array(Tag)
  .max(MAX_TAGS)
  .transform((tags) => [...new Set(tags)])

const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s))

export const CreateNews = z
  .strictObject({
    title: localizedText({ min: 3, max: 300 }),
    summary: localizedText({ max: 1000 }).optional(),
    body: localizedText({ max: 200_000 }),
    tags: Tags.optional(),
    status: z.enum(['draft', 'published', 'scheduled']),
    publishAt: Instant.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status === 'scheduled' && !v.publishAt)
      ctx.addIssue({ code: 'custom', path: ['publishAt'], message: 'publish_at_required' })
    if (v.status === 'scheduled' && v.publishAt instanceof Date && v.publishAt.getTime() <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['publishAt'], message: 'publish_at_past' })
  })
export type CreateNews = z.infer<typeof CreateNews>

export const UpdateNews = z
  .strictObject({
    title: localizedText({ min: 3, max: 300 }),
    summary: localizedText({ max: 1000 }).nullable(),
    body: localizedText({ max: 200_000 }),
    tags: Tags,
    status: z.enum(NEWS_STATUSES),
    publishAt: Instant.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'empty_update' })
  .meta({ minProperties: 1 })
  .superRefine((v, ctx) => {
    if (v.status === 'scheduled' && v.publishAt instanceof Date && v.publishAt.getTime() <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['publishAt'], message: 'publish_at_past' })
  })
export type UpdateNews = z.infer<typeof UpdateNews>

export const NewsRef = z
  .string()
  .regex(/^(?:[0-9a-f]{24}|[a-z0-9]+(?:-[a-z0-9]+)*)$/, { message: 'invalid_id' })
  .max(160)
/** `/news/{id}`: one parameter name per path position, whatever the operation accepts there. */
export const NewsRefParams = z.strictObject({ id: NewsRef.describe("The news item's id or its slug") })
export const NewsIdParams = z.strictObject({ id: ObjectIdString })
export const CouncilNewsParams = z.strictObject({ councilId: ObjectIdString })

const CouncilFilter = z
  .string()
  .trim()
  .regex(/^(?:[0-9a-f]{24}|[a-z0-9]+(?:-[a-z0-9]+)*)$/, { message: 'invalid_id' })
  .max(120)
/** GET /news. Unknown query keys are ignored, like every list. */
export const NewsListQuery = z.object({
  council: CouncilFilter.optional(),
  region: z
    .string()
    .trim()
    .regex(/^(?:[0-9a-fA-F]{24}|KZ-[A-Z0-9]{1,4})$/i, { message: 'invalid_region' })
    .optional(),
  tag: z.string().max(50).transform(normalizeTag).optional(),
  q: z.string().trim().max(200).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type NewsListQuery = z.infer<typeof NewsListQuery>
export const NewsFeedQuery = z.object({ council: CouncilFilter.optional() })

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })
export const NewsListItem = z.object({
  id: z.string(),
  slug: z.string(),
  councilId: z.string(),
  title: Localized,
  summary: Localized.nullable(),
  coverUrl: z.string().nullable(),
  tags: z.array(z.string()),
  publishedAt: z.string().nullable(),
})
export const NewsItem = NewsListItem.extend({
  body: Localized,
  status: z.enum(NEWS_STATUSES),
  publishAt: z.string().nullable(),
  authorId: z.string().nullable(),
  views: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export const NewsPage = z.object({ items: z.array(NewsListItem), nextCursor: z.string().nullable() })

/** GET /councils/:councilId/news (extension): the council's own articles in any status. */
export const CouncilNewsListQuery = z.object({
  status: z.enum(NEWS_STATUSES).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type CouncilNewsListQuery = z.infer<typeof CouncilNewsListQuery>
export const CouncilNewsListItem = NewsListItem.extend({
  status: z.enum(NEWS_STATUSES),
  publishAt: z.string().nullable(),
  updatedAt: z.string(),
})
export const CouncilNewsPage = z.object({ items: z.array(CouncilNewsListItem), nextCursor: z.string().nullable() })
export { ObjectIdString }
