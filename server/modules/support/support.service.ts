import fs from 'node:fs/promises'
import mongoose from 'mongoose'
import type { Lang, Page } from '../../../shared/schemas/common.js'
import {
  TICKET_OPEN_STATUSES,
  type CreateTicketBody,
  type TicketFilters,
  type TicketListQuery,
  type TicketView,
  type UpdateTicketBody,
} from '../../../shared/schemas/support.js'
import { AppError, authRequired, isDuplicateKey, notFound, validationFailed } from '../../core/errors.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { reencodeImage } from '../../core/images.js'
import { wakeJobWorker } from '../../core/jobs.js'
import { assertCan, authorRecord, can, type Actor, type MaybeActor } from '../../core/policy.js'
import {
  markUncommitted,
  randomName,
  removeStored,
  resolveStored,
  sweepUncommitted,
  writeStored,
} from '../../core/storage.js'
import { safeFileName, type UploadedFile } from '../../core/uploads.js'
import { almatyYear, workingDeadline } from '../appeals/index.js'
import { findUserById } from '../users/index.js'
import { codeMatches, hashCode, loadTicketFor, newAccessCode } from './support.access.js'
import { Ticket, TicketCounter, type TicketDoc } from './support.model.js'
import { queueTicketMail } from './support.notify.js'
import { toTicketView } from './support.view.js'

const trusted = mongoose.trusted
/** The first staff answer is due this many working days (Kazakhstan calendar) after the ticket. */
export const FIRST_RESPONSE_WORKING_DAYS = 1

async function nextNumber(at: Date): Promise<string> {
  const year = almatyYear(at)
  for (let attempt = 0; ; attempt++) {
    try {
      const c = await TicketCounter.findOneAndUpdate(
        { _id: `support:${year}` },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      ).lean<{ seq: number }>()
      return `SD-${year}-${String(c!.seq).padStart(6, '0')}`
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 5) throw err
    }
  }
}

export interface CreatedTicket {
  id: string
  number: string
  accessCode?: string
  status: 'new'
  firstResponseDueAt: string
}

/** Opens a ticket (screenshots re-encoded to WebP, metadata stripped); e-mails the author the number (and a guest the code). */
export async function createTicket(
  actor: Actor | null,
  body: CreateTicketBody,
  files: UploadedFile[],
  lng: Lang,
): Promise<CreatedTicket> {
  if (!actor && !body.contact) throw validationFailed([{ path: 'body.contact', code: 'required' }])
  if (actor && body.contact) throw validationFailed([{ path: 'body.contact', code: 'invalid_value' }])
  const now = new Date()
  const id = new mongoose.Types.ObjectId()
  const dir = `support/${String(id)}`
  // Screenshots stored before the ticket is committed are marked meanwhile (a dead process's go at the next start).
  const marker = files.length ? await markUncommitted(dir) : null
  try {
    const attachments = []
    for (const f of files) {
      const webp = await reencodeImage(f.path, { maxWidth: 2400, maxHeight: 2400 })
      const key = await writeStored(`${dir}/${randomName('.webp')}`, webp)
      attachments.push({
        _id: new mongoose.Types.ObjectId(),
        key,
        name: safeFileName(f.originalName, 'webp'),
        mime: 'image/webp',
        size: webp.length,
      })
    }
    const accessCode = actor ? undefined : newAccessCode()
    const fields = {
      _id: id,
      number: await nextNumber(now),
      category: body.category,
      subject: body.subject,
      text: body.text,
      author: authorRecord(actor, body.contact, lng),
      accessCodeHash: accessCode ? hashCode(accessCode) : null,
      status: 'new',
      firstResponseDueAt: workingDeadline(now, FIRST_RESPONSE_WORKING_DAYS),
      attachments,
    }
    // The ticket and its receipt mail are written together: both or neither.
    const doc = await mongoose.connection.transaction(async (session) => {
      const [created] = await Ticket.create([fields], { session })
      await queueTicketMail({ ticketId: String(id), template: 'received', accessCode }, session)
      return created.toObject() as TicketDoc
    })
    wakeJobWorker()
    if (marker) await fs.rm(marker, { force: true })
    return {
      id: String(id),
      number: doc.number,
      ...(accessCode ? { accessCode } : {}),
      status: 'new',
      firstResponseDueAt: doc.firstResponseDueAt.toISOString(),
    }
  } catch (err) {
    await removeStored(dir).catch(() => {})
    throw err
  }
}

export async function getTicket(actor: MaybeActor, id: string, code?: string): Promise<TicketView> {
  const { ticket, access } = await loadTicketFor(actor, id, code)
  return toTicketView(ticket, access)
}

export async function ticketAttachment(actor: MaybeActor, id: string, attachmentId: string, code?: string) {
  const { ticket } = await loadTicketFor(actor, id, code)
  const f = ticket.attachments.find((a) => String(a._id) === attachmentId) ?? null
  if (!f) throw notFound('attachment')
  return { path: resolveStored(f.key), name: f.name, mime: f.mime }
}

function queueFilter(q: TicketFilters): Record<string, unknown> {
  const and: Record<string, unknown>[] = []
  if (q.status) and.push({ status: q.status })
  if (q.category) and.push({ category: q.category })
  if (q.assignee) and.push({ assigneeId: q.assignee === 'none' ? null : new mongoose.Types.ObjectId(q.assignee) })
  const now = new Date()
  if (q.overdue === true)
    and.push({
      firstResponseAt: null,
      status: trusted({ $in: TICKET_OPEN_STATUSES }),
      firstResponseDueAt: trusted({ $lt: now }),
    })
  else if (q.overdue === false)
    and.push({
      $or: [
        { firstResponseAt: trusted({ $ne: null }) },
        { status: trusted({ $nin: TICKET_OPEN_STATUSES }) },
        { firstResponseDueAt: trusted({ $gte: now }) },
      ],
    })
  return and.length ? { $and: and } : {}
}

