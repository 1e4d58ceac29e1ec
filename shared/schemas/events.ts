import { z } from 'zod'
import { Cursor, LimitParam, localizedText, ObjectIdString } from './common.js'

/**
 * Events (API.md "Grant programme" → Events): inter-regional dialogue platforms, the Forum, the
 * Assembly and other meetings. Bodies, queries and answers shared by the server (validation,
 * OpenAPI) and the web client (types).
 */
export const EVENT_KINDS = ['dialogue', 'forum', 'assembly', 'meeting'] as const
export type EventKind = (typeof EVENT_KINDS)[number]
/** Kinds a council member may create for their own councils; the others are staff events. */
export const MEMBER_EVENT_KINDS: readonly EventKind[] = ['dialogue', 'meeting']
/** Kinds whose attendance counts for the `members_in_dialogue` indicator. */
export const DIALOGUE_INDICATOR_KINDS: readonly EventKind[] = ['dialogue', 'forum', 'assembly']
export const EVENT_FORMATS = ['offline', 'online', 'hybrid'] as const
export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'finished'] as const
export type EventStatus = (typeof EVENT_STATUSES)[number]
export const AUDIENCES = ['members', 'public'] as const
export const REGISTRATION_STATUSES = ['registered', 'waitlisted'] as const

export const MATERIAL_MAX_BYTES = 20 * 1024 * 1024
/** Materials an event keeps (programme, presentations, resolutions): a further upload is 400 `upload.too_many_files`. */
export const MAX_EVENT_MATERIALS = 30
export const MATERIAL_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'image/jpeg',
  'image/png',
] as const
export const MAX_CAPACITY = 100_000

const IsoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s))
const Url = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .describe('http(s) link')

export const Venue = z.strictObject({
  address: localizedText({ max: 300 }),
  regionId: ObjectIdString,
})

const eventFields = {
  kind: z.enum(EVENT_KINDS),
  title: localizedText({ max: 200 }),
  description: localizedText({ max: 10_000 }),
  format: z.enum(EVENT_FORMATS),
  venue: Venue.optional(),
  onlineUrl: Url.optional(),
  startsAt: IsoDate,
  endsAt: IsoDate,
  organizerCouncilIds: z.array(ObjectIdString).min(1).max(50),
  capacity: z.number().int().min(1).max(MAX_CAPACITY),
  regionQuota: z.number().int().min(1).max(MAX_CAPACITY).optional(),
  registrationClosesAt: IsoDate,
  audience: z.enum(AUDIENCES),
}

type Dates = { startsAt?: Date; endsAt?: Date; registrationClosesAt?: Date }
type Place = { format?: string; venue?: unknown; onlineUrl?: unknown }
/** Field-level checks of what is present (PATCH rechecks the merged event in the service). */
export function checkEventShape(v: Dates & Place, ctx: z.RefinementCtx, full: boolean): void {
  if (v.startsAt && v.endsAt && v.endsAt <= v.startsAt)
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends_before_start' })
  if (v.startsAt && v.registrationClosesAt && v.registrationClosesAt > v.startsAt)
    ctx.addIssue({ code: 'custom', path: ['registrationClosesAt'], message: 'closes_after_start' })
  if (full && v.format && v.format !== 'online' && !v.venue)
    ctx.addIssue({ code: 'custom', path: ['venue'], message: 'required' })
  if (full && v.format && v.format !== 'offline' && !v.onlineUrl)
    ctx.addIssue({ code: 'custom', path: ['onlineUrl'], message: 'required' })
}

export const CreateEventBody = z
  .strictObject(eventFields)
  .superRefine((v, ctx) => checkEventShape(v, ctx, true))
  .describe('A new event; it starts as a draft')
export type CreateEventBody = z.output<typeof CreateEventBody>

export const UpdateEventBody = z
  .strictObject({
    kind: eventFields.kind.optional(),
    title: eventFields.title.optional(),
    description: eventFields.description.optional(),
    format: eventFields.format.optional(),
    venue: Venue.nullable().optional(),
    onlineUrl: Url.nullable().optional(),
    startsAt: IsoDate.optional(),
    endsAt: IsoDate.optional(),
    organizerCouncilIds: eventFields.organizerCouncilIds.optional(),
    capacity: eventFields.capacity.optional(),
    regionQuota: eventFields.regionQuota.unwrap().nullable().optional(),
    registrationClosesAt: IsoDate.optional(),
    audience: eventFields.audience.optional(),
    status: z.enum(['published', 'cancelled', 'finished']).optional(),
  })
  .superRefine((v, ctx) => checkEventShape(v, ctx, false))
  .describe('Any field of the event, and/or a status change; `null` clears venue, onlineUrl or regionQuota')
export type UpdateEventBody = z.output<typeof UpdateEventBody>

export const EventListQuery = z.object({
  kind: z.enum(EVENT_KINDS).optional(),
  regionId: ObjectIdString.optional(),
  from: IsoDate.optional().describe('events ending at or after this time'),
  to: IsoDate.optional().describe('events starting before this time'),
  when: z.enum(['upcoming', 'past']).optional().describe('extension: upcoming (not ended yet, soonest first) or past'),
  status: z.enum(EVENT_STATUSES).optional().describe('extension: organizers may list their drafts'),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('extension: words of the title or description (kk/ru, inflected forms match); the order stays by date'),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type EventListQuery = z.output<typeof EventListQuery>

/** `/events/{id}`: one parameter name per path position, whatever the operation accepts there. */
export const EventRefParams = z.strictObject({ id: z.string().min(1).max(200).describe("The event's id or its slug") })
export const EventIdParams = z.strictObject({ id: ObjectIdString })
export const MaterialParams = z.strictObject({ id: ObjectIdString, materialId: ObjectIdString })

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })
const CouncilRef = z.object({ id: z.string(), slug: z.string(), name: Localized, regionId: z.string().nullable() })

