import mongoose from 'mongoose'
import { OPEN_STATUSES, type AppealStatus, type StatusBody } from '../../../shared/schemas/appeals.js'
import { AppError, conflict, forbidden, validationFailed } from '../../core/errors.js'
import { can, type Actor, type MaybeActor } from '../../core/policy.js'
import { createRateLimiter } from '../../core/rate-limit.js'
import { findCouncilSummary } from '../councils/index.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { addMonthsKey, almatyDay, endOfAlmatyDay, workingDayOnOrBefore, workingDaysBetween } from './calendar.js'
import { cancelDeadlineJobs, scheduleDeadlineJobs } from './appeals.jobs.js'
import { notifyAuthor, notifyCouncil } from './appeals.notify.js'
import { councilStatsChanged } from './appeals.stats.js'
import { auditStaffAccess, loadAppealFor } from './appeals.policy.js'
import { registration } from './appeals.submit.js'
import { publicSearchTokens, toAppealView } from './appeals.view.js'

/**
 * The life of a registered appeal: replies, status changes (with redirect), the one extension,
 * and the author's rating. Every change is a conditional update on the current status, so two
 * people acting at once cannot both win; e-mails go out afterwards from the stored result.
 */
const iso = (d: Date | string) => new Date(d).toISOString()
const trusted = mongoose.trusted
/** Council extensions are capped at 2 months from registration (Administrative Procedural Code). */
export const EXTENSION_MAX_MONTHS = 2

/** Which status each PATCH /status target may come from. */
const TRANSITIONS: Record<StatusBody['status'], readonly AppealStatus[]> = {
  in_progress: ['submitted', 'redirected', 'answered'],
  closed: ['answered'],
  rejected: ['submitted', 'redirected', 'in_progress'],
  redirected: ['submitted', 'redirected', 'in_progress'],
}
const REPLYABLE: readonly AppealStatus[] = ['submitted', 'redirected', 'in_progress', 'answered']
/** Author follow-ups per appeal: each one e-mails every member of the council (no mail bombing). */
export const authorReplies = createRateLimiter({ name: 'appeals_author_reply', points: 10, durationSec: 3600 })
/**
 * Replies kept in one appeal document. At TEXT_MAX (10,000 characters, ~20 KB of Cyrillic) each,
 * 200 stay far under MongoDB's 16 MB document limit; a longer exchange belongs in a new appeal.
 * The author stops a few short of it, so follow-ups can never leave the council unable to answer.
 */
export const MAX_REPLIES = 200
export const COUNCIL_RESERVED_REPLIES = 10

function replyShape(r: { _id: unknown; by: string; authorName: string; text: string; createdAt: Date }) {
  return {
    id: String(r._id),
    by: r.by as 'council' | 'author',
    authorName: r.authorName,
    text: r.text,
    createdAt: iso(r.createdAt),
  }
}

export async function addReply(actor: MaybeActor, id: string, code: string | undefined, text: string) {
  const { appeal, access } = await loadAppealFor(actor, id, code)
  const now = new Date()
  const replyId = new mongoose.Types.ObjectId()
  if (access !== 'author' && !can(actor, 'appeal.answer', { councilId: appeal.councilId })) throw forbidden()
  if (appeal.status === 'unconfirmed') throw conflict('appeals.not_confirmed')
  if (!REPLYABLE.includes(appeal.status as AppealStatus)) throw conflict('appeals.closed')
  const byCouncil = access !== 'author'
  const cap = byCouncil ? MAX_REPLIES : MAX_REPLIES - COUNCIL_RESERVED_REPLIES
  if ((appeal.replies?.length ?? 0) >= cap) throw conflict('appeals.too_many_replies', { max: cap })

  if (!byCouncil) await authorReplies.consume(String(appeal._id))
  const reply = {
    _id: replyId,
    by: byCouncil ? 'council' : 'author',
    userId: actor?.id ?? null,
    authorName: byCouncil ? actor!.displayName : appeal.author.name,
    text,
    createdAt: now,
  }
  const set: Record<string, unknown> = {}
  const history: Record<string, unknown>[] = []
  if (byCouncil) {
    set.status = 'answered'
    if (!appeal.answeredAt) set.answeredAt = now
    // This council's response time (a redirect clears it: the receiving council answers anew).
    if (appeal.responseDays == null && appeal.registeredAt)
      set.responseDays = workingDaysBetween(new Date(appeal.registeredAt), now)
    if (appeal.status !== 'answered')
      history.push({ status: 'answered', at: now, by: actor!.id, councilId: appeal.councilId })
    if (appeal.isPublic) {
      const answers = (appeal.replies ?? []).filter((r) => r.by === 'council').map((r) => r.text)
      set.searchTokens = publicSearchTokens(appeal, [...answers, text])
    }
  } else if (appeal.status === 'answered') {
    // A follow-up after the answer reopens the appeal with a fresh term for the new question.
    Object.assign(set, { status: 'in_progress', dueAt: registration(now).dueAt })
    history.push({ status: 'in_progress', at: now, by: actor?.id ?? null, councilId: appeal.councilId })
  }
  const doc = await Appeal.findOneAndUpdate(
    // The cap again in the filter: two replies racing for the last place cannot both get it.
    {
      _id: appeal._id,
      status: appeal.status,
      councilId: appeal.councilId,
      [`replies.${cap - 1}`]: trusted({ $exists: false }),
    },
    { $set: set, $push: { replies: reply, history: { $each: history } } },
    { returnDocument: 'after' },
  ).lean<AppealDoc>()
  if (!doc) throw conflict('conflict')
  councilStatsChanged(doc.councilId)

  if (byCouncil) {
    await cancelDeadlineJobs(id)
    await notifyAuthor(doc, 'answered', { replyText: text })
  } else {
    if (doc.status !== appeal.status) await scheduleDeadlineJobs(doc)
    await notifyCouncil(doc, 'author_replied', { replyText: text })
  }
  return replyShape(reply as never)
}

