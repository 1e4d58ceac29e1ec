import { pick } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { findCouncilSummary } from '../councils/index.js'
import { findUsersByRole } from '../users/index.js'

/**
 * Tells every moderator (the role, not admins as such) that a video waits in the review queue,
 * each in their own language. Called after the job's commit point: a failure here is logged and
 * never fails or repeats the job (sendMail already queues retries when the transport fails).
 */
export async function notifyModeratorsOfReview(video: {
  _id: unknown
  councilId: unknown
  title?: { kk?: string | null; ru?: string | null } | null
}): Promise<void> {
  const videoId = String(video._id)
  try {
    const [moderators, council] = await Promise.all([
      findUsersByRole('moderator'),
      findCouncilSummary(String(video.councilId), { includeArchived: true }),
    ])
    for (const m of moderators) {
      // One bad address must not keep the others from hearing about it.
      try {
        await sendMail({
          to: m.email,
          lng: m.locale,
          template: 'videos:email.review_needed',
          vars: {
            name: m.displayName,
            title: pick(video.title, m.locale),
            council: council ? pick(council.name, m.locale) : '—',
            videoId,
          },
        })
      } catch (err) {
        log.warn({ err, videoId, to: m.id }, 'could not e-mail a moderator about a video to review')
      }
    }
  } catch (err) {
    log.warn({ err, videoId }, 'could not notify moderators about a video to review')
  }
}
