import { Router, type Request } from 'express'
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
  RatingBody,
  ReplyBody,
  ReplyResponse,
  StatusBody,
  TrackQuery,
  foldMultipartFields,
} from '../../../shared/schemas/appeals.js'
import { actorOf, requireAuth } from '../../core/auth/middleware.js'
import { AppError, rateLimited } from '../../core/errors.js'
import { input, parseOrThrow, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import { assertCan } from '../../core/policy.js'
import { createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { acceptUpload } from '../../core/uploads.js'
import { appealsCsv } from './appeals.csv.js'
import * as queries from './appeals.queries.js'
import { confirmAppeal, submitAppeal } from './appeals.submit.js'
import { toAppealView } from './appeals.view.js'
import * as workflow from './appeals.workflow.js'

export const appealsRouter = Router()
const tags = ['appeals']
const ipOf = (req: Request) => req.ip ?? ''

/** Floods: per IP (shared NATs of libraries and offices still fit) and per sender address. */
const submitPerIp = createRateLimiter({ name: 'appeals_submit_ip', points: 100, durationSec: 3600 })
const submitPerEmail = createRateLimiter({ name: 'appeals_submit_email', points: 10, durationSec: 3600 })
/** Guessing numbers/codes: failed attempts per IP; once exhausted every code lookup is refused for a while. */
export const codeFailures = createRateLimiter({
  name: 'appeals_code_failures',
  points: 20,
  durationSec: 900,
  blockSec: 900,
})

/** Runs a code-based lookup; a 401/404 counts as a failed guess against the caller's IP. */
async function guarded<T>(req: Request, usesCode: boolean, fn: () => Promise<T>): Promise<T> {
  if (!usesCode) return fn()
  const used = await codeFailures.peek(ipOf(req))
  if (used && used.consumed >= codeFailures.points) throw rateLimited(used.retryAfterSec)
  try {
    return await fn()
  } catch (err) {
    if (err instanceof AppError && (err.status === 404 || err.status === 401))
      await codeFailures.consume(ipOf(req)).catch(() => {})
    throw err
  }
}

const upload = acceptUpload({
  field: 'files',
  maxCount: MAX_FILES,
  maxBytes: FILE_MAX_BYTES,
  allowed: FILE_TYPES,
  maxFields: 12,
})

describeRoute({
  method: 'post',
  path: '/appeals',
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
})
appealsRouter.post(
  '/appeals',
  rateLimit(submitPerIp, ipOf),
  (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next()),
  async (req, res) => {
    const raw = req.is('multipart/form-data') ? foldMultipartFields({ ...(req.body ?? {}) }) : (req.body ?? {})
    const body = parseOrThrow(CreateAppealBody, raw)
    const actor = actorOf(req)
    if (actor) assertCan(actor, 'appeal.submit')
    await submitPerEmail.consume((actor?.email ?? body.contact?.email ?? '').toLowerCase())
    res.status(201).json(await submitAppeal(actor, body, req.uploads ?? [], req.lng))
  },
)

describeRoute({
  method: 'post',
  path: '/appeals/confirm',
  tags,
  summary:
    'Confirm a guest appeal with the token from the e-mailed link (idempotent); 400 `appeals.invalid_token` if unknown or expired',
  body: ConfirmAppealBody,
  response: ConfirmAppealResponse,
})
appealsRouter.post('/appeals/confirm', validate({ body: ConfirmAppealBody }), async (req, res) => {
  res.json(await confirmAppeal(input(req, 'body', ConfirmAppealBody).token))
})

describeRoute({
  method: 'get',
  path: '/appeals/track',
  tags,
  summary:
    'The appeal as its author sees it, by tracking number and access code; 404 on any mismatch, 429 after repeated misses',
  query: TrackQuery,
  response: AppealView,
  errors: [404, 429],
})
appealsRouter.get('/appeals/track', validate({ query: TrackQuery }), async (req, res) => {
  const q = input(req, 'query', TrackQuery)
  res.setHeader('Cache-Control', 'private, no-store')
  res.json(await guarded(req, true, () => queries.trackAppeal(q.number, q.code)))
})

describeRoute({
  method: 'get',
  path: '/appeals/mine',
  tags,
  auth: 'user',
  summary: "The signed-in user's appeals, newest first",
  query: MineQuery,
  response: AppealPage,
})
appealsRouter.get('/appeals/mine', requireAuth, validate({ query: MineQuery }), async (req, res) => {
  res.json(await queries.listMine(actorOf(req)!, input(req, 'query', MineQuery)))
})

describeRoute({
  method: 'get',
  path: '/appeals/public',
  tags,
  summary: 'Public Q&A: answered appeals whose authors allowed it; names, e-mails and phone numbers removed',
  query: PublicQuery,
  response: PublicPage,
})
appealsRouter.get('/appeals/public', validate({ query: PublicQuery }), async (req, res) => {
  res.json(await queries.listPublic(input(req, 'query', PublicQuery)))
})

describeRoute({
  method: 'get',
  path: '/councils/{councilId}/appeals',
  tags,
  auth: 'appeal.read_council',
  summary: "The council's appeals, soonest due first (moderator/admin reads are audit-logged)",
  params: CouncilAppealsParams,
  query: CouncilAppealsQuery,
  response: AppealPage,
})
appealsRouter.get(
  '/councils/:councilId/appeals',
  requireAuth,
  validate({ params: CouncilAppealsParams, query: CouncilAppealsQuery }),
  async (req, res) => {
    res.json(
      await queries.listCouncil(
        actorOf(req)!,
        input(req, 'params', CouncilAppealsParams).councilId,
        input(req, 'query', CouncilAppealsQuery),
      ),
    )
  },
)

describeRoute({
  method: 'get',
  path: '/councils/{councilId}/appeals.csv',
  tags,
  auth: 'appeal.read_council',
  responseType: 'text/csv',
  summary:
    "CSV export of the council's appeals (same filters as the list); headers in the request's language, UTF-8 with BOM",
  params: CouncilAppealsParams,
  query: CsvQuery,
})
appealsRouter.get(
  '/councils/:councilId/appeals.csv',
  requireAuth,
  validate({ params: CouncilAppealsParams, query: CsvQuery }),
  async (req, res) => {
    const { councilId } = input(req, 'params', CouncilAppealsParams)
    const docs = await queries.exportCouncil(actorOf(req)!, councilId, input(req, 'query', CsvQuery))
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="appeals-${councilId}.csv"`)
    res.setHeader('Cache-Control', 'private, no-store')
    res.send(appealsCsv(docs, req.lng))
  },
)

describeRoute({
  method: 'get',
  path: '/appeals/{id}',
  tags,
  summary: 'One appeal: its author (account or `?code=`), its council members, moderators/admins (audit-logged)',
  params: AppealParams,
  query: CodeQuery,
  response: AppealView,
  errors: [401, 403, 404, 429],
})
appealsRouter.get('/appeals/:id', validate({ params: AppealParams, query: CodeQuery }), async (req, res) => {
  const q = input(req, 'query', CodeQuery)
  res.setHeader('Cache-Control', 'private, no-store')
  res.json(
    await guarded(req, Boolean(q.code), () =>
      queries.getAppeal(actorOf(req), input(req, 'params', AppealParams).id, q.code),
    ),
  )
})

describeRoute({
  method: 'get',
  path: '/appeals/{id}/attachments/{attachmentId}',
  tags,
  responseType: 'application/octet-stream',
  errors: [401, 403, 404, 429],
  summary:
    'Download an attachment (same access as the appeal; guests with `?code=`); served as an attachment with its sniffed type',
  params: AttachmentParams,
  query: CodeQuery,
})
appealsRouter.get(
  '/appeals/:id/attachments/:attachmentId',
  validate({ params: AttachmentParams, query: CodeQuery }),
  async (req, res) => {
    const { id, attachmentId } = input(req, 'params', AttachmentParams)
    const q = input(req, 'query', CodeQuery)
    const file = await guarded(req, Boolean(q.code), () =>
      queries.attachmentFor(actorOf(req), id, attachmentId, q.code),
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

describeRoute({
  method: 'post',
  path: '/appeals/{id}/replies',
  tags,
  status: 201,
  params: AppealParams,
  query: CodeQuery,
  body: ReplyBody,
  response: ReplyResponse,
  errors: [401, 403, 404, 409, 429],
  summary:
    'Reply in the thread: its council members (→ `answered`), the author (an answered appeal → `in_progress` with a new term); guests use `?code=`; 409 on closed/rejected',
})
appealsRouter.post(
  '/appeals/:id/replies',
  validate({ params: AppealParams, query: CodeQuery, body: ReplyBody }),
  async (req, res) => {
    const q = input(req, 'query', CodeQuery)
    const { id } = input(req, 'params', AppealParams)
    res
      .status(201)
      .json(
        await guarded(req, Boolean(q.code), () =>
          workflow.addReply(actorOf(req), id, q.code, input(req, 'body', ReplyBody).text),
        ),
      )
  },
)

describeRoute({
  method: 'patch',
  path: '/appeals/{id}/status',
  tags,
  auth: 'appeal.change_status',
  params: AppealParams,
  body: StatusBody,
  response: AppealView,
  errors: [404, 409],
  summary:
    'Change the status: `in_progress`, `closed` (after an answer), `rejected` (reason), `redirected` (reason + `councilId`: the appeal moves there with a new term); 409 `appeals.invalid_transition`',
})
appealsRouter.patch(
  '/appeals/:id/status',
  requireAuth,
  validate({ params: AppealParams, body: StatusBody }),
  async (req, res) => {
    const doc = await workflow.changeStatus(
      actorOf(req)!,
      input(req, 'params', AppealParams).id,
      input(req, 'body', StatusBody),
    )
    res.json(toAppealView(doc, { withHistory: true }))
  },
)

describeRoute({
  method: 'post',
  path: '/appeals/{id}/extend',
  tags,
  auth: 'appeal.answer',
  params: AppealParams,
  body: ExtendBody,
  response: AppealView,
  errors: [404, 409],
  summary:
    'Extend the due date once, with a reason, to at most 2 months after registration (default: that limit); the author is e-mailed. 409 `appeals.already_extended`',
})
appealsRouter.post(
  '/appeals/:id/extend',
  requireAuth,
  validate({ params: AppealParams, body: ExtendBody }),
  async (req, res) => {
    const doc = await workflow.extendAppeal(
      actorOf(req)!,
      input(req, 'params', AppealParams).id,
      input(req, 'body', ExtendBody),
    )
    res.json(toAppealView(doc, { withHistory: true }))
  },
)

describeRoute({
  method: 'post',
  path: '/appeals/{id}/rating',
  tags,
  status: 201,
  params: AppealParams,
  query: CodeQuery,
  body: RatingBody,
  errors: [401, 403, 404, 409, 429],
  summary:
    'The author rates the answer (1–5) once it is answered; 409 `appeals.not_answered` / `appeals.already_rated`',
})
appealsRouter.post(
  '/appeals/:id/rating',
  validate({ params: AppealParams, query: CodeQuery, body: RatingBody }),
  async (req, res) => {
    const q = input(req, 'query', CodeQuery)
    const { id } = input(req, 'params', AppealParams)
    res
      .status(201)
      .json(
        await guarded(req, Boolean(q.code), () =>
          workflow.rateAppeal(actorOf(req), id, q.code, input(req, 'body', RatingBody)),
        ),
      )
  },
)
