import mongoose from 'mongoose'
import { ClaimHeldError, REMINDER_HOLD_MS, withClaim } from '../../core/claims.js'
import { cancelJob, enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { EventModel, RegistrationModel, type EventDoc, type RegistrationDoc } from './events.model.js'
import { mailRegistrant, type RegistrationMail } from './events.notify.js'

/**
 * Event mail as persisted jobs: they survive a restart and run on whichever process claims them.
 * Each mail is sent once: a registration records the mails it got (`mailed`). One copy of a job
 * mails at a time (core/claims.ts); every mail is sent with an idempotency key and recorded after
 * (the outbox writes it once even if the worker died in between; over SMTP at least once, never lost).
 */
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'events.mail': { registrationId: string; kind: 'registered' | 'waitlisted' | 'promoted' }
    'events.reminder': { eventId: string; startsAt: string }
    'events.cancelled': { eventId: string }
  }
}

const DAY_MS = 24 * 3600_000
/** An event's reminders or cancellations go to every registrant: a longer hold between renewals. */
const BULK_HOLD_MS = 5 * 60_000
const reminderKey = (eventId: string) => `events.reminder:${eventId}`

/** Records the mail as sent for this registration. */
async function recordMailed(r: RegistrationDoc, mark: string): Promise<void> {
  await RegistrationModel.updateOne({ _id: r._id }, { $addToSet: { mailed: mark } })
}

/** Sent under a key, then recorded (`mark`): a run after a crash in between sends no second mail to the outbox. */
async function mailOnce(
  e: EventDoc,
  r: RegistrationDoc,
  kind: RegistrationMail,
  mark: string = kind,
  vars: Record<string, unknown> = {},
): Promise<void> {
  if (r.mailed?.includes(mark)) return
  await mailRegistrant(e, r, kind, vars, `event-registration:${String(r._id)}:${mark}`)
  await recordMailed(r, mark)
}

async function sendRegistrationMail(p: { registrationId: string; kind: RegistrationMail }): Promise<void> {
  const r = await RegistrationModel.findById(p.registrationId).lean<RegistrationDoc>()
  if (!r) return // cancelled meanwhile
  const e = await EventModel.findById(r.eventId).lean<EventDoc>()
  if (!e) return
  const vars: Record<string, unknown> = {}
  if (p.kind === 'waitlisted') {
    if (r.status !== 'waitlisted') return
    vars.position =
      1 +
      (await RegistrationModel.countDocuments({
        eventId: r.eventId,
        status: 'waitlisted',
        seq: mongoose.trusted({ $lt: r.seq ?? 0 }),
      }))
  }
  // One copy of the job mails at a time; `mailed` is read again under the claim.
  await withClaim(`events.mail:${p.registrationId}:${p.kind}`, REMINDER_HOLD_MS, async () => {
    const fresh = await RegistrationModel.findById(r._id, { mailed: 1 }).lean<Pick<RegistrationDoc, 'mailed'>>()
    if (fresh) await mailOnce(e, { ...r, mailed: fresh.mailed }, p.kind, p.kind, vars)
  })
}

/** 24 h before the start, everyone registered (not the waiting list) gets one reminder. */
async function sendReminders(p: { eventId: string; startsAt: string }): Promise<void> {
  const e = await EventModel.findById(p.eventId).lean<EventDoc>()
  // Moved or cancelled since the job was queued: the rescheduled job (or none) does the work.
  if (!e || e.status !== 'published' || e.startsAt.toISOString() !== p.startsAt) return
  if (e.startsAt.getTime() <= Date.now()) return
  const mark = `reminder:${p.startsAt}`
  const key = `events.reminder:${p.eventId}:${p.startsAt}`
  await withClaim(key, BULK_HOLD_MS, async (stillHeld) => {
    // Read under the claim: each registration's `mailed` is current.
    const regs = await RegistrationModel.find({ eventId: e._id, status: 'registered' }).lean<RegistrationDoc[]>()
    for (const r of regs) {
      if (!stillHeld()) throw new ClaimHeldError(key) // lost (the database was away): another goes on
      await mailOnce(e, r, 'reminder', mark)
    }
  })
}

async function sendCancellations(p: { eventId: string }): Promise<void> {
  const e = await EventModel.findById(p.eventId).lean<EventDoc>()
  if (!e || e.status !== 'cancelled') return
  const key = `events.cancelled:${p.eventId}`
  await withClaim(key, BULK_HOLD_MS, async (stillHeld) => {
    const regs = await RegistrationModel.find({
      eventId: e._id,
      status: mongoose.trusted({ $in: ['registered', 'waitlisted'] }),
    }).lean<RegistrationDoc[]>()
    for (const r of regs) {
      if (!stillHeld()) throw new ClaimHeldError(key)
      await mailOnce(e, r, 'cancelled')
    }
  })
}

export const eventsJobs: JobHandlers = {
  'events.mail': { run: sendRegistrationMail },
  'events.reminder': { run: sendReminders },
  'events.cancelled': { run: sendCancellations, leaseMs: 5 * 60_000 },
}

export async function enqueueRegistrationMail(
  registrationId: string,
  kind: 'registered' | 'waitlisted' | 'promoted',
): Promise<void> {
  await enqueueJob('events.mail', { registrationId, kind })
}

/** (Re)schedules the reminder of a published event at start − 24 h (at once if that has passed). */
export async function scheduleReminder(e: Pick<EventDoc, '_id' | 'startsAt'>): Promise<void> {
  const runAt = new Date(Math.max(Date.now(), e.startsAt.getTime() - DAY_MS))
  await enqueueJob(
    'events.reminder',
    { eventId: String(e._id), startsAt: e.startsAt.toISOString() },
    { runAt, dedupeKey: reminderKey(String(e._id)) },
  )
}

export async function cancelReminder(eventId: string): Promise<void> {
  await cancelJob(reminderKey(eventId))
}

export async function notifyEventCancelled(eventId: string): Promise<void> {
  await enqueueJob('events.cancelled', { eventId })
}
