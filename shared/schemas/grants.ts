import { z } from 'zod'
import { Cursor, LimitParam, localizedText, LocalizedText, ObjectIdString } from './common.js'

/**
 * Small grants for public control: calls, applications, reviews, awards and reports.
 * Money is always an integer number of tiyn (1 ₸ = 100 tiyn); no float ever reaches the database.
 */
export const CALL_STATUSES = ['draft', 'published', 'closed'] as const
export const APPLICATION_STATUSES = ['draft', 'submitted', 'withdrawn', 'awarded'] as const
export const AWARD_STATUSES = ['active', 'completed'] as const
export const REPORT_STATUSES = ['submitted', 'accepted', 'returned'] as const
export const REPORT_KINDS = ['interim', 'final'] as const
export type CallStatus = (typeof CALL_STATUSES)[number]
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number]
export type AwardStatus = (typeof AWARD_STATUSES)[number]
export type ReportStatus = (typeof REPORT_STATUSES)[number]

/** The largest amount we accept anywhere: 10 billion ₸ (still far below 2^53 tiyn). */
export const MAX_TIYN = 1_000_000_000_000
export const Tiyn = z.number().int().min(0).max(MAX_TIYN)
export const PositiveTiyn = z.number().int().min(1).max(MAX_TIYN)
const IsoDate = z.iso.datetime({ offset: true })
const Version = z.number().int().min(0).describe('Optimistic version: a stale value answers 409 `conflict`')

export const Criterion = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
  title: LocalizedText,
  weight: z.number().int().min(1).max(100),
})

const callFields = {
  year: z.number().int().min(2020).max(2100),
  title: localizedText({ max: 200 }),
  description: localizedText({ max: 5000 }),
  grantsCount: z.number().int().min(1).max(1000),
  maxAmountTiyn: PositiveTiyn,
  budgetTiyn: PositiveTiyn,
  opensAt: IsoDate,
  closesAt: IsoDate,
  criteria: z.array(Criterion).min(1).max(20),
  expertIds: z.array(ObjectIdString).max(50),
}
const uniqueKeys = (c: { criteria?: { key: string }[] }) =>
  !c.criteria || new Set(c.criteria.map((k) => k.key)).size === c.criteria.length
const datesInOrder = (c: { opensAt?: string; closesAt?: string }) =>
  !c.opensAt || !c.closesAt || Date.parse(c.opensAt) < Date.parse(c.closesAt)

export const CreateCallBody = z
  .strictObject(callFields)
  .refine(uniqueKeys, { path: ['criteria'], message: 'grants.duplicate_key' })
  .refine(datesInOrder, { path: ['closesAt'], message: 'grants.before_opens_at' })
  .refine((c) => c.maxAmountTiyn <= c.budgetTiyn, { path: ['maxAmountTiyn'], message: 'grants.over_budget' })
export type CreateCallBody = z.infer<typeof CreateCallBody>

export const UpdateCallBody = z
  .strictObject({
    year: callFields.year.optional(),
    title: callFields.title.optional(),
    description: callFields.description.optional(),
    grantsCount: callFields.grantsCount.optional(),
    maxAmountTiyn: callFields.maxAmountTiyn.optional(),
    budgetTiyn: callFields.budgetTiyn.optional(),
    opensAt: callFields.opensAt.optional(),
    closesAt: callFields.closesAt.optional(),
    criteria: callFields.criteria.optional(),
    expertIds: callFields.expertIds.optional(),
    status: z.enum(['published', 'closed']).optional(),
    version: Version.optional(),
  })
  .refine(uniqueKeys, { path: ['criteria'], message: 'grants.duplicate_key' })
  .refine(datesInOrder, { path: ['closesAt'], message: 'grants.before_opens_at' })
export type UpdateCallBody = z.infer<typeof UpdateCallBody>

