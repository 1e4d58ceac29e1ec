import { z } from 'zod'
import { Cursor, LimitParam, localizedText, LocalizedText, ObjectIdString, QueryBoolean } from './common.js'

/**
 * Public control: the recommendations councils send to state bodies, the bodies' answers and what
 * became of them, and the per-body scorecard.
 */
export const RECOMMENDATION_STATUSES = ['sent', 'answered'] as const
export const DECISIONS = ['accepted', 'partially', 'rejected'] as const
export const IMPLEMENTATIONS = ['in_progress', 'implemented', 'not_implemented'] as const
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number]
export type Decision = (typeof DECISIONS)[number]
export type Implementation = (typeof IMPLEMENTATIONS)[number]
const IsoDate = z.iso.datetime({ offset: true })

export const CreateRecommendationBody = z.strictObject({
  councilId: ObjectIdString,
  stateBody: localizedText({ max: 300 }),
  text: localizedText({ max: 10000 }),
  sentAt: IsoDate,
  awardId: ObjectIdString.optional(),
  eventId: ObjectIdString.optional(),
})
export type CreateRecommendationBody = z.infer<typeof CreateRecommendationBody>

export const UpdateRecommendationBody = z
  .strictObject({
    response: z
      .strictObject({
        receivedAt: IsoDate,
        text: localizedText({ max: 10000 }),
        decision: z.enum(DECISIONS),
      })
      .optional(),
    implementation: z.enum(IMPLEMENTATIONS).optional(),
    note: z.string().trim().max(5000).optional(),
    version: z.number().int().min(0).optional().describe('Optimistic version: a stale value answers 409 `conflict`'),
  })
  .refine((b) => Boolean(b.response) !== Boolean(b.implementation), {
    message: 'control.response_or_implementation',
    path: ['response'],
  })
  .meta({ oneOf: [{ required: ['response'] }, { required: ['implementation'] }] }) // the refinement, as the document can say it
export type UpdateRecommendationBody = z.infer<typeof UpdateRecommendationBody>

export const RecommendationView = z.object({
  id: z.string(),
  councilId: z.string(),
  councilName: LocalizedText,
  regionId: z.string().nullable(),
  stateBody: LocalizedText,
  text: LocalizedText,
  sentAt: z.string(),
  dueAt: z.string(),
  awardId: z.string().nullable(),
  eventId: z.string().nullable(),
  status: z.enum(RECOMMENDATION_STATUSES),
  /** Unanswered after `dueAt`, or answered after it. */
  overdue: z.boolean(),
  response: z
    .object({ receivedAt: z.string(), text: LocalizedText, decision: z.enum(DECISIONS), onTime: z.boolean() })
    .nullable(),
  implementation: z.object({ status: z.enum(IMPLEMENTATIONS), note: z.string(), at: z.string() }).nullable(),
  version: z.number(),
  createdAt: z.string(),
})
export type RecommendationView = z.infer<typeof RecommendationView>
export const RecommendationPage = z.object({ items: z.array(RecommendationView), nextCursor: z.string().nullable() })

export const RecommendationListQuery = z.object({
  councilId: ObjectIdString.optional(),
  stateBody: z.string().trim().max(300).optional().describe('exact name of the state body (kk or ru)'),
  status: z.enum(RECOMMENDATION_STATUSES).optional(),
  overdue: QueryBoolean.optional(),
  awardId: ObjectIdString.optional(),
  year: z.coerce.number().int().min(2020).max(2100).optional().describe('year of `sentAt` (Almaty)'),
  regionId: ObjectIdString.optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})

export const ScorecardQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100).optional().describe('default: the current year'),
  regionId: ObjectIdString.optional().describe('the region of the recommending council'),
  format: z.enum(['json', 'csv']).default('json'),
})
export const ScorecardRow = z.object({
  stateBody: LocalizedText,
  sent: z.number(),
  answeredOnTime: z.number(),
  answeredLate: z.number(),
  unanswered: z.number(),
  /** Unanswered and past `dueAt` (a part of `unanswered`). */
  overdue: z.number(),
  implemented: z.number(),
})
export type ScorecardRow = z.infer<typeof ScorecardRow>
export const Scorecard = z.object({ year: z.number(), regionId: z.string().nullable(), items: z.array(ScorecardRow) })
