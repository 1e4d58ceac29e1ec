import mongoose from 'mongoose'
import type { Lang } from '../../../shared/schemas/common.js'
import type { EventSummary } from '../../../shared/schemas/events.js'
import { audit } from '../../core/audit.js'
import { decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { pick, t } from '../../core/i18n.js'
import type { Actor } from '../../core/policy.js'
import { listRegions } from '../regions/index.js'
import { EventModel, RegistrationModel, type EventDoc, type RegistrationDoc } from './events.model.js'
import { councilMap, displayCode, toRow, waitlistPosition } from './events.registrations.js'
import { toSummary } from './events.view.js'
import { toCsv } from '../../core/csv.js'

type Status = 'registered' | 'waitlisted'
const ACTIVE = ['registered', 'waitlisted']

/** Counts against capacity and quota, overall, by region and by council (every registration, not one page). */
async function summaryOf(e: EventDoc) {
  const all = await RegistrationModel.find(
    { eventId: e._id, status: mongoose.trusted({ $in: ACTIVE }) },
    { status: 1, regionId: 1, councilId: 1, checkedInAt: 1 },
  ).lean<RegistrationDoc[]>()
  const councils = await councilMap(all)
  const zero = () => ({ registered: 0, waitlisted: 0, checkedIn: 0 })
  const byRegion = new Map<string, ReturnType<typeof zero>>()
  const byCouncil = new Map<string, ReturnType<typeof zero>>()
  const total = zero()
  for (const r of all) {
    for (const [map, key] of [
      [byRegion, r.regionId ? String(r.regionId) : ''],
      [byCouncil, r.councilId ? String(r.councilId) : ''],
    ] as const) {
      const c = map.get(key) ?? zero()
      c[r.status as Status]++
      if (r.checkedInAt) c.checkedIn++
      map.set(key, c)
    }
    total[r.status as Status]++
    if (r.checkedInAt) total.checkedIn++
  }
  return {
    capacity: e.capacity,
    regionQuota: e.regionQuota ?? null,
    ...total,
    byRegion: [...byRegion].map(([k, c]) => ({ regionId: k || null, ...c })),
    byCouncil: [...byCouncil].map(([k, c]) => ({
      councilId: k || null,
      councilName: k ? (councils.get(k)?.name ?? null) : null,
      ...c,
    })),
  }
}

/** GET /events/:id/registrations (organizers): arrival order, with waiting-list places and the counts. */
export async function listRegistrations(
  actor: Actor,
  e: EventDoc,
  q: { status?: Status; limit: number; cursor?: string },
) {
  const filter: Record<string, unknown> = { eventId: e._id, status: q.status ?? mongoose.trusted({ $in: ACTIVE }) }
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [seq] = cursor
    if (typeof seq !== 'number') throw invalidCursor()
    filter.seq = mongoose.trusted({ $gt: seq })
  }
  const docs = await RegistrationModel.find(filter)
    .sort({ seq: 1 })
    .limit(q.limit + 1)
    .lean<RegistrationDoc[]>()
  const page = docs.slice(0, q.limit)
  const councils = await councilMap(page)
  const firstWaiting = page.find((r) => r.status === 'waitlisted')
  let place = firstWaiting ? await waitlistPosition(e._id, firstWaiting.seq) : 0
  const items = page.map((r) => toRow(r, councils, r.status === 'waitlisted' ? place++ : null))
  await audit({
    actorId: actor.id,
    action: 'event.registrations_read',
    target: { kind: 'event', id: String(e._id) },
    details: { count: items.length },
  })
  const last = page[page.length - 1]
  return {
    items,
    nextCursor: docs.length > q.limit && last ? encodeCursor([last.seq]) : null,
    summary: await summaryOf(e),
  }
}

/** The registration list as CSV for Excel (`server/core/csv.ts`: BOM, quoting, formula guard). */
export async function registrationsCsv(actor: Actor, e: EventDoc, lng: Lang): Promise<string> {
  const regs = await RegistrationModel.find({ eventId: e._id, status: mongoose.trusted({ $in: ACTIVE }) })
    .sort({ seq: 1 })
    .lean<RegistrationDoc[]>()
  const councils = await councilMap(regs)
  const regions = new Map((await listRegions(lng)).map((r) => [r.id, r.name]))
  const cols = ['number', 'name', 'council', 'region', 'status', 'position', 'code', 'registeredAt', 'checkedInAt']
  const rows: unknown[][] = []
  let place = 1
  regs.forEach((r, i) => {
    const c = r.councilId ? councils.get(String(r.councilId)) : undefined
    rows.push([
      i + 1,
      r.name,
      c ? pick(c.name, lng) : '',
      r.regionId ? (regions.get(String(r.regionId)) ?? '') : '',
      t(lng, `events:registrationStatus.${r.status}`),
      r.status === 'waitlisted' ? place++ : '',
      displayCode(r.code),
      (r.createdAt as Date).toISOString(),
      r.checkedInAt ? r.checkedInAt.toISOString() : '',
    ])
  })
  await audit({
    actorId: actor.id,
    action: 'event.registrations_exported',
    target: { kind: 'event', id: String(e._id) },
    details: { count: regs.length },
  })
  return toCsv(
    cols.map((c) => t(lng, `events:csv.${c}`)),
    rows,
  )
}

/** GET /events/mine: my registrations with their events, soonest first (`past`: latest first). */
export async function myRegistrations(actor: Actor, q: { when?: 'upcoming' | 'past'; limit: number; cursor?: string }) {
  const regs = await RegistrationModel.find({
    userId: new mongoose.Types.ObjectId(actor.id),
    status: mongoose.trusted({ $in: ACTIVE }),
  })
    .sort({ createdAt: -1 })
    .limit(500)
    .lean<RegistrationDoc[]>()
  const events = new Map(
    (await EventModel.find({ _id: mongoose.trusted({ $in: regs.map((r) => r.eventId) }) }).lean<EventDoc[]>()).map(
      (e) => [String(e._id), e],
    ),
  )
  const now = Date.now()
  let rows = regs
    .map((r) => ({ r, e: events.get(String(r.eventId)) }))
    .filter((x): x is { r: RegistrationDoc; e: EventDoc } => Boolean(x.e) && x.e!.status !== 'draft')
  if (q.when === 'upcoming') rows = rows.filter((x) => x.e.endsAt.getTime() >= now)
  if (q.when === 'past') rows = rows.filter((x) => x.e.endsAt.getTime() < now)
  const dir = q.when === 'past' ? -1 : 1
  rows.sort(
    (a, b) => dir * (a.e.startsAt.getTime() - b.e.startsAt.getTime()) || (String(a.r._id) < String(b.r._id) ? -1 : 1),
  )
  const cursor = decodeCursor(q.cursor)
  let start = 0
  if (cursor) {
    const [offset] = cursor
    if (typeof offset !== 'number' || offset < 0) throw invalidCursor()
    start = offset
  }
  const page = rows.slice(start, start + q.limit)
  const items = await Promise.all(
    page.map(async ({ r, e }) => ({
      id: String(r._id),
      status: r.status as Status,
      code: displayCode(r.code),
      position: r.status === 'waitlisted' ? await waitlistPosition(e._id, r.seq) : null,
      checkedInAt: r.checkedInAt ? r.checkedInAt.toISOString() : null,
      createdAt: (r.createdAt as Date).toISOString(),
      event: toSummary(e) as EventSummary,
    })),
  )
  return { items, nextCursor: start + q.limit < rows.length ? encodeCursor([start + q.limit]) : null }
}
