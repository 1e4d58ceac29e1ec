import { audit } from '../../core/audit.js'
import { authRequired, forbidden, notFound } from '../../core/errors.js'
import { can, type MaybeActor } from '../../core/policy.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { codeMatches } from './secrets.js'

/**
 * Who an appeal is for: its author (the account that sent it, or whoever holds its access code),
 * the members of the council it is with, and moderators/admins overseeing appeals. Nobody else
 * learns even that it exists beyond a 403 for signed-in users.
 */
export type AppealAccess = 'author' | 'council' | 'staff'

export function isCouncilMember(actor: MaybeActor, councilId: unknown): boolean {
  return Boolean(
    actor && actor.roles.includes('council_member') && actor.councilIds.map(String).includes(String(councilId)),
  )
}

export function accessOf(actor: MaybeActor, a: AppealDoc, code?: string): AppealAccess | null {
  if (actor && a.author.userId && String(a.author.userId) === actor.id) return 'author'
  if (code && codeMatches(code, a.accessCodeHash)) return 'author'
  // A guest's appeal reaches the council only once confirmed.
  if (a.status === 'unconfirmed') return null
  if (isCouncilMember(actor, a.councilId) && can(actor, 'appeal.read_council', { councilId: a.councilId }))
    return 'council'
  if (can(actor, 'appeal.oversee')) return 'staff'
  return null
}

/** Loads an appeal for an actor or a code holder: 404 unknown/wrong code, 401 guest, 403 no right. */
export async function loadAppealFor(
  actor: MaybeActor,
  id: string,
  code?: string,
): Promise<{ appeal: AppealDoc; access: AppealAccess }> {
  const appeal = await Appeal.findById(id).lean<AppealDoc>()
  if (!appeal) throw notFound('appeal')
  const access = accessOf(actor, appeal, code)
  if (access) return { appeal, access }
  if (code || appeal.status === 'unconfirmed') throw notFound('appeal')
  if (!actor) throw authRequired()
  throw forbidden()
}

/** Every moderator/admin look at an appeal's personal data is written to the audit log. */
export async function auditStaffAccess(
  actor: MaybeActor,
  access: AppealAccess,
  appeal: Pick<AppealDoc, '_id' | 'trackingNumber' | 'councilId'>,
  action: string,
): Promise<void> {
  if (access !== 'staff' || !actor) return
  await audit({
    actorId: actor.id,
    action,
    target: { kind: 'appeal', id: String(appeal._id) },
    details: { trackingNumber: appeal.trackingNumber, councilId: String(appeal.councilId) },
  })
}
