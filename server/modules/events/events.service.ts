import mongoose from 'mongoose'
import type { CreateEventBody, EventListQuery, EventView, UpdateEventBody } from '../../../shared/schemas/events.js'
import { MEMBER_EVENT_KINDS } from '../../../shared/schemas/events.js'
import type { Page } from '../../../shared/schemas/common.js'
import type { EventSummary } from '../../../shared/schemas/events.js'
import { audit } from '../../core/audit.js'
import { conflict, forbidden, isDuplicateKey, notFound, validationFailed } from '../../core/errors.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { assertCan, can, type Actor, type MaybeActor } from '../../core/policy.js'
import { backfillSearchTokens, indexTokens, searchFilter } from '../../core/search.js'
import { slugify, uniqueSlug } from '../../core/slug.js'
import { localized } from '../../core/i18n.js'
import { openDialogueRoom } from '../chat/index.js'
import { findCouncilSummaries, type CouncilSummary } from '../councils/index.js'
import { findRegionById } from '../regions/index.js'
import { cancelReminder, notifyEventCancelled, scheduleReminder } from './events.jobs.js'
import { AttendanceModel, EventModel, type EventDoc } from './events.model.js'
import { myRegistrationOf, promoteWaitlisted } from './events.registrations.js'
import { isOrganizer, toSummary, toView } from './events.view.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)
export const isObjectId = (s: string) => /^[0-9a-f]{24}$/i.test(s)
/** Statuses everyone sees; drafts and cancelled events only their organizers (and registrants, cancelled). */
const PUBLIC_STATUSES = ['published', 'finished']
const RESERVED_SLUGS = ['mine', 'new']

const takenSlugs = async (slugs: string[]) =>
  (await EventModel.find({ slug: mongoose.trusted({ $in: slugs }) }, { slug: 1 }).lean()).map(
    (d) => (d as { slug: string }).slug,
  )

/** The event document or 404. */
export async function loadEvent(idOrSlug: string): Promise<EventDoc> {
  const e = isObjectId(idOrSlug)
    ? await EventModel.findById(idOrSlug, { searchTokens: 0 }).lean<EventDoc>()
    : await EventModel.findOne({ slug: idOrSlug }, { searchTokens: 0 }).lean<EventDoc>()
  if (!e) throw notFound('event')
  return e
}

/** The event if the actor organizes it: 404 unknown, 401/403 otherwise. */
export async function loadOrganized(actor: MaybeActor, id: string): Promise<EventDoc> {
  const e = await loadEvent(id)
  assertCan(actor, 'event.organize', { councilIds: e.organizerCouncilIds.map(String) })
  return e
}

/** The organizer councils of an event: the route's scope for `event.organize` (404 if unknown). */
export async function eventScope(id: string): Promise<{ councilIds: string[] }> {
  const e = isObjectId(id) ? await EventModel.findById(id, { organizerCouncilIds: 1 }).lean<EventDoc>() : null
  if (!e) throw notFound('event')
  return { councilIds: e.organizerCouncilIds.map(String) }
}

/** Only staff create forums and assemblies; a council member creates dialogues and meetings of their own councils. */
function assertMayOrganize(actor: Actor, kind: string, councilIds: string[]): void {
  assertCan(actor, 'event.create', { councilIds })
  if (!can(actor, 'event.create') && !MEMBER_EVENT_KINDS.includes(kind as never)) throw forbidden()
}

async function resolveCouncils(ids: string[]): Promise<CouncilSummary[]> {
  const unique = [...new Set(ids)]
  const found = await findCouncilSummaries(unique)
  if (found.length !== unique.length) {
    const known = new Set(found.map((c) => c.id))
    throw validationFailed(
      unique
        .map((id, i) => (known.has(id) ? null : { path: `body.organizerCouncilIds.${i}`, code: 'unknown_council' }))
        .filter((x): x is { path: string; code: string } => x !== null),
    )
  }
  return found
}

async function checkRegion(regionId: string | undefined): Promise<void> {
  if (regionId && !(await findRegionById(regionId)))
    throw validationFailed([{ path: 'body.venue.regionId', code: 'region_unknown' }])
}

function regionIdsOf(venue: { regionId: string } | null | undefined, councils: CouncilSummary[]) {
  const ids = new Set<string>(councils.map((c) => c.regionId).filter((r): r is string => Boolean(r)))
  if (venue?.regionId) ids.add(venue.regionId)
  return [...ids].map(oid)
}

