import mongoose, { Schema } from 'mongoose'
import { keysetPage } from './paging.js'
import { log } from './logger.js'

/**
 * The audit log (`audit_logs`): role changes, moderation decisions, access to personal data.
 * Append-only; written by services, read by administrators.
 */
const AuditLogSchema = new Schema(
  {
    actorId: { type: Schema.Types.ObjectId, default: null },
    action: { type: String, required: true },
    /** What was acted on, e.g. `{ kind: 'user', id }`. */
    target: { type: Schema.Types.Mixed, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, default: () => new Date() },
  },
  { collection: 'audit_logs', versionKey: false, minimize: false },
)
AuditLogSchema.index({ at: -1 })
AuditLogSchema.index({ action: 1, at: -1 })
AuditLogSchema.index({ actorId: 1, at: -1 })
AuditLogSchema.index({ 'target.id': 1, at: -1 })
interface AuditDoc {
  _id: mongoose.Types.ObjectId
  actorId: mongoose.Types.ObjectId | null
  action: string
  target: Record<string, unknown> | null
  details: Record<string, unknown>
  at: Date
}
export const AuditLog: mongoose.Model<AuditDoc> =
  mongoose.models.AuditLog ?? mongoose.model<AuditDoc>('AuditLog', AuditLogSchema)

const toAuditView = (d: AuditDoc) => ({
  id: String(d._id),
  actorId: d.actorId ? String(d.actorId) : null,
  action: d.action,
  target: d.target,
  details: d.details,
  at: new Date(d.at).toISOString(),
})

export interface AuditEntry {
  /** Who did it (a user id), null for the system. */
  actorId: string | null | undefined
  /** Dotted verb, e.g. `user.roles_changed`, `video.rejected`, `appeal.personal_data_read`. */
  action: string
  target?: { kind: string; id: string } | Record<string, unknown> | null
  details?: Record<string, unknown>
}

/** Writes an audit entry; failures are logged and rethrown (an unaudited change must not pass silently). */
export async function audit(entry: AuditEntry): Promise<void> {
  try {
    await AuditLog.create({
      actorId: entry.actorId && mongoose.isValidObjectId(entry.actorId) ? entry.actorId : null,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
    })
  } catch (err) {
    log.error({ err, action: entry.action }, 'audit log write failed')
    throw err
  }
}

/** Recent entries, newest first (for tests and an admin view). */
export async function listAudit(filter: { action?: string; targetId?: string } = {}, limit = 50) {
  const q: Record<string, unknown> = {}
  if (filter.action) q.action = filter.action
  if (filter.targetId) q['target.id'] = filter.targetId
  const docs = await AuditLog.find(q).sort({ at: -1 }).limit(limit).lean<AuditDoc[]>()
  return docs.map(toAuditView)
}

export interface AuditFilter {
  action?: string
  actorId?: string
  targetKind?: string
  targetId?: string
  /** `at` from this moment on (inclusive) … */
  from?: string
  /** … and before this one (exclusive). */
  to?: string
}
export interface AuditQuery extends AuditFilter {
  limit: number
  cursor?: string
}
export type AuditView = ReturnType<typeof toAuditView>

function auditFilter(q: AuditFilter): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  if (q.action) filter.action = q.action
  if (q.actorId) filter.actorId = new mongoose.Types.ObjectId(q.actorId)
  if (q.targetKind) filter['target.kind'] = q.targetKind
  if (q.targetId) filter['target.id'] = q.targetId
  if (q.from || q.to)
    filter.at = mongoose.trusted({
      ...(q.from ? { $gte: new Date(q.from) } : {}),
      ...(q.to ? { $lt: new Date(q.to) } : {}),
    })
  return filter
}

/** Every entry matching the filter, newest first, at most `max` (CSV export). */
export async function auditRows(q: AuditFilter, max: number): Promise<AuditView[]> {
  const docs = await AuditLog.find(auditFilter(q)).sort({ at: -1, _id: -1 }).limit(max).lean<AuditDoc[]>()
  return docs.map(toAuditView)
}

/** Newest first, cursor-paginated (`GET /api/v1/audit`). */
export async function pageAudit(q: AuditQuery) {
  return keysetPage({
    filter: auditFilter(q),
    field: 'at',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => AuditLog.find(f).sort(sort).limit(limit).lean<AuditDoc[]>(),
    map: toAuditView,
  })
}
