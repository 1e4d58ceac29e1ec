import mongoose, { Schema } from 'mongoose'
import { validationFailed } from './errors.js'
import { afterKey, decodeCursor, encodeCursor } from './http.js'
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
export const AuditLog = mongoose.models.AuditLog ?? mongoose.model('AuditLog', AuditLogSchema)

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
  const docs = await AuditLog.find(q).sort({ at: -1 }).limit(limit).lean()
  return docs.map((d: any) => ({
    id: String(d._id),
    actorId: d.actorId ? String(d.actorId) : null,
    action: d.action,
    target: d.target,
    details: d.details,
    at: new Date(d.at).toISOString(),
  }))
}

export interface AuditQuery {
  action?: string
  actorId?: string
  targetKind?: string
  targetId?: string
  limit: number
  cursor?: string
}

/** Newest first, cursor-paginated (`GET /api/v1/audit`). */
export async function pageAudit(q: AuditQuery) {
  const filter: Record<string, unknown> = {}
  if (q.action) filter.action = q.action
  if (q.actorId) filter.actorId = new mongoose.Types.ObjectId(q.actorId)
  if (q.targetKind) filter['target.kind'] = q.targetKind
  if (q.targetId) filter['target.id'] = q.targetId
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [at, id] = cursor
    if (
      typeof at !== 'string' ||
      typeof id !== 'string' ||
      !/^[0-9a-f]{24}$/.test(id) ||
      Number.isNaN(Date.parse(at))
    ) {
      throw validationFailed([{ path: 'query.cursor', code: 'invalid_format' }])
    }
    filter.$or = afterKey('at', new Date(at), id)
  }
  const docs = await AuditLog.find(filter)
    .sort({ at: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean()
  const page = docs.slice(0, q.limit)
  const items = page.map((d: any) => ({
    id: String(d._id),
    actorId: d.actorId ? String(d.actorId) : null,
    action: d.action,
    target: d.target,
    details: d.details,
    at: new Date(d.at).toISOString(),
  }))
  const last = page[page.length - 1] as any
  return {
    items,
    nextCursor:
      docs.length > q.limit && last ? encodeCursor([new Date(last.at).toISOString(), String(last._id)]) : null,
  }
}