export async function createEvent(actor: Actor, body: CreateEventBody, opts: { demo?: boolean } = {}) {
  const councilIds = [...new Set(body.organizerCouncilIds)]
  assertMayOrganize(actor, body.kind, councilIds)
  const councils = await resolveCouncils(councilIds)
  await checkRegion(body.venue?.regionId)
  const slugged = slugify(body.title.ru || body.title.kk || '')
  // `/events/mine` and `/events/new` are pages and routes of their own.
  const base = RESERVED_SLUGS.includes(slugged) ? `${slugged}-event` : slugged
  for (let attempt = 0; ; attempt++) {
    const slug = await uniqueSlug(base, takenSlugs, 'event')
    try {
      const doc = await EventModel.create({
        slug,
        kind: body.kind,
        title: body.title,
        description: body.description,
        format: body.format,
        venue: body.venue ?? null,
        onlineUrl: body.onlineUrl ?? null,
        startsAt: body.startsAt,
        endsAt: body.endsAt,
        registrationClosesAt: body.registrationClosesAt,
        organizerCouncilIds: councilIds.map(oid),
        regionIds: regionIdsOf(body.venue, councils),
        capacity: body.capacity,
        seatsLeft: body.capacity,
        regionQuota: body.regionQuota ?? null,
        audience: body.audience,
        status: 'draft',
        createdBy: oid(actor.id),
        demo: Boolean(opts.demo),
        searchTokens: eventTokens(body),
      })
      await audit({
        actorId: actor.id,
        action: 'event.created',
        target: { kind: 'event', id: String(doc._id) },
        details: { kind: body.kind, slug },
      })
      return toView(doc.toObject() as EventDoc, { actor, councils, mine: null })
    } catch (err) {
      if (isDuplicateKey(err) && attempt < 5) continue
      throw err
    }
  }
}

const TRANSITIONS: Record<string, string[]> = {
  draft: ['published', 'cancelled'],
  published: ['cancelled', 'finished'],
  finished: [],
  cancelled: [],
}

export async function updateEvent(actor: Actor, id: string, body: UpdateEventBody): Promise<EventView> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const e = await loadOrganized(actor, id)
    const result = await tryUpdate(actor, e, body)
    if (result) return result
  }
  throw conflict()
}

