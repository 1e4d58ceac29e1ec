import type { ApplicationView, CallView, ReportView } from '../../../shared/schemas/grants.js'
import { localized } from '../../core/i18n.js'
import type { Actor } from '../../core/policy.js'
import type { ApplicationDoc, AttachmentDoc, CallDoc, ReportDoc, ReviewDoc } from './grants.model.js'

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null)
type Criteria = { key: string; weight: number }[]

const files = (list: AttachmentDoc[] | undefined, base: string) =>
  (list ?? []).map((f) => ({
    id: String(f._id),
    name: f.name,
    mime: f.mime,
    size: f.size,
    url: `/api/v1${base}/${String(f._id)}`,
  }))

export function isCallOpen(call: Pick<CallDoc, 'status' | 'opensAt' | 'closesAt'>, now = Date.now()): boolean {
  return (
    call.status === 'published' && new Date(call.opensAt).getTime() <= now && now <= new Date(call.closesAt).getTime()
  )
}

export function toCallView(call: CallDoc, actor: Actor | null): CallView {
  const admin = Boolean(actor?.roles.includes('admin'))
  const expertIds = (call.expertIds ?? []).map(String)
  return {
    id: String(call._id),
    year: call.year,
    title: localized(call.title),
    description: localized(call.description),
    grantsCount: call.grantsCount,
    maxAmountTiyn: call.maxAmountTiyn,
    budgetTiyn: call.budgetTiyn,
    opensAt: iso(call.opensAt)!,
    closesAt: iso(call.closesAt)!,
    criteria: (call.criteria ?? []).map((c) => ({ key: c.key!, title: localized(c.title), weight: c.weight! })),
    expertIds: admin ? expertIds : null,
    status: call.status as CallView['status'],
    open: isCallOpen(call),
    awardedCount: call.awardedCount ?? 0,
    awardedTiyn: call.awardedTiyn ?? 0,
    assignedToMe: Boolean(actor && expertIds.includes(actor.id)),
    version: call.version ?? 0,
    createdAt: iso(call.createdAt)!,
  }
}

/** A review's weighted sum as an exact fraction (integer scores × integer weights). */
export function reviewFraction(review: Pick<ReviewDoc, 'conflictOfInterest' | 'scores'>, criteria: Criteria) {
  if (review.conflictOfInterest) return null
  let num = 0
  let den = 0
  for (const c of criteria) {
    num += (review.scores?.[c.key] ?? 0) * c.weight
    den += c.weight
  }
  return den ? { num, den } : null
}
const round2 = (num: number, den: number) => Math.round((num * 100) / den) / 100

/**
 * The application's score: the mean over the reviews without a conflict of interest of each
 * review's weighted mean. Kept as an exact fraction (`num/den`) for ranking; shown with 2 decimals.
 */
export function scoreOf(reviews: Pick<ReviewDoc, 'conflictOfInterest' | 'scores'>[], criteria: Criteria) {
  const weightSum = criteria.reduce((s, c) => s + c.weight, 0)
  let num = 0
  let n = 0
  let conflicts = 0
  for (const r of reviews) {
    const f = reviewFraction(r, criteria)
    if (!f) {
      conflicts += r.conflictOfInterest ? 1 : 0
      continue
    }
    num += f.num
    n++
  }
  const den = n * weightSum
  return { num, den, view: { mean: den ? round2(num, den) : null, reviews: n, conflicts } }
}

export interface ApplicationContext {
  councilName: { kk?: string; ru?: string }
  reviews: ReviewDoc[]
  expertNames: Map<string, string>
  criteria: Criteria
  /** Whether the score and every review are shown (admins). */
  full: boolean
}

export function toApplicationView(app: ApplicationDoc, ctx: ApplicationContext): ApplicationView {
  return {
    id: String(app._id),
    callId: String(app.callId),
    councilId: String(app.councilId),
    councilName: localized(ctx.councilName),
    title: localized(app.title),
    stateBody: localized(app.stateBody),
    subject: localized(app.subject),
    plan: (app.plan ?? []).map((p) => ({ title: p.title!, dueAt: iso(p.dueAt)! })),
    budget: (app.budget ?? []).map((b) => ({ item: b.item!, amountTiyn: b.amountTiyn })),
    totalTiyn: app.totalTiyn,
    status: app.status as ApplicationView['status'],
    version: app.version ?? 0,
    createdAt: iso(app.createdAt)!,
    submittedAt: iso(app.submittedAt),
    reviews: ctx.reviews.map((r) => {
      const f = reviewFraction(r, ctx.criteria)
      return {
        id: String(r._id),
        applicationId: String(r.applicationId),
        expertId: String(r.expertId),
        expertName: ctx.expertNames.get(String(r.expertId)) ?? '',
        conflictOfInterest: r.conflictOfInterest,
        scores: { ...(r.scores ?? {}) },
        comment: r.comment ?? '',
        weighted: f ? round2(f.num, f.den) : null,
        createdAt: iso(r.createdAt)!,
      }
    }),
    score: ctx.full ? scoreOf(ctx.reviews, ctx.criteria).view : null,
    awardId: app.awardId ? String(app.awardId) : null,
    attachments: files(app.attachments, `/grants/applications/${String(app._id)}/attachments`),
  }
}

export function toReportView(r: ReportDoc): ReportView {
  return {
    id: String(r._id),
    awardId: String(r.awardId),
    kind: r.kind as ReportView['kind'],
    text: r.text,
    spending: (r.spending ?? []).map((s) => ({ item: s.item!, amountTiyn: s.amountTiyn })),
    spentTiyn: r.spentTiyn,
    status: r.status as ReportView['status'],
    comment: r.comment ?? '',
    decidedAt: iso(r.decidedAt),
    files: files(r.files, `/grants/reports/${String(r._id)}/files`),
    version: r.version ?? 0,
    createdAt: iso(r.createdAt)!,
  }
}

/** Σ of integer tiyn amounts; refuses anything that is not a safe integer (never a float). */
export function sumTiyn(lines: { amountTiyn: number }[]): number {
  let total = 0
  for (const l of lines) {
    if (!Number.isSafeInteger(l.amountTiyn)) throw new Error('amount is not an integer number of tiyn')
    total += l.amountTiyn
  }
  if (!Number.isSafeInteger(total)) throw new Error('total overflows')
  return total
}