/**
 * `GET /support/tickets`: staff see the queue (filters); a signed-in user their own tickets; a guest
 * the one ticket whose number and code match (else an empty list, never a hint).
 */
export async function listTickets(actor: MaybeActor, q: TicketListQuery): Promise<Page<TicketView>> {
  if (!actor) {
    if (!q.number || !q.code) throw authRequired()
    const t = q.number ? await Ticket.findOne({ number: q.number.toUpperCase() }).lean<TicketDoc>() : null
    return { items: t && codeMatches(q.code, t.accessCodeHash) ? [toTicketView(t, 'author')] : [], nextCursor: null }
  }
  const staff = can(actor, 'support.manage')
  const filter = staff ? queueFilter(q) : { $and: [{ 'author.userId': new mongoose.Types.ObjectId(actor.id) }] }
  const after = decodeCursor(q.cursor)
  if (after) {
    const at = new Date(String(after[0]))
    if (Number.isNaN(at.getTime()) || !mongoose.isValidObjectId(String(after[1]))) throw invalidCursor()
    ;((filter.$and ??= []) as unknown[]).push({ $or: afterKey('createdAt', at, String(after[1]), '$lt') })
  }
  const docs = await Ticket.find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean<TicketDoc[]>()
  const page = docs.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: page.map((d) => toTicketView(d, staff ? 'staff' : 'author')),
    nextCursor:
      docs.length > q.limit && last ? encodeCursor([new Date(last.createdAt).toISOString(), String(last._id)]) : null,
  }
}

/** Every ticket matching the queue's filters, oldest first, for a spreadsheet (bounded). */
export async function exportTickets(actor: Actor, q: TicketFilters): Promise<TicketDoc[]> {
  assertCan(actor, 'support.manage')
  return Ticket.find(queueFilter(q)).sort({ createdAt: 1, _id: 1 }).limit(20_000).lean<TicketDoc[]>()
}

/** A message in the thread: staff (the first one answers the ticket; the author is e-mailed) or the author. */
export async function addMessage(actor: MaybeActor, id: string, code: string | undefined, text: string) {
  const { ticket, access } = await loadTicketFor(actor, id, code)
  if (ticket.status === 'closed') throw new AppError(409, 'support.closed')
  const now = new Date()
  const message = {
    _id: new mongoose.Types.ObjectId(),
    by: access,
    authorId: actor?.id ?? null,
    authorName: access === 'staff' ? actor!.displayName : ticket.author.name,
    text,
    createdAt: now,
  }
  const set: Record<string, unknown> = {}
  if (access === 'staff') {
    if (!ticket.firstResponseAt) set.firstResponseAt = now
    if (ticket.status === 'new') set.status = 'in_progress'
  } else if (ticket.status === 'waiting' || ticket.status === 'resolved') set.status = 'in_progress'
  const doc = await mongoose.connection.transaction(async (session) => {
    const updated = await Ticket.findOneAndUpdate(
      { _id: ticket._id, status: trusted({ $ne: 'closed' }) },
      { $push: { messages: message }, ...(Object.keys(set).length ? { $set: set } : {}) },
      { returnDocument: 'after', session },
    ).lean<TicketDoc>()
    if (updated && access === 'staff')
      await queueTicketMail({ ticketId: id, template: 'answered', messageId: String(message._id) }, session)
    return updated
  })
  if (!doc) throw new AppError(409, 'support.closed')
  wakeJobWorker()
  return toTicketView(doc, access).messages.at(-1)!
}

/** Staff: status and/or assignee; a status change e-mails the author. */
export async function updateTicket(actor: Actor, id: string, body: UpdateTicketBody): Promise<TicketView> {
  assertCan(actor, 'support.manage')
  const ticket = await Ticket.findById(id).lean<TicketDoc>()
  if (!ticket) throw notFound('ticket')
  const set: Record<string, unknown> = {}
  if (body.assigneeId !== undefined) {
    if (body.assigneeId) {
      const user = await findUserById(body.assigneeId)
      const staff = user && user.roles.some((r) => r === 'moderator' || r === 'admin')
      if (!staff) throw validationFailed([{ path: 'body.assigneeId', code: 'invalid_value' }])
    }
    set.assigneeId = body.assigneeId ? new mongoose.Types.ObjectId(body.assigneeId) : null
  }
  const statusChanged = body.status !== undefined && body.status !== ticket.status
  if (statusChanged) set.status = body.status
  const doc = await mongoose.connection.transaction(async (session) => {
    const updated = await Ticket.findOneAndUpdate(
      { _id: ticket._id },
      { $set: set },
      { returnDocument: 'after', session },
    ).lean<TicketDoc>()
    if (updated && statusChanged)
      await queueTicketMail({ ticketId: id, template: 'status_changed', status: updated.status }, session)
    return updated
  })
  if (!doc) throw notFound('ticket')
  wakeJobWorker()
  return toTicketView(doc, 'staff')
}

/** Start-up: the screenshot folders of tickets a killed process never committed. */
export async function removeUncommittedScreenshots(): Promise<string[]> {
  return sweepUncommitted(
    'support',
    async (id) => mongoose.isValidObjectId(id) && Boolean(await Ticket.exists({ _id: id })),
  )
}