/** One optimistic attempt (the seat counters' `seq` is the version): null when someone registered meanwhile. */
async function tryUpdate(actor: Actor, e: EventDoc, body: UpdateEventBody): Promise<EventView | null> {
  if (e.status === 'cancelled' || e.status === 'finished') throw conflict('events.not_editable')
  const { status, ...fields } = body
  const kind = fields.kind ?? e.kind
  const councilIds = fields.organizerCouncilIds
    ? [...new Set(fields.organizerCouncilIds)]
    : e.organizerCouncilIds.map(String)
  if (fields.kind || fields.organizerCouncilIds) assertMayOrganize(actor, kind, councilIds)
  const councils = await resolveCouncils(councilIds)
  if (fields.venue) await checkRegion(fields.venue.regionId)

  const merged = {
    format: fields.format ?? e.format,
    venue: fields.venue === undefined ? e.venue : fields.venue,
    onlineUrl: fields.onlineUrl === undefined ? e.onlineUrl : fields.onlineUrl,
    startsAt: fields.startsAt ?? e.startsAt,
    endsAt: fields.endsAt ?? e.endsAt,
    registrationClosesAt: fields.registrationClosesAt ?? e.registrationClosesAt,
    capacity: fields.capacity ?? e.capacity,
    regionQuota: fields.regionQuota === undefined ? e.regionQuota : fields.regionQuota,
  }
  const errors: { path: string; code: string }[] = []
  if (merged.endsAt <= merged.startsAt) errors.push({ path: 'body.endsAt', code: 'ends_before_start' })
  if (merged.registrationClosesAt > merged.startsAt)
    errors.push({ path: 'body.registrationClosesAt', code: 'closes_after_start' })
  if (merged.format !== 'online' && !merged.venue?.regionId) errors.push({ path: 'body.venue', code: 'required' })
  if (merged.format !== 'offline' && !merged.onlineUrl) errors.push({ path: 'body.onlineUrl', code: 'required' })
  if (errors.length) throw validationFailed(errors)
  if (merged.capacity < (e.registeredCount ?? 0)) throw conflict('events.capacity_below_registered')
  const counts = Object.values((e.regionCounts ?? {}) as Record<string, number>)
  if (merged.regionQuota != null && counts.some((n) => n > merged.regionQuota!))
    throw conflict('events.quota_below_registered')

  if (status && status !== e.status) {
    if (!TRANSITIONS[e.status].includes(status)) throw conflict('events.invalid_transition')
    if (status === 'finished' && merged.startsAt.getTime() > Date.now()) throw conflict('events.not_started')
  }

  const set: Record<string, unknown> = {}
  for (const k of ['kind', 'title', 'description', 'format', 'audience'] as const)
    if (fields[k] !== undefined) set[k] = fields[k]
  for (const k of Object.keys(merged) as (keyof typeof merged)[]) if (k in fields) set[k] = merged[k]
  if (fields.title || fields.description)
    set.searchTokens = eventTokens({ title: fields.title ?? e.title, description: fields.description ?? e.description })
  if (fields.organizerCouncilIds) set.organizerCouncilIds = councilIds.map(oid)
  if (fields.capacity !== undefined) set.seatsLeft = merged.capacity - (e.registeredCount ?? 0)
  set.regionIds = regionIdsOf(merged.venue as { regionId: string } | null, councils)
  const now = new Date()
  if (status && status !== e.status) {
    set.status = status
    if (status === 'published') set.publishedAt = now
    if (status === 'cancelled') set.cancelledAt = now
  }
  const updated = await EventModel.findOneAndUpdate(
    { _id: e._id, seq: e.seq, status: e.status },
    { $set: set },
    { returnDocument: 'after' },
  ).lean<EventDoc>()
  if (!updated) return null

  const changed = [...Object.keys(fields), ...(status && status !== e.status ? ['status'] : [])]
  await audit({
    actorId: actor.id,
    action: status && status !== e.status ? `event.${status}` : 'event.updated',
    target: { kind: 'event', id: String(e._id) },
    details: { fields: changed },
  })
  if (fields.kind || fields.startsAt)
    await AttendanceModel.updateMany(
      { eventId: e._id },
      { $set: { kind: updated.kind, year: updated.startsAt.getUTCFullYear() } },
    )
  if (updated.status === 'published') await scheduleReminder(updated)
  if (updated.status === 'cancelled') {
    await cancelReminder(String(updated._id))
    await notifyEventCancelled(String(updated._id))
  }
  if (updated.status === 'finished') await cancelReminder(String(updated._id))
  // More seats (or a larger quota): the waiting list moves up.
  if (merged.capacity > e.capacity || (e.regionQuota != null && (merged.regionQuota ?? Infinity) > e.regionQuota))
    await promoteWaitlisted(String(e._id))
  return getEvent(actor, String(e._id))
}

/** An event page: 404 for drafts and cancelled events unless the caller organizes it (or is registered, cancelled). */
export async function getEvent(actor: MaybeActor, idOrSlug: string): Promise<EventView> {
  const e = await loadEvent(idOrSlug)
  const mine = actor ? await myRegistrationOf(actor.id, e) : null
  const visible =
    PUBLIC_STATUSES.includes(e.status) || isOrganizer(actor, e) || (e.status === 'cancelled' && mine !== null)
  if (!visible) throw notFound('event')
  const councils = await findCouncilSummaries(e.organizerCouncilIds.map(String))
  return toView(e, { actor, councils, mine })
}

type Texts = { kk?: string | null; ru?: string | null } | null | undefined
const eventTokens = (e: { title?: Texts; description?: Texts }) => indexTokens(e.title, e.description)

/** Events stored before the calendar was searchable get their tokens (at start-up, beside the server). */
export const backfillEventTokens = () =>
  backfillSearchTokens<EventDoc>(EventModel as never, {}, { title: 1, description: 1 }, eventTokens)

