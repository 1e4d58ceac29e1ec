import mongoose from 'mongoose'
import { REMINDER_HOLD_MS, withClaim } from '../../core/claims.js'
import { cancelJob, enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { pick } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { findCouncilMembers } from '../users/index.js'
import { Recommendation, type RecommendationDoc } from './control.model.js'

/**
 * The council is told once when a state body has not answered by `dueAt`: a persisted job (it
 * fires after a restart). One copy of it mails at a time (core/claims.ts), under an idempotency
 * key, and the recommendation records it after (`overdueRemindedFor`): nothing twice, nothing lost.
 */
interface OverduePayload {
  recommendationId: string
  dueAt: string
}
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'control.overdue_reminder': OverduePayload
  }
}
const key = (id: string) => `control.overdue:${id}`

export async function scheduleOverdueReminder(id: string, dueAt: Date): Promise<void> {
  await enqueueJob(
    'control.overdue_reminder',
    { recommendationId: id, dueAt: dueAt.toISOString() },
    { runAt: new Date(Math.max(dueAt.getTime() + 1000, Date.now())), dedupeKey: key(id) },
  )
}
export const cancelOverdueReminder = (id: string) => cancelJob(key(id))

async function remindOverdue({ recommendationId, dueAt }: OverduePayload): Promise<void> {
  const due = new Date(dueAt)
  const unsent = () =>
    Recommendation.findOne({
      _id: recommendationId,
      status: 'sent',
      dueAt: mongoose.trusted({ $eq: due, $lt: new Date() }),
      overdueRemindedFor: mongoose.trusted({ $ne: due }),
    }).lean<RecommendationDoc>()
  if (!(await unsent())) return
  await withClaim(`control.overdue:${recommendationId}:${dueAt}`, REMINDER_HOLD_MS, async () => {
    const rec = await unsent() // another copy may have sent it meanwhile
    if (!rec) return
    const members = await findCouncilMembers(String(rec.councilId))
    for (const m of members)
      await sendMail({
        to: m.email,
        lng: m.locale,
        template: 'control:email.overdue',
        vars: {
          stateBody: pick(rec.stateBody, m.locale),
          sentAt: new Date(rec.sentAt).toISOString().slice(0, 10),
          dueAt: dueAt.slice(0, 10),
          link: `/grants/recommendations`,
        },
        key: `control.overdue:${recommendationId}:${dueAt}:${m.email}`,
      })
    await Recommendation.updateOne({ _id: rec._id }, { $set: { overdueRemindedFor: due } })
    log.info({ recommendationId, sent: members.length }, 'recommendation overdue reminder sent')
  })
}

export const controlJobs: JobHandlers = { 'control.overdue_reminder': { run: remindOverdue } }
