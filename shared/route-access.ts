/**
 * The role × route matrix: what every caller gets from every route, declared once next to the
 * rights table (permissions.ts). `test/api/core/route-access.test.ts` calls every route of the
 * route table as every caller against fixtures owned by one council and checks these outcomes; a
 * route without a row here fails that test.
 *
 * Callers: `guest`; `citizen`; `owner`, a council_member of the fixtures' council; `other`, a
 * council_member of another council; `moderator`; `admin`.
 * Outcomes: `'ok'` — the request passes the access decision (any answer but 401, 403, 404 and 5xx:
 * the probe sends an empty body, so a 400 is a pass); `401`, `403`, `404` — refused with that status
 * (404 where the resource is hidden from the caller, or the probe's placeholder names nothing).
 */
export const CALLERS = ['guest', 'citizen', 'owner', 'other', 'moderator', 'admin'] as const
export type Caller = (typeof CALLERS)[number]
export type Outcome = 'ok' | 401 | 403 | 404
export type AccessRow = Readonly<Record<Caller, Outcome>>

const row = (
  guest: Outcome,
  citizen: Outcome,
  owner: Outcome,
  other: Outcome,
  moderator: Outcome,
  admin: Outcome,
): AccessRow => ({ guest, citizen, owner, other, moderator, admin })

/** Anyone. */
const PUBLIC = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok')
/** Any signed-in user. */
const SIGNED_IN = row(401, 'ok', 'ok', 'ok', 'ok', 'ok')
/** Council members, moderators and admins (`chat.connect`). */
const MEMBERS = row(401, 403, 'ok', 'ok', 'ok', 'ok')
/** Moderators and admins. */
const STAFF = row(401, 403, 403, 403, 'ok', 'ok')
/** Admins only. */
const ADMIN = row(401, 403, 403, 403, 403, 'ok')
/** Staff everywhere, council members for their own council. */
const OWN_COUNCIL = row(401, 403, 'ok', 403, 'ok', 'ok')
/** A resource the public may not see (a draft, a video in review): its council and staff only. */
const HIDDEN = row(404, 404, 'ok', 404, 'ok', 'ok')
/** A placeholder that names nothing: every caller who may ask is told 404. */
const NOTHING = row(404, 404, 404, 404, 404, 404)

