import type { ApplicationView, ReviewBody } from '../../../shared/schemas/grants.js'
import { audit } from '../../core/audit.js'
import { AppError, forbidden, isDuplicateKey, validationFailed } from '../../core/errors.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { getApplication, loadApplication } from './grants.applications.js'
import { loadCall } from './grants.calls.js'
import { GrantReview } from './grants.model.js'
import { isCallExpert } from './grants.policy.js'

/**
 * An expert's one review of a submitted application. A conflict of interest is declared instead of
 * scores (scores sent with it are refused); an expert who belongs to the applying council may not
 * review it at all (403). Every review is audit-logged with its marks.
 */
export async function reviewApplication(
  actor: Actor,
  applicationId: string,
  body: ReviewBody,
): Promise<ApplicationView> {
  assertCan(actor, 'grants.review')
  const app = await loadApplication(applicationId)
  const call = await loadCall(String(app.callId))
  if (!isCallExpert(actor, call)) throw forbidden()
  if (actor.councilIds.includes(String(app.councilId))) throw forbidden()
  if (app.status !== 'submitted') throw new AppError(409, 'grants.not_submitted', { status: app.status })
  const keys = (call.criteria ?? []).map((c) => c.key!)
  const given = Object.keys(body.scores ?? {})
  let scores: Record<string, number> = {}
  if (body.conflictOfInterest) {
    if (given.length) throw validationFailed([{ path: 'body.scores', code: 'grants.conflict_of_interest' }])
  } else {
    const missing = keys.filter((k) => !given.includes(k))
    const unknown = given.filter((k) => !keys.includes(k))
    if (missing.length || unknown.length)
      throw validationFailed([
        ...missing.map((k) => ({ path: `body.scores.${k}`, code: 'required' })),
        ...unknown.map((k) => ({ path: `body.scores.${k}`, code: 'grants.unknown_criterion' })),
      ])
    scores = Object.fromEntries(keys.map((k) => [k, body.scores![k]]))
  }
  let id: string
  try {
    const doc = await GrantReview.create({
      applicationId,
      callId: call._id,
      expertId: actor.id,
      conflictOfInterest: body.conflictOfInterest,
      scores,
      comment: body.comment,
    })
    id = String(doc._id)
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError(409, 'grants.already_reviewed')
    throw err
  }
  await audit({
    actorId: actor.id,
    action: body.conflictOfInterest ? 'grants.conflict_declared' : 'grants.review_scored',
    target: { kind: 'grant_application', id: applicationId },
    details: { reviewId: id, scores },
  })
  return getApplication(actor, applicationId)
}
