import { Router } from 'express'
import { z } from 'zod'
import {
  ChatRoomResult,
  CheckInBody,
  CheckInResult,
  CreateEventBody,
  EventIdParams,
  EventListQuery,
  EventPage,
  EventRefParams,
  EventView,
  MATERIAL_MAX_BYTES,
  MATERIAL_TYPES,
  MaterialFields,
  MaterialParams,
  MineQuery,
  MyRegistrationPage,
  OutcomeBody,
  RegistrationListQuery,
  RegistrationPage,
  RegistrationResult,
  UpdateEventBody,
} from '../../../shared/schemas/events.js'
import { actorOf } from '../../core/auth/middleware.js'
import { configuredLimiter, rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { acceptUpload } from '../../core/uploads.js'
import * as events from './events.service.js'
import * as materials from './events.materials.js'
import { listRegistrations, myRegistrations, registrationsCsv } from './events.lists.js'
import { eventIcs } from './events.notify.js'
import { cancelMine, checkIn, register } from './events.registrations.js'

export const eventsRouter = Router()
const councilsNamed = (body: unknown): string[] => {
  const ids = (body as { organizerCouncilIds?: unknown } | undefined)?.organizerCouncilIds
  return Array.isArray(ids) ? ids.filter((v): v is string => typeof v === 'string') : []
}
const tags = ['events']
/** Registrations (and re-registrations after cancelling) per user and per IP address and hour. */
const registerPerUser = configuredLimiter('event_register_user', (c) => ({
  points: c.limits.eventRegistrationsPerUserHour,
  durationSec: 3600,
}))
const registerPerIp = configuredLimiter('event_register_ip', (c) => ({
  points: c.limits.eventRegistrationsPerIpHour,
  durationSec: 3600,
}))
const organizerScope = ({ params }: { params: { id: string } }) => events.eventScope(params.id)
const noStore = (res: { setHeader(k: string, v: string): unknown }) =>
  res.setHeader('Cache-Control', 'private, no-store')

route(
  eventsRouter,
  {
    method: 'post',
    path: '/events',
    auth: 'event.create',
    // The councils named in the body (read raw: a malformed list simply names none, so only staff pass).
    scope: ({ req }) => ({ councilIds: councilsNamed(req.body) }),
    tags,
    status: 201,
    summary:
      'Create an event (a draft). Moderators and admins: any kind; council members: `dialogue` and `meeting` with at least one of their own councils among `organizerCouncilIds`. `venue` is required unless `format` is online, `onlineUrl` unless offline; `registrationClosesAt` ≤ `startsAt` < `endsAt`',
    body: CreateEventBody,
    response: EventView,
    errors: [400, 401, 403],
  },
  ({ actor, body }) => events.createEvent(actor, body),
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events',
    auth: 'public',
    tags,
    summary:
      'Events: published and finished ones for everyone; organizers also see their drafts and cancelled events. `from`/`to` bound the time, `regionId` matches the venue or an organizer council, extensions `when=upcoming|past` (soonest first / latest first) and `status`',
    query: EventListQuery,
    response: EventPage,
    errors: [400],
  },
  ({ actor, query, res }) => {
    noStore(res)
    return events.listEvents(actor, query)
  },
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events/mine',
    auth: 'user',
    tags,
    summary: 'My registrations with their events, status, code and waiting-list place (extension: `when`)',
    query: MineQuery,
    response: MyRegistrationPage,
  },
  ({ actor, query, res }) => {
    noStore(res)
    return myRegistrations(actor, query)
  },
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events/{id}',
    auth: 'public',
    tags,
    summary:
      'One event with materials and outcome. Drafts: organizers only; cancelled: organizers and registrants (404 for others). `onlineUrl` only for organizers and registered people; `myRegistration` for the caller',
    params: EventRefParams,
    response: EventView,
    errors: [404],
  },
  ({ actor, params, res }) => {
    noStore(res)
    return events.getEvent(actor, params.id)
  },
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events/{id}/calendar.ics',
    auth: 'public',
    tags,
    responseType: 'text/calendar',
    summary: 'The event as an iCalendar file (same visibility as the event), in the request language',
    params: EventRefParams,
    errors: [404],
  },
  async ({ actor, params, req, res }) => {
    const view = await events.getEvent(actor, params.id)
    const e = await events.loadEvent(view.id)
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8')
    res.attachment(`${e.slug}.ics`)
    res.send(eventIcs(e, req.lng, { includeOnlineUrl: view.onlineUrl !== null }))
  },
)

