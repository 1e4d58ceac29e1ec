import { Router, type Request, type RequestHandler } from 'express'
import {
  AppealPage,
  AppealParams,
  AppealView,
  AttachmentParams,
  CodeQuery,
  ConfirmAppealBody,
  ConfirmAppealResponse,
  CouncilAppealsParams,
  CouncilAppealsQuery,
  CreateAppealBody,
  CreateAppealMultipart,
  CreateAppealResponse,
  CsvQuery,
  ExtendBody,
  FILE_MAX_BYTES,
  FILE_TYPES,
  MAX_FILES,
  MineQuery,
  PublicPage,
  PublicQuery,
  AppealRating,
  RatingBody,
  ReplyBody,
  ReplyResponse,
  StatusBody,
  TrackQuery,
  foldMultipartFields,
} from '../../../shared/schemas/appeals.js'
import { actorOf } from '../../core/auth/middleware.js'
import { AppError } from '../../core/errors.js'
import { assertCan } from '../../core/policy.js'
import {
  checkToken,
  configuredLimiter,
  createRateLimiter,
  rateLimit,
  withAttemptBudget,
} from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { acceptUpload } from '../../core/uploads.js'
import * as queries from './appeals.queries.js'
import { confirmAppeal, submitAppeal } from './appeals.submit.js'
import * as workflow from './appeals.workflow.js'

export const appealsRouter = Router()
const tags = ['appeals']
const ipOf = (req: Request) => req.ip ?? ''

/** Floods: per IP (shared NATs of libraries and offices still fit) and per sender address. */
const submitPerIp = configuredLimiter('appeals_submit_ip', (c) => ({
  points: c.limits.appealsPerIpHour,
  durationSec: 3600,
}))
/** Per sender: the signed-in user, or a guest's contact address. */
const submitPerSender = configuredLimiter('appeals_submit_email', (c) => ({
  points: c.limits.appealsPerSenderHour,
  durationSec: 3600,
}))
/** Guessing numbers/codes: failed attempts per IP; once exhausted every code lookup is refused for a while. */
export const codeFailures = createRateLimiter({
  name: 'appeals_code_failures',
  points: 20,
  durationSec: 900,
  blockSec: 900,
})

const wrongCode = (err: unknown) => err instanceof AppError && (err.status === 404 || err.status === 401)
/** Runs a code-based lookup under the caller IP's guessing budget; a 401/404 keeps the attempt counted. */
async function guarded<T>(req: Request, usesCode: boolean, fn: () => Promise<T>): Promise<T> {
  if (!usesCode) return fn()
  return withAttemptBudget(codeFailures, ipOf(req), fn, wrongCode)
}

const upload = acceptUpload({
  field: 'files',
  maxCount: MAX_FILES,
  maxBytes: FILE_MAX_BYTES,
  allowed: FILE_TYPES,
  maxFields: 12,
})
const isMultipart = (req: Request) => Boolean(req.is('multipart/form-data'))
const uploadIfMultipart: RequestHandler = (req, res, next) => (isMultipart(req) ? upload(req, res, next) : next())
/** The appeal's council, for the early check of rights held per council (404 as the service would answer). */
const appealCouncil = ({ params, req }: { params: { id: string }; req: Request }) =>
  queries.appealScope(actorOf(req), params.id)

route(
  appealsRouter,
  {
    method: 'post',
    path: '/appeals',
    auth: 'public',
    tags,
    status: 201,
    response: CreateAppealResponse,
    body: CreateAppealBody,
    multipartAlternative: CreateAppealMultipart,
    errors: [413, 415, 429],
    summary: 'Send an appeal (signed-in citizen, or guest with `contact`)',
    description:
      'JSON, or `multipart/form-data` with the same fields as text parts (`councilId`, `category`, `subject`, `text`, `isPublic` = "true"/"false", ' +
      'for guests `contact.name` and `contact.email`) plus up to 5 `files` (pdf/jpeg/png by content, ≤ 10 MB each; 413 `upload.too_large`, 415 `upload.unsupported_type`). ' +
      "A guest's appeal (and that of a user whose e-mail is not verified) is `unconfirmed` with `dueAt` null until the e-mailed link is followed (72 h, then it is deleted). " +
      '`accessCode` is shown only here (and e-mailed): it tracks the appeal without an account. Rate-limited per IP and per e-mail (429).',
    before: [rateLimit(submitPerIp, ipOf)],
    use: [uploadIfMultipart],
    bodyFrom: (req) => (isMultipart(req) ? foldMultipartFields({ ...(req.body ?? {}) }) : (req.body ?? {})),
  },
  async ({ actor, body, req }) => {
    if (actor) assertCan(actor, 'appeal.submit')
    await submitPerSender().consume((actor?.email ?? body.contact?.email ?? '').toLowerCase())
    return submitAppeal(actor, body, req.uploads ?? [], req.lng)
  },
)

