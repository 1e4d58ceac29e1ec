import fs from 'node:fs/promises'
import mongoose from 'mongoose'
import type { CreateAppealBody } from '../../../shared/schemas/appeals.js'
import type { Lang } from '../../../shared/schemas/common.js'
import { currentConfig } from '../../core/config.js'
import { AppError, isDuplicateKey, validationFailed } from '../../core/errors.js'
import { authorRecord, type Actor } from '../../core/policy.js'
import { markUncommitted, randomName, removeStored, storeFile, sweepUncommitted } from '../../core/storage.js'
import { safeFileName, type UploadedFile } from '../../core/uploads.js'
import { findCouncilSummary } from '../councils/index.js'
import { Appeal, AppealCounter, type AppealDoc } from './appeal.model.js'
import { almatyYear, workingDeadline } from './calendar.js'
import { enqueueJob, wakeJobWorker } from '../../core/jobs.js'
import { cancelPurge, scheduleDeadlineJobs, schedulePurge } from './appeals.jobs.js'
import { councilStatsChanged } from './appeals.stats.js'
import { hashSecret, newAccessCode, newConfirmToken } from './secrets.js'

/** A guest (or a user whose e-mail is unverified) has this long to follow the confirmation link. */
export const CONFIRM_TTL_MS = 72 * 3600_000
/** The Administrative Procedural Code's window to send a misaddressed appeal on. */
export const TRIAGE_WORKING_DAYS = 3

/**
 * `KK-<year>-<seq>`: one counter document per Almaty year, taken with an atomic `$inc`, so
 * concurrent submissions never share a number; a number taken by a failed insert is simply
 * skipped (never reused). The unique index on trackingNumber is the last line of defence.
 */
export async function nextTrackingNumber(at = new Date()): Promise<string> {
  const year = almatyYear(at)
  for (let attempt = 0; ; attempt++) {
    try {
      const c = await AppealCounter.findOneAndUpdate(
        { _id: `appeal:${year}` },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      ).lean<{ seq: number }>()
      return `KK-${year}-${String(c!.seq).padStart(6, '0')}`
    } catch (err) {
      // Two first-of-the-year upserts can race on the new document's _id: the loser retries.
      if (!isDuplicateKey(err) || attempt >= 5) throw err
    }
  }
}

/** The term of an appeal registered now with a council. */
export function registration(now: Date): { registeredAt: Date; dueAt: Date; triageDueAt: Date } {
  return {
    registeredAt: now,
    dueAt: workingDeadline(now, currentConfig().appealDueWorkingDays),
    triageDueAt: workingDeadline(now, TRIAGE_WORKING_DAYS),
  }
}

export interface SubmitResult {
  id: string
  trackingNumber: string
  accessCode: string
  status: 'submitted' | 'unconfirmed'
  dueAt: string | null
}

/**
 * Registers an appeal. Signed-in users with a verified e-mail go straight to the council; guests
 * (and users whose e-mail is not verified yet) confirm by the e-mailed link first, so nobody can
 * send appeals in someone else's name. Anonymous appeals do not exist: every appeal has a name
 * and a reachable e-mail address.
 */