route(
  eventsRouter,
  {
    method: 'patch',
    path: '/events/{id}',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    summary:
      'Edit any field, and/or change `status`: draft → published | cancelled, published → cancelled | finished (after the start). Publishing schedules the 24 h reminder; cancelling e-mails every registrant. More capacity or a larger quota promotes the waiting list; less than already registered → 409',
    params: EventIdParams,
    body: UpdateEventBody,
    response: EventView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => events.updateEvent(actor, params.id, body),
)

route(
  eventsRouter,
  {
    method: 'post',
    path: '/events/{id}/registrations',
    auth: 'user',
    tags,
    status: 201,
    summary:
      'Register (one click): `registered` while seats (and the region quota) last, else `waitlisted` with `position`. The seat is taken by one atomic update, so `registered` never passes `capacity` or `regionQuota`. 409 `conflict` if already registered; 409 `events.registration_closed` after `registrationClosesAt` or when not published; 403 `events.members_only` for a members-only event. The e-mail carries the code as a QR image and the .ics. Rate-limited per user and per IP address (429 `rate_limited` with `Retry-After`)',
    params: EventIdParams,
    body: z.strictObject({}).optional(),
    response: RegistrationResult,
    errors: [401, 403, 404, 409, 429],
    before: [rateLimit(registerPerIp, (req) => req.ip ?? '')],
    use: [rateLimit(registerPerUser, (req) => actorOf(req)!.id)],
  },
  ({ actor, params }) => register(actor, params.id),
)

route(
  eventsRouter,
  {
    method: 'delete',
    path: '/events/{id}/registrations/mine',
    auth: 'user',
    tags,
    status: 204,
    summary:
      'Cancel my registration (until the start): the first person on the waiting list whose region is under its quota is promoted and e-mailed. 409 `events.already_attended` after check-in',
    params: EventIdParams,
    errors: [401, 404, 409],
  },
  async ({ actor, params }) => {
    await cancelMine(actor, params.id)
  },
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events/{id}/registrations',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    summary:
      'The registration list (organizers; reads are audit-logged): arrival order, `{ items, nextCursor, summary }` with counts against capacity and quota by region and council. `?format=csv`: every registration as CSV for Excel (UTF-8 with BOM, headers in the request language)',
    params: EventIdParams,
    query: RegistrationListQuery,
    response: RegistrationPage,
    alsoAs: ['text/csv'],
    errors: [401, 403, 404],
  },
  async ({ actor, params, query, req, res }) => {
    noStore(res)
    const e = await events.loadOrganized(actor, params.id)
    if (query.format === 'csv') {
      const csv = await registrationsCsv(actor, e, req.lng)
      res.setHeader('Content-Type', 'text/csv; charset=utf-8')
      res.attachment(`registrations-${e.slug}.csv`)
      res.send(csv)
      return
    }
    return listRegistrations(actor, e, query)
  },
)

route(
  eventsRouter,
  {
    method: 'post',
    path: '/events/{id}/check-in',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    summary:
      'Check a person in by code (typed or read from the QR; case, spaces and dashes ignored). Again: the same registration with `alreadyCheckedIn: true`. Unknown code → 404; waiting list → 409 `events.not_registered`',
    params: EventIdParams,
    body: CheckInBody,
    response: CheckInResult,
    errors: [400, 401, 403, 404, 409],
  },
  async ({ actor, params, body }) => checkIn(actor, await events.loadOrganized(actor, params.id), body.code),
)

route(
  eventsRouter,
  {
    method: 'put',
    path: '/events/{id}/outcome',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    summary:
      'Write the outcome after the start (409 `events.not_started` before): summary, recommendations and (extension) related news and video ids',
    params: EventIdParams,
    body: OutcomeBody,
    response: EventView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => events.setOutcome(actor, params.id, body),
)

route(
  eventsRouter,
  {
    method: 'post',
    path: '/events/{id}/materials',
    auth: 'event.organize',
    scope: ({ params, req }) => materials.materialUploadScope(actorOf(req), params.id),
    tags,
    status: 201,
    multipart: true,
    summary:
      'Add a material: multipart `file` (pdf, docx, pptx, jpeg, png by content; ≤ 20 MB: 413 `upload.too_large`, 415 `upload.unsupported_type`, nothing kept; at most 30 an event: 400 `upload.too_many_files`; a cancelled event: 409, both before the file is read) and `title.kk` / `title.ru` (or `title`, taken in the request language) → the event',
    params: EventIdParams,
    body: MaterialFields,
    response: EventView,
    errors: [400, 401, 403, 404, 409, 413, 415],
    use: [
      acceptUpload({
        field: 'file',
        maxBytes: MATERIAL_MAX_BYTES,
        allowed: MATERIAL_TYPES,
        required: true,
        maxFields: 3,
      }),
    ],
    bodyFrom: (req) => {
      const f = (req.body ?? {}) as Record<string, string>
      const title: Record<string, string> = {}
      if (f['title.kk']) title.kk = f['title.kk']
      if (f['title.ru']) title.ru = f['title.ru']
      if (f.title && !title[req.lng]) title[req.lng] = f.title
      return { title }
    },
  },
  ({ actor, params, body, req }) => materials.addMaterial(actor, params.id, req.uploads![0], body.title),
)

route(
  eventsRouter,
  {
    method: 'get',
    path: '/events/{id}/materials/{materialId}',
    auth: 'public',
    tags,
    responseType: 'application/octet-stream',
    summary: 'Download a material (same visibility as the event), as an attachment with its sniffed type',
    params: MaterialParams,
    errors: [404],
  },
  async ({ actor, params, res }) => {
    const file = await materials.materialFile(actor, params.id, params.materialId)
    res.attachment(file.name)
    res.setHeader('Content-Type', file.mime)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Cache-Control', 'private, max-age=300')
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file.path, { dotfiles: 'deny' }, (err) => (err ? reject(err) : resolve())),
    )
  },
)

route(
  eventsRouter,
  {
    method: 'delete',
    path: '/events/{id}/materials/{materialId}',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    status: 204,
    summary: 'Extension: remove a material and its file',
    params: MaterialParams,
    errors: [401, 403, 404],
  },
  async ({ actor, params }) => {
    await materials.removeMaterial(actor, params.id, params.materialId)
  },
)

route(
  eventsRouter,
  {
    method: 'post',
    path: '/events/{id}/chat-room',
    auth: 'event.organize',
    scope: organizerScope,
    tags,
    summary:
      "Extension: open the dialogue platform's chat room (a `dialogue` room of the chat module for the organizer councils, which must span two regions); idempotent",
    params: EventIdParams,
    response: ChatRoomResult,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params }) => events.openChatRoom(actor, params.id),
)
