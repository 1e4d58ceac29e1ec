import mongoose from 'mongoose'
import type { Lang } from '../../../shared/schemas/common.js'
import type { UserListQuery } from '../../../shared/schemas/users.js'
import { auditRows, pageAudit, type AuditFilter, type AuditQuery, type AuditView } from '../../core/audit.js'
import { CSV_MAX_ROWS, toCsv } from '../../core/csv.js'
import { t } from '../../core/i18n.js'
import { findCouncilSummaries } from '../councils/index.js'
import { User, type UserDoc } from './users.model.js'

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The administrators' user filter: `role`, and `q` as a case-insensitive substring of the e-mail
 * or the display name (escaped: a query is text, never a pattern).
 */
export function userFilter(q: Pick<UserListQuery, 'role' | 'q'>): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  if (q.role) filter.roles = q.role
  if (q.q) {
    const rx = mongoose.trusted({ $regex: escapeRegex(q.q), $options: 'i' })
    filter.$or = [{ email: rx }, { displayName: rx }]
  }
  return filter
}

const day = (d: Date | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : '')
const USER_COLUMNS = ['displayName', 'email', 'roles', 'councils', 'disabled', 'createdAt', 'lastActiveAt'] as const

/** `GET /users.csv`: the filtered list, newest first, council names (not ids) in the request's language. */
export async function usersCsv(q: Pick<UserListQuery, 'role' | 'q'>, lng: Lang): Promise<string> {
  const docs = await User.find(userFilter(q)).sort({ createdAt: -1, _id: -1 }).limit(CSV_MAX_ROWS).lean<UserDoc[]>()
  const councilIds = [...new Set(docs.flatMap((d) => (d.councilIds ?? []).map(String)))]
  const names = new Map(
    (await findCouncilSummaries(councilIds)).map((c) => [c.id, c.name[lng] ?? c.name.kk ?? c.name.ru ?? c.id]),
  )
  const rows = docs.map((d) => [
    d.displayName,
    d.email,
    (d.roles ?? []).map((r) => t(lng, `users:roles.${r}`)).join('; '),
    (d.councilIds ?? []).map((id) => names.get(String(id)) ?? String(id)).join('; '),
    t(lng, d.disabled ? 'users:csv.yes' : 'users:csv.no'),
    day(d.createdAt),
    day(d.lastActiveAt),
  ])
  return toCsv(
    USER_COLUMNS.map((c) => t(lng, `users:csv.${c}`)),
    rows,
  )
}

/** Accounts by state, for the operations page. */
export async function countUsers(): Promise<{ total: number; disabled: number }> {
  const [total, disabled] = await Promise.all([User.countDocuments({}), User.countDocuments({ disabled: true })])
  return { total, disabled }
}

/** Adds who the actor is now (name and e-mail), one query per page. */
async function withActors(entries: AuditView[]) {
  const ids = [...new Set(entries.map((e) => e.actorId).filter((id): id is string => Boolean(id)))]
  const docs = ids.length
    ? await User.find({ _id: mongoose.trusted({ $in: ids }) }, { displayName: 1, email: 1 }).lean<UserDoc[]>()
    : []
  const byId = new Map(docs.map((d) => [String(d._id), d]))
  return entries.map((e) => {
    const u = e.actorId ? byId.get(e.actorId) : undefined
    return { ...e, actorName: u?.displayName ?? null, actorEmail: u?.email ?? null }
  })
}

/** `GET /audit`: newest first, filtered, cursor-paged, each entry with its actor's name. */
export async function auditPage(q: AuditQuery) {
  const page = await pageAudit(q)
  return { items: await withActors(page.items), nextCursor: page.nextCursor }
}

const AUDIT_COLUMNS = ['at', 'actor', 'email', 'action', 'targetKind', 'targetId', 'details'] as const

/** `GET /audit.csv`: the same filters, every entry (at most 10 000), newest first. */
export async function auditCsv(q: AuditFilter, lng: Lang): Promise<string> {
  const entries = await withActors(await auditRows(q, CSV_MAX_ROWS))
  const rows = entries.map((e) => [
    e.at,
    e.actorName ?? (e.actorId ? e.actorId : t(lng, 'users:csv.system')),
    e.actorEmail ?? '',
    e.action,
    typeof e.target?.kind === 'string' ? e.target.kind : '',
    typeof e.target?.id === 'string' ? e.target.id : '',
    Object.keys(e.details ?? {}).length ? JSON.stringify(e.details) : '',
  ])
  return toCsv(
    AUDIT_COLUMNS.map((c) => t(lng, `users:csv.audit_${c}`)),
    rows,
  )
}