/** The list: published and finished events for everyone, plus drafts and cancelled ones the caller organizes. */
export async function listEvents(actor: MaybeActor, q: EventListQuery): Promise<Page<EventSummary>> {
  const filter: Record<string, unknown> = {}
  const visibility: Record<string, unknown>[] = [{ status: mongoose.trusted({ $in: PUBLIC_STATUSES }) }]
  if (can(actor, 'event.organize')) visibility.push({})
  else if (actor && can(actor, 'event.organize', { councilIds: actor.councilIds }))
    visibility.push({ organizerCouncilIds: mongoose.trusted({ $in: actor.councilIds.filter(isObjectId).map(oid) }) })
  const and: Record<string, unknown>[] = []
  if (!visibility.some((v) => Object.keys(v).length === 0)) and.push({ $or: visibility })
  if (q.status) filter.status = q.status
  if (q.kind) filter.kind = q.kind
  if (q.regionId) filter.regionIds = oid(q.regionId)
  const search = searchFilter(q.q)
  if (search) and.push(search)
  const now = new Date()
  const range: Record<string, Date> = {}
  if (q.to) range.$lt = q.to
  if (Object.keys(range).length) filter.startsAt = mongoose.trusted(range)
  const ends: Record<string, Date> = {}
  if (q.from) ends.$gte = q.from
  if (q.when === 'upcoming') ends.$gte = q.from && q.from > now ? q.from : now
  if (q.when === 'past') ends.$lt = now
  if (Object.keys(ends).length) filter.endsAt = mongoose.trusted(ends)

  const desc = q.when === 'past'
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [at, id] = cursor
    if (typeof at !== 'string' || typeof id !== 'string' || !isObjectId(id) || Number.isNaN(Date.parse(at)))
      throw invalidCursor()
    and.push({ $or: afterKey('startsAt', new Date(at), id, desc ? '$lt' : '$gt') })
  }
  if (and.length) filter.$and = and
  const dir = desc ? -1 : 1
  const docs = await EventModel.find(filter, { searchTokens: 0 })
    .sort({ startsAt: dir, _id: dir })
    .limit(q.limit + 1)
    .lean<EventDoc[]>()
  const page = docs.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toSummary),
    nextCursor: docs.length > q.limit && last ? encodeCursor([last.startsAt.toISOString(), String(last._id)]) : null,
  }
}

export async function setOutcome(
  actor: Actor,
  id: string,
  body: {
    summary: { kk?: string; ru?: string }
    recommendations?: { kk?: string; ru?: string }[]
    relatedNewsIds?: string[]
    relatedVideoIds?: string[]
  },
): Promise<EventView> {
  const e = await loadOrganized(actor, id)
  if (e.startsAt.getTime() > Date.now()) throw conflict('events.not_started')
  if (e.status === 'draft' || e.status === 'cancelled') throw conflict('events.not_editable')
  await EventModel.updateOne(
    { _id: e._id },
    {
      $set: {
        outcome: {
          summary: body.summary,
          recommendations: body.recommendations ?? [],
          relatedNewsIds: (body.relatedNewsIds ?? []).map(oid),
          relatedVideoIds: (body.relatedVideoIds ?? []).map(oid),
          updatedAt: new Date(),
        },
      },
    },
  )
  await audit({ actorId: actor.id, action: 'event.outcome_set', target: { kind: 'event', id: String(e._id) } })
  return getEvent(actor, String(e._id))
}

/**
 * POST /events/:id/chat-room (extension): a dialogue platform opens a dialogue room of the chat
 * module for its organizer councils (at least two regions, as the chat requires). Idempotent.
 */
export async function openChatRoom(actor: Actor, id: string): Promise<{ chatRoomId: string; created: boolean }> {
  const e = await loadOrganized(actor, id)
  if (e.kind !== 'dialogue') throw conflict('events.not_dialogue')
  if (e.chatRoomId) return { chatRoomId: String(e.chatRoomId), created: false }
  const { roomId } = await openDialogueRoom(actor, {
    councilIds: e.organizerCouncilIds.map(String),
    title: localized(e.title),
    topic: truncate(localized(e.description), 2000),
  })
  const set = await EventModel.updateOne({ _id: e._id, chatRoomId: null }, { $set: { chatRoomId: oid(roomId) } })
  const fresh = set.modifiedCount ? null : await EventModel.findById(e._id, { chatRoomId: 1 }).lean<EventDoc>()
  await audit({
    actorId: actor.id,
    action: 'event.chat_room_opened',
    target: { kind: 'event', id: String(e._id) },
    details: { roomId },
  })
  return { chatRoomId: fresh?.chatRoomId ? String(fresh.chatRoomId) : roomId, created: !fresh }
}

function truncate(text: { kk?: string; ru?: string }, max: number) {
  const out: { kk?: string; ru?: string } = {}
  for (const l of ['kk', 'ru'] as const) if (text[l]) out[l] = text[l]!.slice(0, max)
  return out
}
