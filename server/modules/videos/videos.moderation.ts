import { audit } from '../../core/audit.js'
import { AppError, notFound } from '../../core/errors.js'
import { pick } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { assertCan, type MaybeActor } from '../../core/policy.js'
import { searchFilter } from '../../core/search.js'
import type { Lang } from '../../../shared/schemas/common.js'
import type { ModerationDecision, VideoStatus } from '../../../shared/schemas/videos.js'
import { findUserById } from '../users/index.js'
import { Video, type VideoDoc } from './video.model.js'
import { afterVisibilityChange } from './videos.hooks.js'
import { pageOf, toDetails } from './videos.view.js'

/**
 * Moderation (API.md): pending_review → published | rejected; published → unpublished →
 * published. Every decision is recorded on the video (who, when, what, why), audit-logged and
 * e-mailed to the uploader in their language. Anything else is 409 `conflict`.
 */
type Action = 'approve' | 'reject' | 'unpublish'
const MOVES: Record<Action, Partial<Record<VideoStatus, { to: VideoStatus; decision: ModerationDecision }>>> = {
  approve: {
    pending_review: { to: 'published', decision: 'approved' },
    unpublished: { to: 'published', decision: 'republished' },
  },
  reject: { pending_review: { to: 'rejected', decision: 'rejected' } },
  unpublish: { published: { to: 'unpublished', decision: 'unpublished' } },
}

export async function moderate(actor: MaybeActor, id: string, action: Action, reason: string | undefined, lng: Lang) {
  assertCan(actor, 'video.moderate')
  const doc = /^[0-9a-f]{24}$/i.test(id) ? await Video.findById(id).lean<VideoDoc>() : null
  if (!doc) throw notFound('video')
  const move = MOVES[action][doc.status]
  if (!move) throw new AppError(409, 'conflict', { from: doc.status })
  const now = new Date()
  const entry = { by: actor.id, byName: actor.displayName, at: now, decision: move.decision, reason: reason || null }
  const set: Record<string, unknown> = { status: move.to }
  if (move.to === 'published') {
    set.publishedAt = doc.publishedAt ?? now
    if (!doc.firstPublishedAt) set.firstPublishedAt = now
  }
  // Conditional on the status we read: two moderators deciding at once cannot both win.
  const updated = await Video.findOneAndUpdate(
    { _id: id, status: doc.status },
    { $set: set, $push: { moderation: entry } },
    { returnDocument: 'after' },
  ).lean<VideoDoc>()
  if (!updated) throw new AppError(409, 'conflict', { from: doc.status })
  await audit({
    actorId: actor.id,
    action: `video.${move.decision}`,
    target: { kind: 'video', id },
    details: { councilId: String(doc.councilId), from: doc.status, to: move.to, reason: reason || null },
  })
  await notifyUploader(updated, move.decision, reason)
  if (doc.status === 'published' || move.to === 'published') await afterVisibilityChange(String(doc.councilId))
  return toDetails(updated, actor, lng)
}

async function notifyUploader(
  video: Pick<VideoDoc, '_id' | 'uploaderId' | 'title'>,
  decision: ModerationDecision,
  reason: string | undefined,
): Promise<void> {
  try {
    const user = await findUserById(String(video.uploaderId))
    if (!user) return
    await sendMail({
      to: user.email,
      lng: user.locale,
      template: `videos:email.${decision}`,
      vars: {
        name: user.displayName,
        title: pick(video.title, user.locale),
        reason: reason ?? '',
        videoId: String(video._id),
      },
    })
  } catch (err) {
    // The decision stands; sendMail already queues retries for transport failures.
    log.warn({ err, videoId: String(video._id) }, 'could not e-mail the uploader')
  }
}

export async function moderationQueue(
  actor: MaybeActor,
  q: { status: VideoStatus; council?: string; q?: string; limit: number; cursor?: string },
) {
  assertCan(actor, 'video.moderate')
  const filter: Record<string, unknown> = {
    status: q.status,
    ...(q.council ? { councilId: q.council } : {}),
    ...(searchFilter(q.q) ?? {}),
  }
  // The review queue is first come, first served; other statuses show the newest first.
  const dir = q.status === 'pending_review' || q.status === 'processing' ? 1 : -1
  return pageOf(filter, 'createdAt', dir, q.limit, q.cursor)
}