export const CallView = z.object({
  id: z.string(),
  year: z.number(),
  title: LocalizedText,
  description: LocalizedText,
  grantsCount: z.number(),
  maxAmountTiyn: z.number(),
  budgetTiyn: z.number(),
  opensAt: z.string(),
  closesAt: z.string(),
  criteria: z.array(Criterion),
  /** Admins only (null for everyone else). */
  expertIds: z.array(z.string()).nullable(),
  status: z.enum(CALL_STATUSES),
  /** Whether applications can be submitted now (published, between opensAt and closesAt). */
  open: z.boolean(),
  awardedCount: z.number(),
  awardedTiyn: z.number(),
  /** For the signed-in expert: whether they review this call. */
  assignedToMe: z.boolean(),
  version: z.number(),
  createdAt: z.string(),
})
export type CallView = z.infer<typeof CallView>
export const CallList = z.object({ items: z.array(CallView), nextCursor: z.string().nullable() })
export const CallListQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100).optional(),
  status: z.enum(CALL_STATUSES).optional(),
  mine: z.enum(['true']).optional().describe('experts: only the calls assigned to me'),
  limit: LimitParam,
  cursor: Cursor.optional(),
})

export const PlanItem = z.strictObject({ title: z.string().trim().min(1).max(300), dueAt: IsoDate })
export const BudgetLine = z.strictObject({ item: z.string().trim().min(1).max(300), amountTiyn: PositiveTiyn })

const applicationFields = {
  title: localizedText({ max: 300 }),
  stateBody: localizedText({ max: 300 }),
  subject: localizedText({ max: 5000 }),
  plan: z.array(PlanItem).min(1).max(30),
  budget: z.array(BudgetLine).min(1).max(50),
}
export const CreateApplicationBody = z.strictObject({ councilId: ObjectIdString, ...applicationFields })
export type CreateApplicationBody = z.infer<typeof CreateApplicationBody>
export const UpdateApplicationBody = z.strictObject({
  title: applicationFields.title.optional(),
  stateBody: applicationFields.stateBody.optional(),
  subject: applicationFields.subject.optional(),
  plan: applicationFields.plan.optional(),
  budget: applicationFields.budget.optional(),
  version: Version.optional(),
})
export type UpdateApplicationBody = z.infer<typeof UpdateApplicationBody>
export const TransitionBody = z.strictObject({ version: Version.optional() })

export const ReviewBody = z.strictObject({
  conflictOfInterest: z.boolean(),
  scores: z.record(z.string().max(32), z.number().int().min(0).max(10)).optional(),
  comment: z.string().trim().max(5000).default(''),
})
export type ReviewBody = z.infer<typeof ReviewBody>
export const ReviewView = z.object({
  id: z.string(),
  applicationId: z.string(),
  expertId: z.string(),
  expertName: z.string(),
  conflictOfInterest: z.boolean(),
  scores: z.record(z.string(), z.number()),
  comment: z.string(),
  /** The weighted mean of this review's scores (null with a conflict of interest). */
  weighted: z.number().nullable(),
  createdAt: z.string(),
})
export const ScoreView = z.object({
  /** Mean over the reviews without conflict of each review's weighted mean, 0..10, 2 decimals. */
  mean: z.number().nullable(),
  reviews: z.number(),
  conflicts: z.number(),
})
/** Attachments: pdf, docx, xlsx, jpeg, png by content, ≤ 10 MB each, at most 10 per application or report. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024
export const MAX_FILES = 10
export const FILE_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'image/jpeg',
  'image/png',
] as const
export const AttachmentView = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number(),
  url: z.string(),
})
export const FileParams = z.strictObject({ id: ObjectIdString, fileId: ObjectIdString })
export const ApplicationView = z.object({
  id: z.string(),
  callId: z.string(),
  councilId: z.string(),
  councilName: LocalizedText,
  title: LocalizedText,
  stateBody: LocalizedText,
  subject: LocalizedText,
  plan: z.array(z.object({ title: z.string(), dueAt: z.string() })),
  budget: z.array(z.object({ item: z.string(), amountTiyn: z.number() })),
  totalTiyn: z.number(),
  status: z.enum(APPLICATION_STATUSES),
  version: z.number(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  /** Admin: every review; an expert: their own; the council: none. */
  reviews: z.array(ReviewView),
  /** Admin only (null otherwise): experts never see the others' marks. */
  score: ScoreView.nullable(),
  awardId: z.string().nullable(),
  attachments: z.array(AttachmentView),
})
export type ApplicationView = z.infer<typeof ApplicationView>
export const ApplicationList = z.object({ items: z.array(ApplicationView), nextCursor: z.string().nullable() })
export const CallApplicationsQuery = z.object({
  councilId: ObjectIdString.optional().describe('council members: the applications of this council (drafts too)'),
})
export const MyApplicationsQuery = z.object({ limit: LimitParam, cursor: Cursor.optional() })