export async function submitAppeal(
  actor: Actor | null,
  body: CreateAppealBody,
  files: UploadedFile[],
  lng: Lang,
): Promise<SubmitResult> {
  if (!actor && !body.contact) throw validationFailed([{ path: 'body.contact', code: 'required' }])
  if (actor && body.contact) throw validationFailed([{ path: 'body.contact', code: 'invalid_value' }])
  const council = await findCouncilSummary(body.councilId)
  if (!council) throw validationFailed([{ path: 'body.councilId', code: 'invalid_value' }])

  const now = new Date()
  const id = new mongoose.Types.ObjectId()
  const attachments = []
  // Files stored before the appeal is committed are marked as ours meanwhile: if this process
  // dies in between, the next start removes them (appeals module start, sweepUncommitted).
  const marker = files.length ? await markUncommitted(`appeals/${String(id)}`) : null
  try {
    for (const f of files) {
      const key = await storeFile(f.path, `appeals/${String(id)}/${randomName(f.ext)}`)
      attachments.push({
        _id: new mongoose.Types.ObjectId(),
        key,
        name: safeFileName(f.originalName, f.ext),
        mime: f.mime,
        size: f.size,
      })
    }
    const trackingNumber = await nextTrackingNumber(now)
    const accessCode = newAccessCode()
    const needsConfirmation = !actor || !actor.emailVerified
    const token = needsConfirmation ? newConfirmToken() : null
    const status = needsConfirmation ? ('unconfirmed' as const) : ('submitted' as const)
    const fields = {
      _id: id,
      trackingNumber,
      councilId: council.id,
      category: body.category,
      subject: body.subject,
      text: body.text,
      isPublic: body.isPublic,
      author: authorRecord(actor, body.contact, lng),
      accessCodeHash: hashSecret(accessCode),
      confirm: token
        ? { tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS) }
        : { tokenHash: null, expiresAt: null },
      attachments,
      status,
      ...(needsConfirmation ? {} : registration(now)),
      history: [{ status, at: now, by: actor?.id ?? null, councilId: council.id }],
    }
    // The appeal and the work it owes (mails, purge or deadline jobs) are written together: a crash
    // leaves both or neither, never an appeal nobody was told about. The job sends the mails.
    const confirmUrl = token ? `${currentConfig().publicUrl}/appeals/confirm?token=${encodeURIComponent(token)}` : null
    const doc = await mongoose.connection.transaction(async (session) => {
      const [created] = await Appeal.create([fields], { session })
      const appeal = created.toObject() as AppealDoc
      if (token) await schedulePurge(String(id), appeal.confirm!.expiresAt!, session)
      else await scheduleDeadlineJobs(appeal, session)
      await enqueueJob(
        'appeals.announce',
        token
          ? { appealId: String(id), kind: 'confirm', accessCode, confirmUrl: confirmUrl! }
          : { appealId: String(id), kind: 'registered', accessCode },
        { session, sealed: true },
      )
      return appeal
    })
    if (marker) await fs.rm(marker, { force: true })
    if (!token) councilStatsChanged(doc.councilId)
    wakeJobWorker()
    return {
      id: String(id),
      trackingNumber,
      accessCode,
      status,
      dueAt: doc.dueAt ? new Date(doc.dueAt).toISOString() : null,
    }
  } catch (err) {
    // Nothing half-made stays behind: stored files go with the failed appeal.
    await removeStored(`appeals/${String(id)}`).catch(() => {})
    throw err
  }
}

/** `POST /appeals/confirm`: the guest followed the link; a second click answers the same. */
export async function confirmAppeal(
  token: string,
): Promise<{ id: string; trackingNumber: string; status: string; dueAt: string | null }> {
  const tokenHash = hashSecret(token)
  const now = new Date()
  const pending = await Appeal.findOne(
    { 'confirm.tokenHash': tokenHash, status: 'unconfirmed', 'confirm.expiresAt': mongoose.trusted({ $gt: now }) },
    { councilId: 1 },
  ).lean<AppealDoc>()
  // The status condition makes two simultaneous clicks register the appeal once.
  // Registered and announced together (see submitAppeal).
  const doc = pending
    ? await mongoose.connection.transaction(async (session) => {
        const updated = await Appeal.findOneAndUpdate(
          { _id: pending._id, status: 'unconfirmed' },
          {
            $set: { status: 'submitted', ...registration(now) },
            $push: { history: { status: 'submitted', at: now, by: null, councilId: pending.councilId } },
          },
          { returnDocument: 'after', session },
        ).lean<AppealDoc>()
        if (updated) {
          await cancelPurge(String(updated._id), session)
          await scheduleDeadlineJobs(updated, session)
          await enqueueJob('appeals.announce', { appealId: String(updated._id), kind: 'registered' }, { session })
        }
        return updated
      })
    : null
  if (doc) {
    councilStatsChanged(doc.councilId)
    wakeJobWorker()
    return shape(doc)
  }
  const again = await Appeal.findOne({
    'confirm.tokenHash': tokenHash,
    status: mongoose.trusted({ $ne: 'unconfirmed' }),
  }).lean<AppealDoc>()
  if (again) return shape(again)
  throw new AppError(400, 'appeals.invalid_token')
}

const shape = (d: AppealDoc) => ({
  id: String(d._id),
  trackingNumber: d.trackingNumber,
  status: d.status,
  dueAt: d.dueAt ? new Date(d.dueAt).toISOString() : null,
})

/** Start-up: the attachment folders of appeals a killed process never committed. */
export async function removeUncommittedAttachments(): Promise<string[]> {
  return sweepUncommitted(
    'appeals',
    async (id) => mongoose.isValidObjectId(id) && Boolean(await Appeal.exists({ _id: id })),
  )
}
