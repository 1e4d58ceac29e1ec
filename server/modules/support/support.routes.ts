import { Router, type Request, type RequestHandler } from 'express'
import {
  CreateTicketBody,
  CreateTicketMultipart,
  CreateTicketResponse,
  TICKET_FILE_MAX_BYTES,
  TICKET_FILE_TYPES,
  TICKET_MAX_FILES,
  TicketAttachmentParams,
  TicketCodeQuery,
  TicketCsvQuery,
  TicketListQuery,
  TicketMessage,
  TicketMessageBody,
  TicketPage,
  TicketParams,
  TicketView,
  UpdateTicketBody,
  foldTicketFields,
} from '../../../shared/schemas/support.js'
import { configuredLimiter, createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { acceptUpload } from '../../core/uploads.js'
import { ticketsCsv } from './support.csv.js'
import * as support from './support.service.js'

export const supportRouter = Router()
const tags = ['support']
const ipOf = (req: Request) => req.ip ?? ''

/** Floods, as for appeals: per IP (shared NATs still fit) and per sender address. */
const openPerIp = configuredLimiter('support_open_ip', (c) => ({
  points: c.limits.supportPerIpHour,
  durationSec: 3600,
}))
/** Per sender: the signed-in user's address, or a guest's contact address. */
const openPerEmail = configuredLimiter('support_open_email', (c) => ({
  points: c.limits.supportPerSenderHour,
  durationSec: 3600,
}))
/**
 * Guessing codes: every code-based request takes a point before the code is looked at (count
 * first, then check), so parallel guesses cannot slip past a check-then-count window.
 */
export const codeChecks = createRateLimiter({
  name: 'support_code_checks',
  points: 60,
  durationSec: 900,
  blockSec: 900,
})
const countCode = (code: string | undefined, req: Request) => (code ? codeChecks.consume(ipOf(req)) : Promise.resolve())

const upload = acceptUpload({
  field: 'files',
  maxCount: TICKET_MAX_FILES,
  maxBytes: TICKET_FILE_MAX_BYTES,
  allowed: TICKET_FILE_TYPES,
  maxFields: 8,
})
const isMultipart = (req: Request) => Boolean(req.is('multipart/form-data'))
const uploadIfMultipart: RequestHandler = (req, res, next) => (isMultipart(req) ? upload(req, res, next) : next())
const privateNoStore = (res: { setHeader(k: string, v: string): unknown }) =>
  res.setHeader('Cache-Control', 'private, no-store')

route(
  supportRouter,
  {
    method: 'post',
    path: '/support/tickets',
    auth: 'public',
    tags,
    status: 201,
    body: CreateTicketBody,
    multipartAlternative: CreateTicketMultipart,
    response: CreateTicketResponse,
    errors: [400, 413, 415, 429],
    summary: 'Open a support ticket (signed in, or a guest with `contact`)',
    description:
      'JSON, or multipart with the same fields as text parts plus up to 3 `files` (screenshots: jpeg/png/webp by content, ≤ 5 MB each; re-encoded to WebP without metadata). ' +
      '`firstResponseDueAt` is the end of the next working day (Kazakhstan calendar). A guest gets `accessCode` here and by e-mail; with the number it opens the ticket. Rate-limited per IP and per e-mail (429).',
    before: [rateLimit(openPerIp, ipOf)],
    use: [uploadIfMultipart],
    bodyFrom: (req) => (isMultipart(req) ? foldTicketFields({ ...(req.body ?? {}) }) : (req.body ?? {})),
  },
  async ({ actor, body, req }) => {
    await openPerEmail().consume((actor?.email ?? body.contact?.email ?? '').toLowerCase())
    return support.createTicket(actor, body, req.uploads ?? [], req.lng)
  },
)

route(
  supportRouter,
  {
    method: 'get',
    path: '/support/tickets',
    auth: 'public',
    tags,
    query: TicketListQuery,
    response: TicketPage,
    errors: [400, 401, 429],
    summary:
      'Staff: the queue, newest first (`status`, `category`, `assignee` = id or `none`, `overdue`). Others: their own tickets; guests `?number=&code=` (one ticket or none)',
  },
  async ({ actor, query, req, res }) => {
    privateNoStore(res)
    if (!actor) await countCode(query.code, req)
    return support.listTickets(actor, query)
  },
)

route(
  supportRouter,
  {
    method: 'get',
    path: '/support/tickets.csv',
    auth: 'support.manage',
    tags,
    query: TicketCsvQuery,
    responseType: 'text/csv',
    summary: "Staff: the queue as CSV (same filters), headers in the request's language, UTF-8 with BOM",
  },
  async ({ actor, query, req, res }) => {
    const csv = ticketsCsv(await support.exportTickets(actor, query), req.lng)
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', 'attachment; filename="support-tickets.csv"')
    privateNoStore(res)
    res.send(csv)
  },
)

route(
  supportRouter,
  {
    method: 'get',
    path: '/support/tickets/{id}',
    auth: 'public',
    tags,
    params: TicketParams,
    query: TicketCodeQuery,
    response: TicketView,
    errors: [401, 403, 404, 429],
    summary: 'One ticket with its messages: its author (account or `?code=`) or staff; 404 for a wrong code',
  },
  async ({ actor, params, query, req, res }) => {
    privateNoStore(res)
    await countCode(query.code, req)
    return support.getTicket(actor, params.id, query.code)
  },
)

route(
  supportRouter,
  {
    method: 'get',
    path: '/support/tickets/{id}/attachments/{attachmentId}',
    auth: 'public',
    tags,
    params: TicketAttachmentParams,
    query: TicketCodeQuery,
    responseType: 'image/webp',
    errors: [401, 403, 404, 429],
    summary: 'A screenshot of the ticket (same access as the ticket)',
  },
  async ({ actor, params, query, req, res }) => {
    await countCode(query.code, req)
    const f = await support.ticketAttachment(actor, params.id, params.attachmentId, query.code)
    res.setHeader('Content-Type', f.mime)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    privateNoStore(res)
    await new Promise<void>((resolve, reject) =>
      res.sendFile(f.path, { dotfiles: 'deny' }, (err) => (err ? reject(err) : resolve())),
    )
  },
)

route(
  supportRouter,
  {
    method: 'post',
    path: '/support/tickets/{id}/messages',
    auth: 'public',
    tags,
    status: 201,
    params: TicketParams,
    query: TicketCodeQuery,
    body: TicketMessageBody,
    response: TicketMessage,
    errors: [401, 403, 404, 409, 429],
    summary:
      'A message in the thread: the author (guests `?code=`; reopens a `waiting`/`resolved` ticket as `in_progress`) or staff (the first staff message is the first response; the author is e-mailed). 409 `support.closed`',
  },
  async ({ actor, params, query, body, req }) => {
    await countCode(query.code, req)
    return support.addMessage(actor, params.id, query.code, body.text)
  },
)

route(
  supportRouter,
  {
    method: 'patch',
    path: '/support/tickets/{id}',
    auth: 'support.manage',
    tags,
    params: TicketParams,
    body: UpdateTicketBody,
    response: TicketView,
    errors: [400, 401, 403, 404],
    summary: 'Staff: `status` and/or `assigneeId` (a moderator or admin, or null); a status change e-mails the author',
  },
  ({ actor, params, body }) => support.updateTicket(actor, params.id, body),
)
