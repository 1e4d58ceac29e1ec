import crypto from 'node:crypto'
import mongoose from 'mongoose'
import type { EventView, RegistrationRow } from '../../../shared/schemas/events.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, isDuplicateKey, notFound } from '../../core/errors.js'
import { OWNER, ownerIsDeadHere } from '../../core/owner.js'
import { hasRole, type Actor } from '../../core/policy.js'
import { findCouncilSummaries, type CouncilSummary } from '../councils/index.js'
import { findUserById } from '../users/index.js'
import { enqueueRegistrationMail } from './events.jobs.js'
import { AttendanceModel, EventModel, RegistrationModel, type EventDoc, type RegistrationDoc } from './events.model.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)
/** No 0/O, 1/I/L: codes are read aloud and typed at the door. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export function newCode(): string {
  const bytes = crypto.randomBytes(8)
  return [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('')
}
/** `K7QM3XPD` → `K7QM-3XPD` (how codes are shown; check-in ignores the dash). */
export const displayCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`

const regionKey = (regionId: unknown) => (regionId ? String(regionId) : 'none')

/**
 * Takes one seat in one atomic update: the filter holds the rules (published, still open when
 * `open`, a seat left, the region under its quota), the update moves the counters. Two requests
 * can never both take the last seat: the second one's filter no longer matches.
 */
async function claimSeat(eventId: unknown, regionId: unknown, opts: { open: boolean }): Promise<EventDoc | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const e = await EventModel.findById(eventId, { regionQuota: 1 }).lean<EventDoc>()
    if (!e) return null
    const seat = await claimUnder(eventId, regionId, e.regionQuota ?? null, opts)
    if (seat) return seat
    // The quota changed between the read and the claim: decide again under the new one.
    const now = await EventModel.findById(eventId, { regionQuota: 1 }).lean<EventDoc>()
    if ((now?.regionQuota ?? null) === (e.regionQuota ?? null)) return null
  }
  return null
}

async function claimUnder(
  eventId: unknown,
  regionId: unknown,
  quota: number | null,
  opts: { open: boolean },
): Promise<EventDoc | null> {
  const e = { regionQuota: quota }
  const key = regionKey(regionId)
  const filter: Record<string, unknown> = {
    _id: eventId,
    status: 'published',
    seatsLeft: mongoose.trusted({ $gt: 0 }),
    regionQuota: e.regionQuota ?? null,
  }
  if (opts.open) filter.registrationClosesAt = mongoose.trusted({ $gt: new Date() })
  // People without a region (citizens, republican councils) are not counted against a region's quota.
  if (e.regionQuota != null && key !== 'none')
    filter[`regionCounts.${key}`] = mongoose.trusted({ $not: { $gte: e.regionQuota } })
  return EventModel.findOneAndUpdate(
    filter,
    { $inc: { registeredCount: 1, seatsLeft: -1, [`regionCounts.${key}`]: 1, seq: 1 } },
    { returnDocument: 'after' },
  ).lean<EventDoc>()
}

async function releaseSeat(eventId: unknown, regionId: unknown): Promise<void> {
  await EventModel.updateOne(
    { _id: eventId },
    { $inc: { registeredCount: -1, seatsLeft: 1, [`regionCounts.${regionKey(regionId)}`]: -1, seq: 1 } },
  )
}

/** The council a registrant comes from: one of the organizer councils if they sit on one, else their first. */
async function originOf(actor: Actor, e: EventDoc): Promise<CouncilSummary | null> {
  if (!actor.councilIds.length) return null
  const councils = await findCouncilSummaries(actor.councilIds)
  const organizers = new Set(e.organizerCouncilIds.map(String))
  return councils.find((c) => organizers.has(c.id)) ?? councils[0] ?? null
}

export async function waitlistPosition(eventId: unknown, seq: number | null | undefined): Promise<number> {
  return (
    1 +
    (await RegistrationModel.countDocuments({
      eventId,
      status: 'waitlisted',
      seq: mongoose.trusted({ $lt: seq ?? Number.MAX_SAFE_INTEGER }),
    }))
  )
}

const closed = () => conflict('events.registration_closed')

/**
 * POST /events/:id/registrations. The registration row is inserted first (the unique index on
 * event+person refuses a second one: 409 `conflict`), then a seat is claimed atomically; without
 * a seat the person joins the waiting list with the next arrival number.
 */
export async function register(actor: Actor, eventId: string) {
  const e = await EventModel.findById(eventId).lean<EventDoc>()
  if (!e) throw notFound('event')
  if (e.status !== 'published' || e.registrationClosesAt.getTime() <= Date.now()) throw closed()
  if (e.audience === 'members' && !(hasRole(actor, 'council_member') && actor.councilIds.length))
    throw new AppError(403, 'events.members_only')
  const origin = await originOf(actor, e)
  let reg: RegistrationDoc | undefined
  for (let attempt = 0; !reg; attempt++) {
    try {
      reg = (
        await RegistrationModel.create({
          eventId: e._id,
          userId: oid(actor.id),
          name: actor.displayName,
          email: actor.email,
          lng: actor.locale,
          councilId: origin ? oid(origin.id) : null,
          regionId: origin?.regionId ? oid(origin.regionId) : null,
          status: 'pending',
          pendingOwner: OWNER,
          code: newCode(),
        })
      ).toObject() as RegistrationDoc
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      const dup = err as { keyPattern?: Record<string, unknown> }
      if (dup.keyPattern && 'userId' in dup.keyPattern) {
        // A row left `pending` by a request that died mid-way is cleared (and the counters
        // recounted) instead of blocking the person for good.
        if (attempt < 2 && (await clearStalePending(e._id, oid(actor.id)))) continue
        throw conflict('conflict')
      }
      if (attempt > 5) throw err
    }
  }
  const seat = await claimSeat(e._id, reg.regionId, { open: true })
  let status: 'registered' | 'waitlisted'
  let seq: number
  if (seat) {
    status = 'registered'
    seq = seat.seq
  } else {
    const queued = await EventModel.findOneAndUpdate(
      { _id: e._id, status: 'published', registrationClosesAt: mongoose.trusted({ $gt: new Date() }) },
      { $inc: { seq: 1, waitlistedCount: 1 } },
      { returnDocument: 'after' },
    ).lean<EventDoc>()
    if (!queued) {
      await RegistrationModel.deleteOne({ _id: reg._id })
      throw closed()
    }
    status = 'waitlisted'
    seq = queued.seq
  }
  // The decision is visible at once (waiting-list places count it); the row keeps its owner until
  // the mail it owes is queued, so a process killed in between is found at the next start.
  await RegistrationModel.updateOne({ _id: reg._id }, { $set: { status, seq } })
  await enqueueRegistrationMail(String(reg._id), status)
  await RegistrationModel.updateOne({ _id: reg._id }, { $set: { pendingOwner: null } })
  return {
    id: String(reg._id),
    status,
    code: displayCode(reg.code),
    ...(status === 'waitlisted' ? { position: await waitlistPosition(e._id, seq) } : {}),
  }
}

const STALE_PENDING_MS = 60_000

/**
 * A registration stays `pending` only for the milliseconds between its insert and the seat
 * decision; one older than a minute belongs to a request that died (a crash or kill -9). It is
 * removed and the event's counters are recounted from the registrations, under the `seq` version
 * (any seat change meanwhile makes the recount start again) and only while no live request is
 * between its insert and its decision. True if the person's own stale row was removed.
 */
export async function clearStalePending(eventId: unknown, userId: mongoose.Types.ObjectId): Promise<boolean> {
  const cutoff = new Date(Date.now() - STALE_PENDING_MS)
  const mine = await RegistrationModel.deleteOne({
    eventId,
    userId,
    status: 'pending',
    createdAt: mongoose.trusted({ $lt: cutoff }),
  })
  if (!mine.deletedCount) return false
  await RegistrationModel.deleteMany({ eventId, status: 'pending', createdAt: mongoose.trusted({ $lt: cutoff }) })
  await recountEvent(eventId)
  return true
}

/**
 * At start-up, the rows a killed process of this host left unfinished: still `pending` (killed
 * between the insert and the decision) they are removed and their events' counters recounted from
 * the records, so `registered` again equals the registrations; decided, their mail job is queued
 * (the mail itself is sent once, see events.jobs.ts). Returns how many rows were repaired.
 */
export async function releaseDeadPending(): Promise<number> {
  const rows = await RegistrationModel.find(
    { pendingOwner: mongoose.trusted({ $ne: null }) },
    { eventId: 1, pendingOwner: 1, status: 1 },
  ).lean<Pick<RegistrationDoc, '_id' | 'eventId' | 'pendingOwner' | 'status'>[]>()
  const dead = rows.filter((r) => ownerIsDeadHere(r.pendingOwner))
  const recount = new Set<string>()
  for (const r of dead) {
    if (r.status === 'pending') {
      await RegistrationModel.deleteOne({ _id: r._id, status: 'pending' })
      recount.add(String(r.eventId))
    } else {
      await enqueueRegistrationMail(String(r._id), r.status as 'registered' | 'waitlisted')
      await RegistrationModel.updateOne({ _id: r._id }, { $set: { pendingOwner: null } })
    }
  }
  for (const eventId of recount) await recountEvent(eventId)
  return dead.length
}

/**
 * Sets an event's counters from its registrations, under the `seq` version (any seat change
 * meanwhile makes the recount start again) and only while no live request is between its insert
 * and its decision.
 */
async function recountEvent(eventId: unknown): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const e = await EventModel.findById(eventId, { seq: 1, capacity: 1 }).lean<EventDoc>()
    if (!e || (await RegistrationModel.exists({ eventId, status: 'pending' }))) break
    const regs = await RegistrationModel.find(
      { eventId, status: mongoose.trusted({ $in: ['registered', 'waitlisted'] }) },
      { status: 1, regionId: 1 },
    ).lean<RegistrationDoc[]>()
    const regionCounts: Record<string, number> = {}
    let registered = 0
    for (const r of regs)
      if (r.status === 'registered') {
        registered++
        regionCounts[regionKey(r.regionId)] = (regionCounts[regionKey(r.regionId)] ?? 0) + 1
      }
    const fixed = await EventModel.updateOne(
      { _id: eventId, seq: e.seq },
      {
        $set: {
          registeredCount: registered,
          seatsLeft: e.capacity - registered,
          waitlistedCount: regs.length - registered,
          regionCounts,
        },
        $inc: { seq: 1 },
      },
    )
    if (fixed.modifiedCount) break
  }
}

/**
 * Moves people up from the waiting list, in arrival order, while seats are free. Someone whose
 * region is at its quota is passed over (they keep their place). Safe to run concurrently: a
 * seat is claimed before the person is moved, and given back if they left meanwhile.
 */
export async function promoteWaitlisted(eventId: string): Promise<number> {
  let promoted = 0
  let after = -1
  for (;;) {
    const e = await EventModel.findById(eventId, { status: 1, seatsLeft: 1 }).lean<EventDoc>()
    if (!e || e.status !== 'published' || (e.seatsLeft ?? 0) <= 0) return promoted
    const batch = await RegistrationModel.find({ eventId, status: 'waitlisted', seq: mongoose.trusted({ $gt: after }) })
      .sort({ seq: 1 })
      .limit(100)
      .lean<RegistrationDoc[]>()
    if (!batch.length) return promoted
    let progressed = false
    for (const w of batch) {
      after = w.seq ?? after
      const seat = await claimSeat(eventId, w.regionId, { open: false })
      if (!seat) continue
      const moved = await RegistrationModel.updateOne(
        { _id: w._id, status: 'waitlisted' },
        { $set: { status: 'registered' } },
      )
      if (!moved.modifiedCount) {
        await releaseSeat(eventId, w.regionId)
        continue
      }
      await EventModel.updateOne({ _id: eventId }, { $inc: { waitlistedCount: -1, seq: 1 } })
      await enqueueRegistrationMail(String(w._id), 'promoted')
      promoted++
      progressed = true
      if ((seat.seatsLeft ?? 0) <= 0) return promoted
    }
    if (!progressed && batch.length < 100) return promoted
  }
}

/** DELETE /events/:id/registrations/mine: frees the seat (the waiting list moves up) or the waiting-list place. */
export async function cancelMine(actor: Actor, eventId: string): Promise<void> {
  const e = await EventModel.findById(eventId).lean<EventDoc>()
  if (!e) throw notFound('event')
  const reg = await RegistrationModel.findOne({ eventId: e._id, userId: oid(actor.id) }).lean<RegistrationDoc>()
  if (!reg || reg.status === 'pending') throw notFound('registration')
  if (reg.checkedInAt) throw conflict('events.already_attended')
  if (e.status !== 'published' || e.startsAt.getTime() <= Date.now()) throw conflict('events.registration_closed')
  if (!(await withdraw(e, reg))) throw notFound('registration')
}

/** Removes a registration (not yet attended) and gives its seat to the waiting list; false if already gone. */
export async function withdraw(e: EventDoc, reg: RegistrationDoc): Promise<boolean> {
  const gone = await RegistrationModel.deleteOne({ _id: reg._id, status: reg.status, checkedInAt: null })
  if (!gone.deletedCount) return false
  if (reg.status === 'registered') {
    await releaseSeat(e._id, reg.regionId)
    await promoteWaitlisted(String(e._id))
  } else {
    await EventModel.updateOne({ _id: e._id }, { $inc: { waitlistedCount: -1, seq: 1 } })
  }
  return true
}

export async function myRegistrationOf(userId: string, e: EventDoc): Promise<EventView['myRegistration']> {
  const r = await RegistrationModel.findOne({ eventId: e._id, userId: oid(userId) }).lean<RegistrationDoc>()
  if (!r || r.status === 'pending') return null
  return {
    id: String(r._id),
    status: r.status as 'registered' | 'waitlisted',
    code: displayCode(r.code),
    position: r.status === 'waitlisted' ? await waitlistPosition(e._id, r.seq) : null,
  }
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)

export function toRow(
  r: RegistrationDoc,
  councils: Map<string, CouncilSummary>,
  position: number | null,
): RegistrationRow {
  const c = r.councilId ? councils.get(String(r.councilId)) : undefined
  return {
    id: String(r._id),
    userId: String(r.userId),
    name: r.name,
    councilId: r.councilId ? String(r.councilId) : null,
    councilName: c ? c.name : null,
    regionId: r.regionId ? String(r.regionId) : null,
    status: r.status as RegistrationRow['status'],
    position,
    checkedInAt: iso(r.checkedInAt),
    createdAt: iso(r.createdAt as Date)!,
  }
}

export async function councilMap(regs: Pick<RegistrationDoc, 'councilId'>[]): Promise<Map<string, CouncilSummary>> {
  const ids = [...new Set(regs.map((r) => (r.councilId ? String(r.councilId) : '')).filter(Boolean))]
  return new Map((await findCouncilSummaries(ids)).map((c) => [c.id, c]))
}

/**
 * POST /events/:id/check-in: idempotent. The first check-in stamps the registration and writes
 * the attendance row the indicators count; a second one answers the same with `alreadyCheckedIn`.
 */
export async function checkIn(actor: Actor, e: EventDoc, code: string) {
  if (e.status !== 'published' && e.status !== 'finished') throw conflict('events.not_editable')
  const reg = await RegistrationModel.findOne({ eventId: e._id, code }).lean<RegistrationDoc>()
  if (!reg) throw notFound('registration')
  if (reg.status !== 'registered') throw conflict('events.not_registered')
  const now = new Date()
  const stamped = await RegistrationModel.findOneAndUpdate(
    { _id: reg._id, status: 'registered', checkedInAt: null },
    { $set: { checkedInAt: now, checkedInBy: oid(actor.id) } },
    { returnDocument: 'after' },
  ).lean<RegistrationDoc>()
  const current = stamped ?? (await RegistrationModel.findById(reg._id).lean<RegistrationDoc>())
  if (!current) throw notFound('registration')
  const user = await findUserById(String(reg.userId))
  const member = Boolean(user && user.roles.includes('council_member') && user.councilIds.length)
  await AttendanceModel.updateOne(
    { eventId: e._id, userId: reg.userId },
    {
      $setOnInsert: {
        registrationId: reg._id,
        kind: e.kind,
        year: e.startsAt.getUTCFullYear(),
        member,
        councilIds: (user?.councilIds ?? []).map(oid),
        at: current.checkedInAt ?? now,
      },
    },
    { upsert: true },
  )
  await audit({
    actorId: actor.id,
    action: 'event.check_in',
    target: { kind: 'event', id: String(e._id) },
    details: { registrationId: String(reg._id), again: !stamped },
  })
  return { ...toRow(current, await councilMap([current]), null), alreadyCheckedIn: !stamped }
}
