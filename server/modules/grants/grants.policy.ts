import { can, hasRole, type MaybeActor } from '../../core/policy.js'
import type { ApplicationDoc, CallDoc } from './grants.model.js'

/**
 * Who sees an application: its council (every state), the admin and the call's experts (once it
 * has been submitted: drafts and never-submitted withdrawals stay the council's).
 */
export const isCallExpert = (actor: MaybeActor, call: Pick<CallDoc, 'expertIds'>): boolean =>
  Boolean(actor && hasRole(actor, 'expert') && (call.expertIds ?? []).map(String).includes(actor.id))
export const isOfCouncil = (actor: MaybeActor, app: Pick<ApplicationDoc, 'councilId'>): boolean =>
  can(actor, 'grants.apply', { councilId: app.councilId })
export const wasSubmitted = (app: Pick<ApplicationDoc, 'submittedAt' | 'status'>): boolean =>
  app.status === 'submitted' || app.status === 'awarded' || Boolean(app.submittedAt)

export type ApplicationAccess = 'council' | 'admin' | 'expert' | null
export function applicationAccess(actor: MaybeActor, app: ApplicationDoc, call: CallDoc): ApplicationAccess {
  if (isOfCouncil(actor, app)) return 'council'
  if (can(actor, 'grants.manage') && wasSubmitted(app)) return 'admin'
  // Experts see the submitted applications of their calls, not a withdrawn one.
  if (isCallExpert(actor, call) && (app.status === 'submitted' || app.status === 'awarded')) return 'expert'
  return null
}