route(
  appealsRouter,
  {
    method: 'post',
    path: '/appeals/confirm',
    auth: 'public',
    tags,
    summary:
      'Confirm a guest appeal with the token from the e-mailed link (idempotent); 400 `appeals.invalid_token` if unknown or expired',
    body: ConfirmAppealBody,
    response: ConfirmAppealResponse,
    errors: [429],
  },
  ({ body, req }) => checkToken(ipOf(req), () => confirmAppeal(body.token)),
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/appeals/track',
    auth: 'public',
    tags,
    summary:
      'The appeal as its author sees it, by tracking number and access code; 404 on any mismatch, 429 after repeated misses',
    query: TrackQuery,
    response: AppealView,
    errors: [404, 429],
  },
  ({ query, req, res }) => {
    res.setHeader('Cache-Control', 'private, no-store')
    return guarded(req, true, () => queries.trackAppeal(query.number, query.code))
  },
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/appeals/mine',
    auth: 'user',
    tags,
    summary: "The signed-in user's appeals, newest first",
    query: MineQuery,
    response: AppealPage,
  },
  ({ actor, query }) => queries.listMine(actor, query),
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/appeals/public',
    auth: 'public',
    tags,
    summary: 'Public Q&A: answered appeals whose authors allowed it; names, e-mails and phone numbers removed',
    query: PublicQuery,
    response: PublicPage,
  },
  ({ query }) => queries.listPublic(query),
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/councils/{councilId}/appeals',
    auth: 'appeal.read_council',
    scope: ({ params }) => ({ councilId: params.councilId }),
    tags,
    summary: "The council's appeals, soonest due first (moderator/admin reads are audit-logged)",
    params: CouncilAppealsParams,
    query: CouncilAppealsQuery,
    response: AppealPage,
  },
  ({ actor, params, query }) => queries.listCouncil(actor, params.councilId, query),
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/councils/{councilId}/appeals.csv',
    auth: 'appeal.read_council',
    scope: ({ params }) => ({ councilId: params.councilId }),
    tags,
    responseType: 'text/csv',
    summary:
      "CSV export of the council's appeals (same filters as the list); headers in the request's language, UTF-8 with BOM",
    params: CouncilAppealsParams,
    query: CsvQuery,
  },
  async ({ actor, params, query, req, res }) => {
    const csv = await queries.exportCouncil(actor, params.councilId, query, req.lng)
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="appeals-${params.councilId}.csv"`)
    res.setHeader('Cache-Control', 'private, no-store')
    res.send(csv)
  },
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/appeals/{id}',
    auth: 'public',
    tags,
    summary: 'One appeal: its author (account or `?code=`), its council members, moderators/admins (audit-logged)',
    params: AppealParams,
    query: CodeQuery,
    response: AppealView,
    errors: [401, 403, 404, 429],
  },
  ({ actor, params, query, req, res }) => {
    res.setHeader('Cache-Control', 'private, no-store')
    return guarded(req, Boolean(query.code), () => queries.getAppeal(actor, params.id, query.code))
  },
)

route(
  appealsRouter,
  {
    method: 'get',
    path: '/appeals/{id}/attachments/{attachmentId}',
    auth: 'public',
    tags,
    responseType: 'application/octet-stream',
    errors: [401, 403, 404, 429],
    summary:
      'Download an attachment (same access as the appeal; guests with `?code=`); served as an attachment with its sniffed type',
    params: AttachmentParams,
    query: CodeQuery,
  },
  async ({ actor, params, query, req, res }) => {
    const file = await guarded(req, Boolean(query.code), () =>
      queries.attachmentFor(actor, params.id, params.attachmentId, query.code),
    )
    res.attachment(file.name)
    res.setHeader('Content-Type', file.mime)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Cache-Control', 'private, no-store')
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file.path, { dotfiles: 'deny' }, (err) => (err ? reject(err) : resolve())),
    )
  },
)

route(
  appealsRouter,
  {
    method: 'post',
    path: '/appeals/{id}/replies',
    auth: 'public',
    tags,
    status: 201,
    params: AppealParams,
    query: CodeQuery,
    body: ReplyBody,
    response: ReplyResponse,
    errors: [401, 403, 404, 409, 429],
    summary:
      'Reply in the thread: its council members (→ `answered`), the author (an answered appeal → `in_progress` with a new term); guests use `?code=`; 409 on closed/rejected',
  },
  ({ actor, params, query, body, req }) =>
    guarded(req, Boolean(query.code), () => workflow.addReply(actor, params.id, query.code, body.text)),
)

route(
  appealsRouter,
  {
    method: 'patch',
    path: '/appeals/{id}/status',
    auth: 'appeal.change_status',
    scope: appealCouncil,
    tags,
    params: AppealParams,
    body: StatusBody,
    response: AppealView,
    errors: [404, 409],
    summary:
      'Change the status: `in_progress`, `closed` (after an answer), `rejected` (reason), `redirected` (reason + `councilId`: the appeal moves there with a new term); 409 `appeals.invalid_transition`',
  },
  ({ actor, params, body }) => workflow.changeStatus(actor, params.id, body),
)

route(
  appealsRouter,
  {
    method: 'post',
    path: '/appeals/{id}/extend',
    auth: 'appeal.answer',
    scope: appealCouncil,
    tags,
    params: AppealParams,
    body: ExtendBody,
    response: AppealView,
    errors: [404, 409],
    summary:
      'Extend the due date once, with a reason, to at most 2 months after registration (default: that limit); the author is e-mailed. 409 `appeals.already_extended`',
  },
  ({ actor, params, body }) => workflow.extendAppeal(actor, params.id, body),
)

route(
  appealsRouter,
  {
    method: 'post',
    path: '/appeals/{id}/rating',
    auth: 'public',
    tags,
    status: 201,
    params: AppealParams,
    query: CodeQuery,
    body: RatingBody,
    response: AppealRating,
    errors: [401, 403, 404, 409, 429],
    summary:
      'The author rates the answer (1–5) once it is answered; 409 `appeals.not_answered` / `appeals.already_rated`',
  },
  ({ actor, params, query, body, req }) =>
    guarded(req, Boolean(query.code), () => workflow.rateAppeal(actor, params.id, query.code, body)),
)