export async function changeStatus(actor: Actor, id: string, body: StatusBody) {
  const { appeal, access } = await loadAppealFor(actor, id)
  if (access === 'author' || !can(actor, 'appeal.change_status', { councilId: appeal.councilId })) throw forbidden()
  if (!TRANSITIONS[body.status].includes(appeal.status as AppealStatus))
    throw conflict('appeals.invalid_transition', { from: appeal.status, to: body.status })
  const now = new Date()
  const set: Record<string, unknown> = { status: body.status, statusReason: body.reason ?? null }
  let councilId = String(appeal.councilId)
  if (body.status === 'redirected') {
    const target = await findCouncilSummary(body.councilId!)
    if (!target || target.id === councilId) throw validationFailed([{ path: 'body.councilId', code: 'invalid_value' }])
    councilId = target.id
    // The receiving council gets a full term from the day it receives the appeal.
    Object.assign(set, {
      councilId,
      ...registration(now),
      extension: null,
      reminded: { dueSoon: null, overdue: null },
      responseDays: null,
    })
  }
  if (body.status === 'closed' || body.status === 'rejected') set.closedAt = now
  const doc = await Appeal.findOneAndUpdate(
    { _id: appeal._id, status: appeal.status, councilId: appeal.councilId },
    {
      $set: set,
      $push: { history: { status: body.status, at: now, by: actor.id, reason: body.reason ?? null, councilId } },
    },
    { returnDocument: 'after' },
  ).lean<AppealDoc>()
  if (!doc) throw conflict('conflict')
  councilStatsChanged(appeal.councilId, doc.councilId)
  await auditStaffAccess(actor, access, doc, `appeal.status_${body.status}`)

  await scheduleDeadlineJobs(doc)
  if (body.status === 'redirected') {
    await notifyAuthor(doc, 'redirected')
    await notifyCouncil(doc, 'council_new')
  } else {
    await notifyAuthor(doc, 'status_changed')
  }
  return toAppealView(doc, { withHistory: true })
}

export async function extendAppeal(actor: Actor, id: string, body: { reason: string; dueAt?: string }) {
  const { appeal } = await loadAppealFor(actor, id)
  if (!can(actor, 'appeal.answer', { councilId: appeal.councilId })) throw forbidden()
  if (!(OPEN_STATUSES as readonly string[]).includes(appeal.status))
    throw conflict('appeals.invalid_transition', { from: appeal.status, to: 'extended' })
  if (appeal.extension) throw conflict('appeals.already_extended')
  const capDay = workingDayOnOrBefore(addMonthsKey(new Date(appeal.registeredAt!), EXTENSION_MAX_MONTHS))
  const day = body.dueAt ? workingDayOnOrBefore(body.dueAt) : capDay
  if (day > capDay)
    throw new AppError(400, 'appeals.extension_too_long', { maxDate: capDay.split('-').reverse().join('.') }, [
      { path: 'body.dueAt', code: 'too_big' },
    ])
  const newDue = endOfAlmatyDay(day)
  if (newDue <= new Date(appeal.dueAt!) || day <= almatyDay(new Date()))
    throw new AppError(400, 'appeals.extension_too_short', {}, [{ path: 'body.dueAt', code: 'too_small' }])
  const now = new Date()
  const doc = await Appeal.findOneAndUpdate(
    { _id: appeal._id, status: appeal.status, councilId: appeal.councilId, extension: null },
    {
      $set: {
        dueAt: newDue,
        extension: { reason: body.reason, at: now, by: actor.id, previousDueAt: appeal.dueAt },
        reminded: { dueSoon: null, overdue: null },
      },
    },
    { returnDocument: 'after' },
  ).lean<AppealDoc>()
  if (!doc) throw conflict('appeals.already_extended')
  councilStatsChanged(doc.councilId)
  await scheduleDeadlineJobs(doc)
  await notifyAuthor(doc, 'extended', { reason: body.reason })
  return toAppealView(doc, { withHistory: true })
}

export async function rateAppeal(
  actor: MaybeActor,
  id: string,
  code: string | undefined,
  body: { score: number; comment?: string },
) {
  const { appeal, access } = await loadAppealFor(actor, id, code)
  if (access !== 'author') throw forbidden()
  if (!appeal.answeredAt) throw conflict('appeals.not_answered')
  const rating = { score: body.score, comment: body.comment ?? null, at: new Date() }
  const doc = await Appeal.findOneAndUpdate(
    { _id: appeal._id, rating: null, answeredAt: trusted({ $ne: null }) },
    { $set: { rating } },
    { returnDocument: 'after' },
  ).lean<AppealDoc>()
  if (!doc) throw conflict('appeals.already_rated')
  return { score: rating.score, comment: rating.comment, at: iso(rating.at) }
}