export const EventSummary = z.object({
  id: z.string(),
  slug: z.string(),
  kind: z.enum(EVENT_KINDS),
  title: Localized,
  startsAt: z.string(),
  endsAt: z.string(),
  format: z.enum(EVENT_FORMATS),
  venue: z.object({ address: Localized, regionId: z.string() }).nullable(),
  capacity: z.number(),
  registered: z.number(),
  waitlisted: z.number(),
  status: z.enum(EVENT_STATUSES),
  audience: z.enum(AUDIENCES),
  registrationClosesAt: z.string(),
  placesLeft: z.number().describe('capacity − registered, never below 0'),
})
export type EventSummary = z.output<typeof EventSummary>

export const Material = z.object({
  id: z.string(),
  title: Localized,
  fileName: z.string(),
  mime: z.string(),
  size: z.number(),
  url: z.string(),
  uploadedAt: z.string(),
})
export const Outcome = z.object({
  summary: Localized,
  recommendations: z.array(Localized),
  relatedNewsIds: z.array(z.string()),
  relatedVideoIds: z.array(z.string()),
  updatedAt: z.string(),
})

export const EventView = EventSummary.extend({
  description: Localized,
  onlineUrl: z.string().nullable().describe('only for organizers and registered participants'),
  organizerCouncils: z.array(CouncilRef),
  regionQuota: z.number().nullable(),
  regionIds: z.array(z.string()),
  materials: z.array(Material),
  outcome: Outcome.nullable(),
  chatRoomId: z.string().nullable(),
  canOrganize: z.boolean().describe('the caller is an organizer of this event'),
  myRegistration: z
    .object({
      id: z.string(),
      status: z.enum(REGISTRATION_STATUSES),
      code: z.string(),
      position: z.number().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type EventView = z.output<typeof EventView>

export const EventPage = z.object({ items: z.array(EventSummary), nextCursor: z.string().nullable() })

export const RegistrationResult = z.object({
  id: z.string(),
  status: z.enum(REGISTRATION_STATUSES),
  code: z.string(),
  position: z.number().optional().describe('place on the waiting list (1 = next), only when waitlisted'),
})

export const MyRegistration = z.object({
  id: z.string(),
  status: z.enum(REGISTRATION_STATUSES),
  code: z.string(),
  position: z.number().nullable(),
  checkedInAt: z.string().nullable(),
  createdAt: z.string(),
  event: EventSummary,
})
export const MyRegistrationPage = z.object({ items: z.array(MyRegistration), nextCursor: z.string().nullable() })
export const MineQuery = z.object({
  when: z.enum(['upcoming', 'past']).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})

export const RegistrationRow = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  councilId: z.string().nullable(),
  councilName: Localized.nullable().describe('extension'),
  regionId: z.string().nullable(),
  status: z.enum(REGISTRATION_STATUSES),
  position: z.number().nullable().describe('extension: waiting-list place'),
  checkedInAt: z.string().nullable(),
  createdAt: z.string(),
})
export type RegistrationRow = z.output<typeof RegistrationRow>
const Count = z.object({ registered: z.number(), waitlisted: z.number(), checkedIn: z.number() })
export const RegistrationSummary = z.object({
  capacity: z.number(),
  regionQuota: z.number().nullable(),
  registered: z.number(),
  waitlisted: z.number(),
  checkedIn: z.number(),
  byRegion: z.array(Count.extend({ regionId: z.string().nullable() })),
  byCouncil: z.array(Count.extend({ councilId: z.string().nullable(), councilName: Localized.nullable() })),
})
export const RegistrationPage = z.object({
  items: z.array(RegistrationRow),
  nextCursor: z.string().nullable(),
  summary: RegistrationSummary.describe('extension: counts against capacity and quotas, by region and council'),
})
export const RegistrationListQuery = z.object({
  format: z.enum(['json', 'csv']).optional(),
  status: z.enum(REGISTRATION_STATUSES).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})

/** Codes are typed at the door: case, spaces and dashes do not matter. */
export const normalizeCode = (s: string) => s.toUpperCase().replace(/[\s-]/g, '')
export const CheckInBody = z.strictObject({
  code: z.string().trim().min(1).max(40).transform(normalizeCode),
})
export const CheckInResult = RegistrationRow.extend({
  alreadyCheckedIn: z.boolean(),
})

export const OutcomeBody = z.strictObject({
  summary: localizedText({ max: 20_000 }),
  recommendations: z
    .array(localizedText({ max: 2000 }))
    .max(50)
    .optional(),
  relatedNewsIds: z.array(ObjectIdString).max(20).optional().describe('extension'),
  relatedVideoIds: z.array(ObjectIdString).max(20).optional().describe('extension'),
})

/** Multipart text fields beside `file`: `title.kk` / `title.ru`, or `title` (taken in the request language). */
export const MaterialFields = z.strictObject({
  title: localizedText({ max: 200 }),
})

export const ChatRoomResult = z.object({ chatRoomId: z.string(), created: z.boolean() })
