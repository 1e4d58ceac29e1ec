import mongoose from 'mongoose'
import type {
  CreateRecommendationBody,
  Implementation,
  RecommendationView,
  ScorecardRow,
  UpdateRecommendationBody,
} from '../../../shared/schemas/control.js'
import type { Lang, Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { currentConfig } from '../../core/config.js'
import { AppError, conflict, throwNotFound, validationFailed } from '../../core/errors.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { localized, pick, t } from '../../core/i18n.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { stateMachine } from '../../core/state-machine.js'
import { almatyYear, workingDeadline } from '../appeals/index.js'
import { findCouncilSummaries, findCouncilSummary } from '../councils/index.js'
import { findAwardSummary } from '../grants/index.js'
import { cancelOverdueReminder, scheduleOverdueReminder } from './control.jobs.js'
import { Recommendation, type RecommendationDoc } from './control.model.js'
import { toCsv } from '../../core/csv.js'

/** Explicit transitions: a recommendation is answered once; its implementation moves forward. */
export const recommendationMachine = stateMachine<'sent' | 'answered'>('control', { sent: ['answered'], answered: [] })
export const implementationMachine = stateMachine<'none' | Implementation>('control', {
  none: ['in_progress', 'implemented', 'not_implemented'],
  in_progress: ['implemented', 'not_implemented'],
  not_implemented: ['in_progress', 'implemented'],
  implemented: [],
})

const iso = (d: Date) => new Date(d).toISOString()
/** The key a state body is grouped by: its Russian name (else Kazakh), lower-cased, spaces folded. */
export const stateBodyKey = (s: { kk?: string; ru?: string }) =>
  (s.ru || s.kk || '')
    .toLocaleLowerCase('ru')
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/[«»"“”]/g, '')
    .trim()

export function isOverdue(r: Pick<RecommendationDoc, 'status' | 'dueAt' | 'response'>, now = Date.now()): boolean {
  const due = new Date(r.dueAt).getTime()
  if (r.status === 'sent') return now > due
  return Boolean(r.response && new Date(r.response.receivedAt).getTime() > due)
}

async function toViews(docs: RecommendationDoc[]): Promise<RecommendationView[]> {
  const councils = new Map(
    (await findCouncilSummaries([...new Set(docs.map((d) => String(d.councilId)))])).map((c) => [c.id, c.name]),
  )
  return docs.map((r) => ({
    id: String(r._id),
    councilId: String(r.councilId),
    councilName: localized(councils.get(String(r.councilId))),
    regionId: r.regionId ? String(r.regionId) : null,
    stateBody: localized(r.stateBody),
    text: localized(r.text),
    sentAt: iso(r.sentAt),
    dueAt: iso(r.dueAt),
    awardId: r.awardId ? String(r.awardId) : null,
    eventId: r.eventId ? String(r.eventId) : null,
    status: r.status,
    overdue: isOverdue(r),
    response: r.response
      ? {
          receivedAt: iso(r.response.receivedAt),
          text: localized(r.response.text),
          decision: r.response.decision,
          onTime: new Date(r.response.receivedAt) <= new Date(r.dueAt),
        }
      : null,
    implementation: r.implementation
      ? { status: r.implementation.status, note: r.implementation.note ?? '', at: iso(r.implementation.at) }
      : null,
    version: r.version ?? 0,
    createdAt: iso(r.createdAt),
  }))
}

export async function createRecommendation(actor: Actor, body: CreateRecommendationBody): Promise<RecommendationView> {
  assertCan(actor, 'control.record', { councilId: body.councilId })
  const council = await findCouncilSummary(body.councilId)
  if (!council) throw validationFailed([{ path: 'body.councilId', code: 'unknown_council' }])
  const sentAt = new Date(body.sentAt)
  if (sentAt.getTime() > Date.now() + 60_000)
    throw validationFailed([{ path: 'body.sentAt', code: 'control.in_future' }])
  if (body.awardId) {
    const award = await findAwardSummary(body.awardId)
    if (!award || award.councilId !== body.councilId)
      throw validationFailed([{ path: 'body.awardId', code: 'control.unknown_award' }])
  }
  const dueAt = workingDeadline(sentAt, currentConfig().recommendationDueWorkingDays)
  const doc = await Recommendation.create({
    councilId: body.councilId,
    regionId: council.regionId,
    stateBody: body.stateBody,
    stateBodyKey: stateBodyKey(body.stateBody),
    text: body.text,
    sentAt,
    year: almatyYear(sentAt),
    dueAt,
    awardId: body.awardId ?? null,
    eventId: body.eventId ?? null,
    status: 'sent',
    createdBy: actor.id,
  })
  await audit({
    actorId: actor.id,
    action: 'control.recommendation_recorded',
    target: { kind: 'recommendation', id: String(doc._id) },
  })
  await scheduleOverdueReminder(String(doc._id), dueAt)
  return (await toViews([doc.toObject() as RecommendationDoc]))[0]
}

/** Records the body's answer (`sent` → `answered`) or the implementation, on the version read. */
export async function updateRecommendation(
  actor: Actor,
  id: string,
  body: UpdateRecommendationBody,
): Promise<RecommendationView> {
  const rec = (await Recommendation.findById(id).lean<RecommendationDoc>()) ?? throwNotFound('recommendation')
  assertCan(actor, 'control.update', { councilId: rec.councilId })
  if (body.version !== undefined && body.version !== rec.version) throw conflict()
  const set: Record<string, unknown> = {}
  let action: string
  if (body.response) {
    recommendationMachine.assert(rec.status, 'answered')
    const receivedAt = new Date(body.response.receivedAt)
    if (receivedAt < rec.sentAt || receivedAt.getTime() > Date.now() + 60_000)
      throw validationFailed([{ path: 'body.response.receivedAt', code: 'control.out_of_range' }])
    set.status = 'answered'
    set.response = { receivedAt, text: body.response.text, decision: body.response.decision }
    set.answeredLate = receivedAt > new Date(rec.dueAt)
    action = 'control.response_recorded'
  } else {
    if (rec.status !== 'answered')
      throw new AppError(409, 'control.invalid_transition', { from: rec.status, to: body.implementation })
    implementationMachine.assert(rec.implementation?.status ?? 'none', body.implementation!)
    set.implementation = { status: body.implementation, note: body.note ?? '', at: new Date() }
    action = 'control.implementation_recorded'
  }
  const updated = await Recommendation.findOneAndUpdate(
    { _id: id, version: rec.version },
    { $set: set, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean<RecommendationDoc>()
  if (!updated) throw conflict()
  await audit({ actorId: actor.id, action, target: { kind: 'recommendation', id }, details: body })
  if (body.response) await cancelOverdueReminder(id)
  return (await toViews([updated]))[0]
}

export interface RecommendationQuery {
  councilId?: string
  stateBody?: string
  status?: 'sent' | 'answered'
  overdue?: boolean
  awardId?: string
  year?: number
  regionId?: string
  limit: number
  cursor?: string
}

function filterOf(q: Omit<RecommendationQuery, 'limit' | 'cursor'>): Record<string, unknown> {
  const f: Record<string, unknown> = {}
  const and: Record<string, unknown>[] = []
  if (q.councilId) f.councilId = q.councilId
  if (q.regionId) f.regionId = q.regionId
  if (q.awardId) f.awardId = q.awardId
  if (q.year) f.year = q.year
  if (q.stateBody) f.stateBodyKey = stateBodyKey({ ru: q.stateBody })
  if (q.status) f.status = q.status
  const now = new Date()
  if (q.overdue === true)
    and.push({
      $or: [
        { status: 'sent', dueAt: mongoose.trusted({ $lt: now }) },
        { status: 'answered', answeredLate: true },
      ],
    })
  if (q.overdue === false)
    and.push({
      $or: [
        { status: 'sent', dueAt: mongoose.trusted({ $gte: now }) },
        { status: 'answered', answeredLate: false },
      ],
    })
  if (and.length) f.$and = and
  return f
}

export async function listRecommendations(q: RecommendationQuery): Promise<Page<RecommendationView>> {
  const filter = filterOf(q)
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [at, cid] = cursor
    if (
      typeof at !== 'string' ||
      typeof cid !== 'string' ||
      !/^[0-9a-f]{24}$/.test(cid) ||
      Number.isNaN(Date.parse(at))
    )
      throw invalidCursor()
    filter.$and = [...((filter.$and as unknown[]) ?? []), { $or: afterKey('sentAt', new Date(at), cid) }]
  }
  const docs = await Recommendation.find(filter)
    .sort({ sentAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean<RecommendationDoc[]>()
  const page = docs.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: await toViews(page),
    nextCursor: docs.length > q.limit && last ? encodeCursor([iso(last.sentAt), String(last._id)]) : null,
  }
}

/**
 * Per state body, for the year the recommendations were sent (Almaty): sent, answered on time
 * (received by `dueAt`), answered late, unanswered (of which overdue), implemented.
 */
export async function scorecard(q: { year?: number; regionId?: string }) {
  const year = q.year ?? almatyYear(new Date())
  const filter: Record<string, unknown> = { year }
  if (q.regionId) filter.regionId = q.regionId
  const docs = await Recommendation.find(filter, {
    stateBody: 1,
    stateBodyKey: 1,
    status: 1,
    dueAt: 1,
    response: 1,
    implementation: 1,
  })
    .sort({ sentAt: 1 })
    .lean<RecommendationDoc[]>()
  const rows = new Map<string, ScorecardRow>()
  const now = Date.now()
  for (const r of docs) {
    let row = rows.get(r.stateBodyKey)
    if (!row) {
      row = {
        stateBody: localized(r.stateBody),
        sent: 0,
        answeredOnTime: 0,
        answeredLate: 0,
        unanswered: 0,
        overdue: 0,
        implemented: 0,
      }
      rows.set(r.stateBodyKey, row)
    }
    row.sent++
    if (r.status === 'answered' && r.response) {
      if (new Date(r.response.receivedAt) <= new Date(r.dueAt)) row.answeredOnTime++
      else row.answeredLate++
    } else {
      row.unanswered++
      if (now > new Date(r.dueAt).getTime()) row.overdue++
    }
    if (r.implementation?.status === 'implemented') row.implemented++
  }
  const items = [...rows.values()].sort(
    (a, b) =>
      b.sent - a.sent || (a.stateBody.ru ?? a.stateBody.kk ?? '').localeCompare(b.stateBody.ru ?? b.stateBody.kk ?? ''),
  )
  return { year, regionId: q.regionId ?? null, items }
}

export function scorecardCsv(card: { items: ScorecardRow[] }, lng: Lang): string {
  const cols = ['stateBody', 'sent', 'answeredOnTime', 'answeredLate', 'unanswered', 'overdue', 'implemented'] as const
  return toCsv(
    cols.map((c) => t(lng, `control:csv.${c}`)),
    card.items.map((r) => cols.map((c) => (c === 'stateBody' ? pick(r.stateBody, lng) : r[c]))),
  )
}
