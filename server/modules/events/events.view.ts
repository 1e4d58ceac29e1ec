import type { EventSummary, EventView } from '../../../shared/schemas/events.js'
import { localized } from '../../core/i18n.js'
import { can, type MaybeActor } from '../../core/policy.js'
import type { CouncilSummary } from '../councils/index.js'
import type { EventDoc } from './events.model.js'

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null)

/** The caller organizes this event: staff, or a member of one of its organizer councils. */
export function isOrganizer(actor: MaybeActor, e: Pick<EventDoc, 'organizerCouncilIds'>): boolean {
  return can(actor, 'event.organize', { councilIds: (e.organizerCouncilIds ?? []).map(String) })
}

export function toSummary(e: EventDoc): EventSummary {
  const registered = e.registeredCount ?? 0
  return {
    id: String(e._id),
    slug: e.slug,
    kind: e.kind,
    title: localized(e.title),
    startsAt: iso(e.startsAt)!,
    endsAt: iso(e.endsAt)!,
    format: e.format,
    venue: e.venue?.regionId ? { address: localized(e.venue.address), regionId: String(e.venue.regionId) } : null,
    capacity: e.capacity,
    registered,
    waitlisted: e.waitlistedCount ?? 0,
    status: e.status as EventSummary['status'],
    audience: e.audience,
    registrationClosesAt: iso(e.registrationClosesAt)!,
    placesLeft: Math.max(0, e.capacity - registered),
  }
}

export function toView(
  e: EventDoc,
  opts: {
    actor: MaybeActor
    councils: CouncilSummary[]
    mine: EventView['myRegistration']
  },
): EventView {
  const organizer = isOrganizer(opts.actor, e)
  const participant = opts.mine?.status === 'registered'
  const o = e.outcome as null | {
    summary: unknown
    recommendations?: unknown[]
    relatedNewsIds?: unknown[]
    relatedVideoIds?: unknown[]
    updatedAt?: Date
  }
  return {
    ...toSummary(e),
    description: localized(e.description),
    onlineUrl: organizer || participant ? (e.onlineUrl ?? null) : null,
    organizerCouncils: opts.councils.map((c) => ({ id: c.id, slug: c.slug, name: c.name, regionId: c.regionId })),
    regionQuota: e.regionQuota ?? null,
    regionIds: (e.regionIds ?? []).map(String),
    materials: (e.materials ?? []).map((m) => ({
      id: String(m._id),
      title: localized(m.title),
      fileName: m.fileName,
      mime: m.mime,
      size: m.size,
      url: `/api/v1/events/${String(e._id)}/materials/${String(m._id)}`,
      uploadedAt: iso(m.uploadedAt)!,
    })),
    outcome: o
      ? {
          summary: localized(o.summary as object),
          recommendations: (o.recommendations ?? []).map((r) => localized(r as object)),
          relatedNewsIds: (o.relatedNewsIds ?? []).map(String),
          relatedVideoIds: (o.relatedVideoIds ?? []).map(String),
          updatedAt: iso(o.updatedAt) ?? iso(e.updatedAt as Date)!,
        }
      : null,
    chatRoomId: e.chatRoomId ? String(e.chatRoomId) : null,
    canOrganize: organizer,
    myRegistration: opts.mine,
    createdAt: iso(e.createdAt as Date)!,
    updatedAt: iso(e.updatedAt as Date)!,
  }
}