export const AwardBody = z.strictObject({ applicationIds: z.array(ObjectIdString).min(1).max(100) })
export const AwardView = z.object({
  id: z.string(),
  callId: z.string(),
  applicationId: z.string(),
  councilId: z.string(),
  amountTiyn: z.number(),
  status: z.enum(AWARD_STATUSES),
  createdAt: z.string(),
})
export const AwardList = z.object({ items: z.array(AwardView) })

export const ReportBody = z.strictObject({
  kind: z.enum(REPORT_KINDS),
  text: z.string().trim().min(1).max(20000),
  spending: z.array(z.strictObject({ item: z.string().trim().min(1).max(300), amountTiyn: Tiyn })).max(50),
})
export type ReportBody = z.infer<typeof ReportBody>
export const ReportDecisionBody = z.strictObject({
  status: z.enum(['accepted', 'returned']),
  comment: z.string().trim().max(5000).default(''),
  version: Version.optional(),
})
export type ReportDecisionBody = z.infer<typeof ReportDecisionBody>
export const ReportView = z.object({
  id: z.string(),
  awardId: z.string(),
  kind: z.enum(REPORT_KINDS),
  text: z.string(),
  spending: z.array(z.object({ item: z.string(), amountTiyn: z.number() })),
  spentTiyn: z.number(),
  status: z.enum(REPORT_STATUSES),
  comment: z.string(),
  decidedAt: z.string().nullable(),
  files: z.array(AttachmentView),
  version: z.number(),
  createdAt: z.string(),
})
export type ReportView = z.infer<typeof ReportView>
export const ReportList = z.object({ items: z.array(ReportView) })

/** Public results: no applicant's personal data (no user ids, names or e-mails). */
export const PublicAward = z.object({
  id: z.string(),
  year: z.number(),
  callId: z.string(),
  councilId: z.string(),
  councilName: LocalizedText,
  regionId: z.string().nullable(),
  title: LocalizedText,
  stateBody: LocalizedText,
  subject: LocalizedText,
  amountTiyn: z.number(),
  status: z.enum(AWARD_STATUSES),
  milestones: z.array(z.object({ title: z.string(), dueAt: z.string(), passed: z.boolean() })),
  acceptedReports: z.array(
    z.object({ id: z.string(), kind: z.enum(REPORT_KINDS), text: z.string(), acceptedAt: z.string() }),
  ),
  spentTiyn: z.number(),
})
export type PublicAward = z.infer<typeof PublicAward>
export const PublicAwardsQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export const PublicAwardPage = z.object({
  items: z.array(PublicAward),
  nextCursor: z.string().nullable(),
  /** Totals of the year (all pages), integer tiyn. */
  totals: z.object({ awards: z.number(), amountTiyn: z.number(), councils: z.number() }),
})
export const CallIdParams = z.strictObject({ id: ObjectIdString })

export { formatTenge, parseTenge } from '../money.js'
