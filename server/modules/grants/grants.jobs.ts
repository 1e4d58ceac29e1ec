import mongoose from 'mongoose'
import { REMINDER_HOLD_MS, withClaim } from '../../core/claims.js'
import { cancelJob, enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { pick } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { workingDaysBefore } from '../appeals/index.js'
import { GrantApplication, GrantAward, type ApplicationDoc, type AwardDoc } from './grants.model.js'
import { mailCouncil } from './grants.notify.js'

/**
 * Reminders before each milestone of an awarded plan (the last milestone is when the final report
 * is due): persisted jobs, so they fire after a restart. One copy of a reminder's job sends at a
 * time (core/claims.ts), under an idempotency key, and the award records it after (`reminded`):
 * a duplicated job sends nothing twice, and a crash in between loses nothing.
 */
export const REMIND_BEFORE_WORKING_DAYS = 3
interface MilestonePayload {
  awardId: string
  index: number
  dueAt: string
}
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'grants.milestone_reminder': MilestonePayload
  }
}
const key = (awardId: string, index: number) => `grants.milestone:${awardId}:${index}`

export async function scheduleMilestoneReminders(awardId: string, dueDates: Date[], now = Date.now()): Promise<void> {
  for (const [index, dueAt] of dueDates.entries()) {
    if (dueAt.getTime() <= now) continue
    const at = workingDaysBefore(dueAt, REMIND_BEFORE_WORKING_DAYS)
    await enqueueJob(
      'grants.milestone_reminder',
      { awardId, index, dueAt: dueAt.toISOString() },
      { runAt: new Date(Math.max(at.getTime(), now)), dedupeKey: key(awardId, index) },
    )
  }
}
export const cancelMilestoneReminder = (awardId: string, index: number) => cancelJob(key(awardId, index))

async function remindMilestone({ awardId, index, dueAt }: MilestonePayload): Promise<void> {
  const tag = `${index}:${dueAt}`
  const unsent = () =>
    GrantAward.findOne({ _id: awardId, status: 'active', reminded: mongoose.trusted({ $ne: tag }) }).lean<AwardDoc>()
  if (!(await unsent())) return
  await withClaim(`grants.milestone:${awardId}:${tag}`, REMINDER_HOLD_MS, async () => {
    const award = await unsent() // another copy may have sent it meanwhile
    if (award) await sendMilestoneReminder(award, index, dueAt, tag)
  })
}

async function sendMilestoneReminder(award: AwardDoc, index: number, dueAt: string, tag: string): Promise<void> {
  const awardId = String(award._id)
  const app = await GrantApplication.findById(award.applicationId).lean<ApplicationDoc>()
  const step = app?.plan?.[index]
  if (!app || !step || new Date(step.dueAt!).toISOString() !== dueAt) return
  const last = index === app.plan.length - 1
  const sent = await mailCouncil(
    String(award.councilId),
    last ? 'final_report_due' : 'milestone_due',
    (lng) => ({
      title: pick(app.title, lng),
      milestone: step.title,
      dueAt: dueAt.slice(0, 10),
      link: `/grants/awards/${awardId}`,
    }),
    'grants',
    `grants.milestone:${awardId}:${tag}`,
  )
  await GrantAward.updateOne({ _id: award._id }, { $addToSet: { reminded: tag } })
  log.info({ awardId, index, sent }, 'grant milestone reminder sent')
}

export const grantsJobs: JobHandlers = {
  'grants.milestone_reminder': { run: remindMilestone },
}
