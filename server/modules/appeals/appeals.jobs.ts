import mongoose from 'mongoose'
import { OPEN_STATUSES } from '../../../shared/schemas/appeals.js'
import type { ClientSession } from 'mongoose'
import { REMINDER_HOLD_MS, withClaim } from '../../core/claims.js'
import { cancelJob, enqueueJob, type JobHandlers, type JobPayloads } from '../../core/jobs.js'
import { log } from '../../core/logger.js'
import { removeStored } from '../../core/storage.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { workingDaysBefore } from './calendar.js'
import { formatDay, notifyAuthor, notifyCouncil } from './appeals.notify.js'
import { councilStatsChanged } from './appeals.stats.js'

/**
 * Persisted jobs of the appeals module: council reminders 3 working days before the due date
 * and once it has passed, and the purge of guest appeals never confirmed. They live in the
 * `jobs` collection, so they fire after a restart; handlers re-check the stored appeal (a stale
 * job for an older due date, or an answered appeal, does nothing).
 */
export const REMIND_BEFORE_WORKING_DAYS = 3
type ReminderKind = 'due_soon' | 'overdue'
interface ReminderPayload {
  appealId: string
  kind: ReminderKind
  dueAt: string
}
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'appeals.reminder': ReminderPayload
    'appeals.purge_unconfirmed': { appealId: string }
    /**
     * The mails a new appeal owes: the guest's confirmation link, or, once registered, the
     * author's receipt and the council's notice. Queued in the transaction that writes
     * the appeal, sealed: the access code and link exist in plain text nowhere else, and are
     * erased once the mails are sent.
     */
    'appeals.announce':
      | { appealId: string; kind: 'confirm'; accessCode: string; confirmUrl: string }
      | { appealId: string; kind: 'registered'; accessCode?: string }
  }
}

const reminderKey = (id: string, kind: ReminderKind) => `appeals.reminder:${id}:${kind}`
const purgeKey = (id: string) => `appeals.purge:${id}`

/** (Re)schedules both reminders for the appeal's current due date; cancels them when it is settled. */
export async function scheduleDeadlineJobs(
  a: Pick<AppealDoc, '_id' | 'status' | 'dueAt'>,
  session?: ClientSession,
): Promise<void> {
  const id = String(a._id)
  if (!a.dueAt || !(OPEN_STATUSES as readonly string[]).includes(a.status)) return cancelDeadlineJobs(id, session)
  const dueAt = new Date(a.dueAt)
  const soon = workingDaysBefore(dueAt, REMIND_BEFORE_WORKING_DAYS)
  if (soon.getTime() > Date.now())
    await enqueueJob(
      'appeals.reminder',
      { appealId: id, kind: 'due_soon', dueAt: dueAt.toISOString() },
      { runAt: soon, dedupeKey: reminderKey(id, 'due_soon'), session },
    )
  else await cancelJob(reminderKey(id, 'due_soon'), session)
  await enqueueJob(
    'appeals.reminder',
    { appealId: id, kind: 'overdue', dueAt: dueAt.toISOString() },
    { runAt: new Date(dueAt.getTime() + 1000), dedupeKey: reminderKey(id, 'overdue'), session },
  )
}

export async function cancelDeadlineJobs(id: string, session?: ClientSession): Promise<void> {
  // One after the other: operations of one transaction's session must not run in parallel.
  await cancelJob(reminderKey(id, 'due_soon'), session)
  await cancelJob(reminderKey(id, 'overdue'), session)
}

export async function schedulePurge(id: string, at: Date, session?: ClientSession): Promise<void> {
  await enqueueJob('appeals.purge_unconfirmed', { appealId: id }, { runAt: at, dedupeKey: purgeKey(id), session })
}
export const cancelPurge = (id: string, session?: ClientSession): Promise<void> => cancelJob(purgeKey(id), session)

/**
 * Sends an announcement once: skipped when the appeal records it as sent; else sent with an
 * idempotency key (the outbox writes it once even if we die before recording it), then recorded.
 */
async function once(a: AppealDoc, mark: string, send: (key: string) => Promise<unknown>): Promise<void> {
  if (a.announced?.includes(mark)) return
  await send(`appeal:${String(a._id)}:${mark}`)
  await Appeal.updateOne({ _id: a._id }, { $addToSet: { announced: mark } })
}

async function announce(p: JobPayloads['appeals.announce']): Promise<void> {
  const a = await Appeal.findById(p.appealId).lean<AppealDoc>()
  if (!a) return
  if (p.kind === 'confirm') {
    if (a.status !== 'unconfirmed') return
    const vars = { confirmUrl: p.confirmUrl, accessCode: p.accessCode, expiresDate: formatDay(a.confirm!.expiresAt) }
    return once(a, 'confirm', (key) => notifyAuthor(a, 'confirm', vars, key))
  }
  if (a.status === 'unconfirmed') return
  const extra = p.accessCode ? { accessCode: p.accessCode } : {}
  await once(a, 'received', (key) => notifyAuthor(a, 'received', extra, key))
  await once(a, 'council_new', (key) => notifyCouncil(a, 'council_new', {}, key))
}

async function remind({ appealId, kind, dueAt }: ReminderPayload): Promise<void> {
  const due = new Date(dueAt)
  const field = kind === 'due_soon' ? 'reminded.dueSoon' : 'reminded.overdue'
  const unsent = () =>
    Appeal.findOne({
      _id: appealId,
      status: mongoose.trusted({ $in: OPEN_STATUSES }),
      // An overdue reminder only once the due date has really passed.
      dueAt: kind === 'overdue' ? mongoose.trusted({ $eq: due, $lte: new Date() }) : due,
      [field]: mongoose.trusted({ $ne: due }),
    }).lean<AppealDoc>()
  if (!(await unsent())) return
  // One copy of this job sends at a time (a reschedule or a lease that ran out can make two); the
  // mails go under a key and are recorded after, so a crash in between loses nothing (SMTP: at
  // least once) where recording first could lose the reminder.
  await withClaim(`appeals.reminder:${appealId}:${kind}:${dueAt}`, REMINDER_HOLD_MS, async () => {
    const appeal = await unsent() // another copy may have sent it meanwhile
    if (!appeal) return
    // Becoming overdue changes the council's stats though nothing else was written.
    if (kind === 'overdue') councilStatsChanged(appeal.councilId)
    const template = kind === 'due_soon' ? 'reminder_due_soon' : 'reminder_overdue'
    const sent = await notifyCouncil(appeal, template, {}, `appeal:${appealId}:${kind}:${dueAt}`)
    await Appeal.updateOne({ _id: appeal._id }, { $set: { [field]: due } })
    log.info({ appealId, kind, sent }, 'appeal reminder sent')
  })
}

async function purgeUnconfirmed({ appealId }: { appealId: string }): Promise<void> {
  const gone = await Appeal.findOneAndDelete({
    _id: appealId,
    status: 'unconfirmed',
    'confirm.expiresAt': mongoose.trusted({ $lte: new Date() }),
  }).lean<AppealDoc>()
  if (!gone) return
  await removeStored(`appeals/${appealId}`)
  log.info({ appealId, trackingNumber: gone.trackingNumber }, 'unconfirmed appeal purged')
}

export const appealsJobs: JobHandlers = {
  'appeals.reminder': { run: remind },
  'appeals.purge_unconfirmed': { run: purgeUnconfirmed },
  'appeals.announce': { run: announce },
}