export const ROUTE_ACCESS: Readonly<Record<string, AccessRow>> = {
  // operations
  'GET /api/v1/health': PUBLIC,
  'GET /api/v1/openapi.json': PUBLIC,
  'GET /metrics': ADMIN,
  'GET /api/v1/admin/operations': ADMIN,
  // the placeholder names no job: admins are told 404, everyone else is refused before that
  'POST /api/v1/admin/jobs/{id}/retry': row(401, 403, 403, 403, 403, 404),
  'GET /media/files/{folder}/{owner}/{name}': NOTHING,
  // regions and councils
  'GET /api/v1/regions': PUBLIC,
  'GET /api/v1/councils': PUBLIC,
  'GET /api/v1/councils/{id}': PUBLIC,
  'POST /api/v1/councils': STAFF,
  'PATCH /api/v1/councils/{id}': OWN_COUNCIL,
  'DELETE /api/v1/councils/{id}': ADMIN,
  'POST /api/v1/councils/{id}/logo': OWN_COUNCIL,
  // accounts
  'GET /api/v1/auth/csrf': PUBLIC,
  'POST /api/v1/auth/register': PUBLIC,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': SIGNED_IN,
  'GET /api/v1/auth/me': SIGNED_IN,
  'GET /api/v1/auth/session': PUBLIC,
  'PATCH /api/v1/auth/me': SIGNED_IN,
  'GET /api/v1/auth/me/data': SIGNED_IN,
  'POST /api/v1/auth/me/erase': SIGNED_IN,
  'POST /api/v1/auth/verify-email': PUBLIC,
  'POST /api/v1/auth/verify-email/resend': SIGNED_IN,
  'POST /api/v1/auth/password/forgot': PUBLIC,
  'POST /api/v1/auth/password/reset': PUBLIC,
  'POST /api/v1/auth/password/change': SIGNED_IN,
  'GET /api/v1/users': ADMIN,
  'GET /api/v1/users.csv': ADMIN,
  'PATCH /api/v1/users/{id}': ADMIN,
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/audit.csv': ADMIN,
  // appeals (the fixture appeal is the citizen's, sent to the owner's council)
  'POST /api/v1/appeals': PUBLIC,
  'POST /api/v1/appeals/confirm': PUBLIC,
  'GET /api/v1/appeals/track': PUBLIC,
  'GET /api/v1/appeals/mine': SIGNED_IN,
  'GET /api/v1/appeals/public': PUBLIC,
  'GET /api/v1/councils/{councilId}/appeals': OWN_COUNCIL,
  'GET /api/v1/councils/{councilId}/appeals.csv': OWN_COUNCIL,
  'GET /api/v1/appeals/{id}': row(401, 'ok', 'ok', 403, 'ok', 'ok'),
  'GET /api/v1/appeals/{id}/attachments/{attachmentId}': row(401, 'ok', 'ok', 403, 'ok', 'ok'),
  'POST /api/v1/appeals/{id}/replies': row(401, 'ok', 'ok', 403, 403, 403),
  'PATCH /api/v1/appeals/{id}/status': row(401, 403, 'ok', 403, 'ok', 403),
  'POST /api/v1/appeals/{id}/extend': row(401, 403, 'ok', 403, 403, 403),
  'POST /api/v1/appeals/{id}/rating': row(401, 'ok', 403, 403, 403, 403),
  // chat (the fixture room is a dialogue of the owner's council and a third one)
  'GET /api/v1/chat/rooms': MEMBERS,
  'POST /api/v1/chat/rooms': MEMBERS,
  'GET /api/v1/chat/rooms/{id}': OWN_COUNCIL,
  'POST /api/v1/chat/rooms/{id}/councils': OWN_COUNCIL,
  'GET /api/v1/chat/rooms/{id}/messages': OWN_COUNCIL,
  'POST /api/v1/chat/rooms/{id}/attachments': OWN_COUNCIL,
  'GET /api/v1/chat/attachments/{id}': OWN_COUNCIL,
  'PATCH /api/v1/chat/messages/{id}': OWN_COUNCIL,
  'DELETE /api/v1/chat/messages/{id}': OWN_COUNCIL,
  // news (the fixture article is a draft of the owner's council)
  'GET /api/v1/news/feed.xml': PUBLIC,
  'GET /api/v1/news': PUBLIC,
  'GET /api/v1/news/{id}': HIDDEN,
  'GET /api/v1/councils/{councilId}/news': OWN_COUNCIL,
  'POST /api/v1/councils/{councilId}/news': OWN_COUNCIL,
  'PATCH /api/v1/news/{id}': OWN_COUNCIL,
  'DELETE /api/v1/news/{id}': OWN_COUNCIL,
  'POST /api/v1/news/{id}/cover': OWN_COUNCIL,
  // videos (the fixture video of the owner's council waits for review)
  'GET /media/videos/{id}/master.m3u8': HIDDEN,
  'GET /media/videos/{id}/thumbnail.jpg': HIDDEN,
  'GET /media/videos/{id}/source': HIDDEN,
  'GET /media/videos/{id}/{rendition}/{file}': NOTHING,
  'POST /api/v1/councils/{councilId}/videos': OWN_COUNCIL,
  'OPTIONS /api/v1/councils/{councilId}/videos/tus': PUBLIC,
  'OPTIONS /api/v1/councils/{councilId}/videos/tus/{uploadId}': PUBLIC,
  'POST /api/v1/councils/{councilId}/videos/tus': OWN_COUNCIL,
  // The probe sends no tus headers: a caller who passes access is refused by the protocol (400/415).
  'PATCH /api/v1/councils/{councilId}/videos/tus/{uploadId}': OWN_COUNCIL,
  'HEAD /api/v1/councils/{councilId}/videos/tus/{uploadId}': OWN_COUNCIL,
  'DELETE /api/v1/councils/{councilId}/videos/tus/{uploadId}': OWN_COUNCIL,
  'GET /api/v1/councils/{councilId}/videos/tus/{uploadId}': row(401, 403, 404, 403, 404, 404),
  'GET /api/v1/videos': PUBLIC,
  'GET /api/v1/councils/{councilId}/videos': OWN_COUNCIL,
  'GET /api/v1/moderation/videos': STAFF,
  'GET /api/v1/videos/{id}': HIDDEN,
  'POST /api/v1/videos/{id}/approve': STAFF,
  'POST /api/v1/videos/{id}/reject': STAFF,
  'POST /api/v1/videos/{id}/unpublish': STAFF,
  'PATCH /api/v1/videos/{id}': HIDDEN,
  'DELETE /api/v1/videos/{id}': HIDDEN,
  // events (the fixture is a published public meeting organized by the owner's council)
  'POST /api/v1/events': OWN_COUNCIL,
  'GET /api/v1/events': PUBLIC,
  'GET /api/v1/events/mine': SIGNED_IN,
  'GET /api/v1/events/{id}': PUBLIC,
  'GET /api/v1/events/{id}/calendar.ics': PUBLIC,
  'PATCH /api/v1/events/{id}': OWN_COUNCIL,
  'POST /api/v1/events/{id}/registrations': SIGNED_IN,
  'DELETE /api/v1/events/{id}/registrations/mine': SIGNED_IN,
  'GET /api/v1/events/{id}/registrations': OWN_COUNCIL,
  'POST /api/v1/events/{id}/check-in': OWN_COUNCIL,
  'PUT /api/v1/events/{id}/outcome': OWN_COUNCIL,
  'POST /api/v1/events/{id}/materials': OWN_COUNCIL,
  'GET /api/v1/events/{id}/materials/{materialId}': NOTHING,
  'DELETE /api/v1/events/{id}/materials/{materialId}': row(401, 403, 404, 403, 404, 404),
  'POST /api/v1/events/{id}/chat-room': OWN_COUNCIL,
  // small grants (the fixture call is published; the application is the owner council's draft;
  // awards, reports and files are placeholders that name nothing)
  'POST /api/v1/grants/calls': ADMIN,
  'PATCH /api/v1/grants/calls/{id}': ADMIN,
  'GET /api/v1/grants/calls': PUBLIC,
  'GET /api/v1/grants/calls/{id}': PUBLIC,
  'POST /api/v1/grants/calls/{id}/applications': row(401, 403, 'ok', 403, 403, 403),
  // the admin and the call's experts; a council sees its own through /applications/mine
  'GET /api/v1/grants/calls/{id}/applications': row(401, 403, 403, 403, 403, 'ok'),
  'GET /api/v1/grants/applications/mine': SIGNED_IN,
  // a draft is its council's alone (the admin sees it once submitted)
  'GET /api/v1/grants/applications/{id}': row(401, 403, 'ok', 403, 403, 403),
  'PATCH /api/v1/grants/applications/{id}': row(401, 403, 'ok', 403, 403, 403),
  'POST /api/v1/grants/applications/{id}/submit': row(401, 403, 'ok', 403, 403, 403),
  'POST /api/v1/grants/applications/{id}/withdraw': row(401, 403, 'ok', 403, 403, 403),
  'POST /api/v1/grants/applications/{id}/reviews': row(401, 403, 403, 403, 403, 403),
  'POST /api/v1/grants/calls/{id}/awards': ADMIN,
  'GET /api/v1/grants/awards': PUBLIC,
  'POST /api/v1/grants/awards/{id}/reports': row(401, 404, 404, 404, 404, 404),
  'GET /api/v1/grants/awards/{id}/reports': NOTHING,
  'PATCH /api/v1/grants/reports/{id}': row(401, 403, 403, 403, 403, 404),
  // the upload is read (and thrown away) before the service decides: the probe's missing file is a 400
  // uploads: access decided before the body is read (the route's scope)
  'POST /api/v1/grants/applications/{id}/attachments': row(401, 403, 'ok', 403, 403, 403),
  'GET /api/v1/grants/applications/{id}/attachments/{fileId}': row(401, 403, 404, 403, 403, 404),
  'POST /api/v1/grants/reports/{id}/files': row(401, 404, 404, 404, 404, 404),
  'GET /api/v1/grants/reports/{id}/files/{fileId}': NOTHING,
  // public control (a placeholder recommendation names nothing)
  'POST /api/v1/control/recommendations': row(401, 403, 'ok', 403, 403, 403),
  'PATCH /api/v1/control/recommendations/{id}': row(401, 404, 404, 404, 404, 404),
  'GET /api/v1/control/recommendations': PUBLIC,
  'GET /api/v1/control/scorecard': PUBLIC,
  // best practices and the compendium (placeholders: no practice, no compendium of the year)
  'GET /api/v1/best-practices/compendium/{year}.pdf': NOTHING,
  'POST /api/v1/best-practices/compendium': STAFF,
  'GET /api/v1/best-practices/compendium/{year}/status': PUBLIC,
  'POST /api/v1/best-practices': SIGNED_IN,
  'GET /api/v1/best-practices': PUBLIC,
  'GET /api/v1/best-practices/{id}': NOTHING,
  'PATCH /api/v1/best-practices/{id}': STAFF,
  'POST /api/v1/best-practices/{id}/images': row(401, 404, 404, 404, 404, 404),
  // indicators
  'GET /api/v1/stats/indicators': PUBLIC,
  // support desk (placeholders: no ticket)
  'POST /api/v1/support/tickets': PUBLIC,
  // staff: the queue; others: their own tickets (a guest only with number and code)
  'GET /api/v1/support/tickets': SIGNED_IN,
  'GET /api/v1/support/tickets.csv': STAFF,
  'GET /api/v1/support/tickets/{id}': NOTHING,
  'GET /api/v1/support/tickets/{id}/attachments/{attachmentId}': NOTHING,
  'POST /api/v1/support/tickets/{id}/messages': NOTHING,
  'PATCH /api/v1/support/tickets/{id}': STAFF,
}
