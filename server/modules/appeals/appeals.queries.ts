import mongoose from 'mongoose'
import { OPEN_STATUSES, type CouncilAppealsQuery } from '../../../shared/schemas/appeals.js'
import type { Lang, ListQuery, Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { notFound } from '../../core/errors.js'
import { keysetPage } from '../../core/paging.js'
import { assertCan, type Actor, type MaybeActor } from '../../core/policy.js'
import { searchFilter } from '../../core/search.js'
import { resolveStored } from '../../core/storage.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { appealsCsv } from './appeals.csv.js'
import { auditStaffAccess, isCouncilMember, loadAppealFor } from './appeals.policy.js'
import { codeMatches } from './secrets.js'
import { toAppealView, toListItem, toPublicAppeal } from './appeals.view.js'

/** Reads: one appeal, tracking, the author's and the council's lists, the public Q&A, stats. */
const trusted = mongoose.trusted

/**
 * The council an appeal is with, for a route's early access check. 404 exactly where
 * `loadAppealFor` answers 404 for a signed-in actor: unknown, or unconfirmed and not theirs.
 */
export async function appealScope(actor: MaybeActor, id: string): Promise<{ councilId: string }> {
  const appeal = await Appeal.findById(id, { councilId: 1, status: 1, 'author.userId': 1 }).lean<
    Pick<AppealDoc, 'councilId' | 'status' | 'author'>
  >()
  const mine = Boolean(actor && appeal?.author?.userId && String(appeal.author.userId) === actor.id)
  if (!appeal || (appeal.status === 'unconfirmed' && !mine)) throw notFound('appeal')
  return { councilId: String(appeal.councilId) }
}

export async function getAppeal(actor: MaybeActor, id: string, code?: string) {
  const { appeal, access } = await loadAppealFor(actor, id, code)
  await auditStaffAccess(actor, access, appeal, 'appeal.personal_data_read')
  return toAppealView(appeal, { withHistory: access !== 'author' })
}

/** The same answer (404) for an unknown number and a wrong code: nothing to learn by guessing. */
export async function trackAppeal(number: string, code: string) {
  const appeal = await Appeal.findOne({ trackingNumber: number.trim().toUpperCase() }).lean<AppealDoc>()
  const ok = codeMatches(code, appeal?.accessCodeHash ?? '0'.repeat(64))
  if (!appeal || !ok) throw notFound('appeal')
  return toAppealView(appeal)
}

export async function attachmentFor(actor: MaybeActor, id: string, attachmentId: string, code?: string) {
  const { appeal, access } = await loadAppealFor(actor, id, code)
  const file = (appeal.attachments ?? []).find((f) => String(f._id) === attachmentId)
  if (!file) throw notFound('attachment')
  await auditStaffAccess(actor, access, appeal, 'appeal.attachment_read')
  return { path: resolveStored(file.key), name: file.name, mime: file.mime, size: file.size }
}

export async function listMine(actor: Actor, q: ListQuery): Promise<Page<ReturnType<typeof toListItem>>> {
  return keysetPage({
    filter: { 'author.userId': actor.id },
    field: 'createdAt',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => Appeal.find(f).sort(sort).limit(limit).lean<AppealDoc[]>(),
    map: (d) => toListItem(d),
  })
}

function councilFilter(councilId: string, q: Omit<CouncilAppealsQuery, 'limit' | 'cursor'>): Record<string, unknown> {
  const filter: Record<string, unknown> = { councilId, status: trusted({ $ne: 'unconfirmed' }) }
  if (q.status) filter.status = q.status
  if (q.category) filter.category = q.category
  if (q.overdue === true) {
    if (q.status && !(OPEN_STATUSES as readonly string[]).includes(q.status)) filter._id = trusted({ $exists: false })
    else if (!q.status) filter.status = trusted({ $in: OPEN_STATUSES })
    filter.dueAt = trusted({ $lt: new Date() })
  } else if (q.overdue === false) {
    filter.$or = [{ status: trusted({ $nin: OPEN_STATUSES }) }, { dueAt: trusted({ $gte: new Date() }) }]
  }
  return filter
}

async function auditCouncilRead(actor: Actor, councilId: string, action: string, count: number): Promise<void> {
  if (isCouncilMember(actor, councilId)) return
  await audit({ actorId: actor.id, action, target: { kind: 'council', id: councilId }, details: { count } })
}

/** The council's queue, soonest due first. */
export async function listCouncil(
  actor: Actor,
  councilId: string,
  q: CouncilAppealsQuery,
): Promise<Page<ReturnType<typeof toListItem>>> {
  assertCan(actor, 'appeal.read_council', { councilId })
  const page = await keysetPage({
    filter: councilFilter(councilId, q),
    field: 'dueAt',
    order: 'asc',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => Appeal.find(f).sort(sort).limit(limit).lean<AppealDoc[]>(),
    map: (d) => toListItem(d, { withAuthor: true }),
  })
  await auditCouncilRead(actor, councilId, 'appeal.council_list_read', page.items.length)
  return page
}

/** Every matching appeal as CSV (bounded: a council's yearly report, not a dump); headers in `lng`. */
export const CSV_MAX_ROWS = 20_000
export async function exportCouncil(
  actor: Actor,
  councilId: string,
  q: Omit<CouncilAppealsQuery, 'limit' | 'cursor'>,
  lng: Lang,
): Promise<string> {
  assertCan(actor, 'appeal.read_council', { councilId })
  const docs = await Appeal.find(councilFilter(councilId, q))
    .sort({ registeredAt: 1, _id: 1 })
    .limit(CSV_MAX_ROWS)
    .lean<AppealDoc[]>()
  await auditCouncilRead(actor, councilId, 'appeal.council_export', docs.length)
  return appealsCsv(docs, lng)
}

/** Answered appeals whose authors allowed publication, without names or contacts. */
export async function listPublic(q: ListQuery & { council?: string; q?: string }) {
  const filter: Record<string, unknown> = {
    isPublic: true,
    answeredAt: trusted({ $ne: null }),
    status: trusted({ $in: ['answered', 'closed'] }),
  }
  if (q.council) filter.councilId = q.council
  // Words fold inflection (kk and ru) like every other search; the order stays newest answer first.
  const search = searchFilter(q.q)
  if (search) Object.assign(filter, search)
  return keysetPage({
    filter,
    field: 'answeredAt',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => Appeal.find(f).sort(sort).limit(limit).lean<AppealDoc[]>(),
    map: (d) => toPublicAppeal(d),
  })
}
