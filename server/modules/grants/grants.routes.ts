import { Router, type Response } from 'express'
import { IdParams } from '../../../shared/schemas/common.js'
import {
  ApplicationList,
  ApplicationView,
  AwardBody,
  AwardList,
  CallApplicationsQuery,
  CallList,
  CallListQuery,
  CallView,
  CreateApplicationBody,
  CreateCallBody,
  FILE_MAX_BYTES,
  FILE_TYPES,
  FileParams,
  MAX_FILES,
  PublicAwardPage,
  PublicAwardsQuery,
  ReportBody,
  ReportDecisionBody,
  ReportList,
  ReportView,
  ReviewBody,
  TransitionBody,
  UpdateApplicationBody,
  UpdateCallBody,
} from '../../../shared/schemas/grants.js'
import { actorOf } from '../../core/auth/middleware.js'
import { route } from '../../core/route.js'
import { acceptUpload } from '../../core/uploads.js'
import * as applications from './grants.applications.js'
import { awardGrants, listPublicAwards } from './grants.awards.js'
import * as calls from './grants.calls.js'
import {
  applicationFile,
  applicationUploadScope,
  attachToApplication,
  attachToReport,
  reportFile,
  reportUploadScope,
} from './grants.files.js'
import { createReport, decideReport, listReports } from './grants.reports.js'
import { reviewApplication } from './grants.reviews.js'

export const grantsRouter = Router()
const tags = ['grants']

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/calls',
    auth: 'grants.manage',
    tags,
    summary: 'Open a call for small grants (admin); starts as `draft`',
    description:
      'Amounts are integer tiyn (1 ₸ = 100 tiyn). `expertIds` must be users with role `expert` (400 `not_an_expert`). Criteria weights are integers.',
    body: CreateCallBody,
    response: CallView,
    status: 201,
    errors: [400, 401, 403],
  },
  ({ actor, body }) => calls.createCall(actor, body),
)

route(
  grantsRouter,
  {
    method: 'patch',
    path: '/grants/calls/{id}',
    auth: 'grants.manage',
    tags,
    summary: 'Edit a call, or move it: `draft` → `published` → `closed` (admin)',
    description:
      'Every field is editable in `draft`; once published only `expertIds` and `description` (409 `grants.call_locked`). ' +
      'Other transitions: 409 `grants.invalid_transition`. With `version` (or on a concurrent change) a stale edit is 409 `conflict`. ' +
      'Publishing e-mails the assigned experts.',
    params: IdParams,
    body: UpdateCallBody,
    response: CallView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => calls.updateCall(actor, params.id, body),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/calls',
    auth: 'public',
    tags,
    summary: 'Calls, newest year first (drafts: admin only); `?mine=true` for an expert’s assigned calls',
    query: CallListQuery,
    response: CallList,
  },
  ({ actor, query }) => calls.listCalls(actor, query),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/calls/{id}',
    auth: 'public',
    tags,
    summary: 'One call (a draft is 404 except for admins)',
    params: IdParams,
    response: CallView,
    errors: [404],
  },
  ({ actor, params }) => calls.getCall(actor, params.id),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/calls/{id}/applications',
    auth: 'user',
    tags,
    summary: 'Apply for a council (its council members); starts as `draft`',
    description:
      'A budget whose total exceeds the call’s `maxAmountTiyn` → 400 `validation.failed` (`body.budget`, `grants.over_max_amount`). ' +
      'After `closesAt` (or once closed) → 409 `grants.call_closed`; one live application per council and call (409 `grants.already_applied`).',
    params: IdParams,
    body: CreateApplicationBody,
    response: ApplicationView,
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => applications.createApplication(actor, params.id, body),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/calls/{id}/applications',
    auth: 'user',
    tags,
    summary:
      'A call’s applications: admin (submitted, ranked by weighted mean score), the call’s experts (submitted), a council (`?councilId=`)',
    description:
      'Not paginated (a call has at most a few hundred applications): `nextCursor` is always null. Experts see only their own reviews and no score.',
    params: IdParams,
    query: CallApplicationsQuery,
    response: ApplicationList,
    errors: [401, 403, 404],
  },
  ({ actor, params, query }) => applications.listCallApplications(actor, params.id, query),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/applications/mine',
    auth: 'user',
    tags,
    summary: 'The applications of my councils (every state), newest first',
    response: ApplicationList,
  },
  ({ actor }) => applications.listMyApplications(actor),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/applications/{id}',
    auth: 'user',
    tags,
    summary: 'One application: its council (any state), admin and the call’s experts (submitted only)',
    description: 'Admins see every review and the `score`; an expert only their own review; the council none.',
    params: IdParams,
    response: ApplicationView,
    errors: [401, 403, 404],
  },
  ({ actor, params }) => applications.getApplication(actor, params.id),
)

route(
  grantsRouter,
  {
    method: 'patch',
    path: '/grants/applications/{id}',
    auth: 'user',
    tags,
    summary: 'Edit a draft (its council’s members); stale `version` → 409 `conflict`',
    params: IdParams,
    body: UpdateApplicationBody,
    response: ApplicationView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => applications.updateApplication(actor, params.id, body),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/applications/{id}/submit',
    auth: 'user',
    tags,
    summary: '`draft` → `submitted` before `closesAt` (else 409 `grants.call_closed`)',
    params: IdParams,
    body: TransitionBody,
    response: ApplicationView,
    errors: [401, 403, 404, 409],
  },
  ({ actor, params, body }) => applications.submitApplication(actor, params.id, body.version),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/applications/{id}/withdraw',
    auth: 'user',
    tags,
    summary: '`draft` or `submitted` → `withdrawn`',
    params: IdParams,
    body: TransitionBody,
    response: ApplicationView,
    errors: [401, 403, 404, 409],
  },
  ({ actor, params, body }) => applications.withdrawApplication(actor, params.id, body.version),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/applications/{id}/reviews',
    auth: 'grants.review',
    tags,
    summary: 'An expert of the call reviews a submitted application (once)',
    description:
      'With `conflictOfInterest: true` no scores are taken (scores sent with it: 400). Otherwise every criterion 0..10. ' +
      'An expert who is a member of the applying council → 403. A second review → 409 `grants.already_reviewed`. Answers the application as the expert sees it.',
    params: IdParams,
    body: ReviewBody,
    response: ApplicationView,
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => reviewApplication(actor, params.id, body),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/calls/{id}/awards',
    auth: 'grants.manage',
    tags,
    summary: 'Award grants to submitted applications of a call past its deadline (admin)',
    description:
      'Each award is the application’s budget total. More than `grantsCount` or over `budgetTiyn` in all → 409 `grants.over_budget`, ' +
      'enforced atomically (two admins at once cannot exceed it). Before the deadline → 409 `grants.call_open`; an application not `submitted` → 409 `grants.not_awardable`.',
    params: IdParams,
    body: AwardBody,
    response: AwardList,
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => awardGrants(actor, params.id, body.applicationIds),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/awards',
    auth: 'public',
    tags,
    summary: 'Public results of a year (default: this year): councils, what they control, amounts, progress',
    description: 'No personal data. `totals` covers the whole year; amounts are integer tiyn.',
    query: PublicAwardsQuery,
    response: PublicAwardPage,
  },
  ({ query }) => listPublicAwards(query),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/awards/{id}/reports',
    auth: 'user',
    tags,
    summary: 'File an interim or final report (the award’s council)',
    description:
      'Spending by budget line in tiyn, in all not above the award (400). One report of a kind awaiting a decision at a time (409 `grants.report_pending`); a completed award takes none (409 `grants.award_completed`).',
    params: IdParams,
    body: ReportBody,
    response: ReportView,
    status: 201,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => createReport(actor, params.id, body),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/awards/{id}/reports',
    auth: 'public',
    tags,
    summary: 'An award’s reports: all for its council and the admin; accepted ones for guests',
    params: IdParams,
    response: ReportList,
    errors: [403, 404],
  },
  ({ actor, params }) => listReports(actor, params.id),
)

route(
  grantsRouter,
  {
    method: 'patch',
    path: '/grants/reports/{id}',
    auth: 'grants.manage',
    tags,
    summary: 'Accept or return a report with a comment (admin); an accepted final report completes the award',
    params: IdParams,
    body: ReportDecisionBody,
    response: ReportView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => decideReport(actor, params.id, body),
)

const upload = acceptUpload({ field: 'files', maxCount: MAX_FILES, maxBytes: FILE_MAX_BYTES, allowed: FILE_TYPES })
async function sendStored(res: Response, file: { path: string; name: string; mime: string }) {
  res.attachment(file.name)
  res.setHeader('Content-Type', file.mime)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Cache-Control', 'private, no-store')
  await new Promise<void>((resolve, reject) =>
    res.sendFile(file.path, { dotfiles: 'deny' }, (err) => (err ? reject(err) : resolve())),
  )
}

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/applications/{id}/attachments',
    auth: 'grants.apply',
    scope: ({ params, req }) => applicationUploadScope(actorOf(req), params.id),
    tags,
    summary: 'Attach files to a draft application (its council’s members)',
    description:
      'multipart/form-data with up to 10 `files` in all (pdf, docx, xlsx, jpeg, png by content, ≤ 10 MB each): 413 `upload.too_large`, 415 `upload.unsupported_type`. Bumps `version`.',
    params: IdParams,
    multipart: true,
    response: ApplicationView,
    status: 201,
    errors: [400, 401, 403, 404, 409, 413, 415],
    use: [upload],
  },
  ({ actor, params, req }) => attachToApplication(actor, params.id, req.uploads ?? []),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/applications/{id}/attachments/{fileId}',
    auth: 'public',
    tags,
    summary: 'Download an application’s file (same access as the application)',
    params: FileParams,
    responseType: 'application/octet-stream',
    errors: [401, 403, 404],
  },
  async ({ actor, params, res }) => sendStored(res, await applicationFile(actor, params.id, params.fileId)),
)

route(
  grantsRouter,
  {
    method: 'post',
    path: '/grants/reports/{id}/files',
    auth: 'grants.apply',
    scope: ({ params, req }) => reportUploadScope(actorOf(req), params.id),
    tags,
    summary: 'Attach files to a report awaiting its decision (the award’s council)',
    description: 'multipart/form-data, up to 10 `files` (pdf, docx, xlsx, jpeg, png; ≤ 10 MB each).',
    params: IdParams,
    multipart: true,
    response: ReportView,
    status: 201,
    errors: [400, 401, 403, 404, 409, 413, 415],
    use: [upload],
  },
  ({ actor, params, req }) => attachToReport(actor, params.id, req.uploads ?? []),
)

route(
  grantsRouter,
  {
    method: 'get',
    path: '/grants/reports/{id}/files/{fileId}',
    auth: 'public',
    tags,
    summary: 'Download a report’s file (its council and the admin; anyone once the report is accepted)',
    params: FileParams,
    responseType: 'application/octet-stream',
    errors: [403, 404],
  },
  async ({ actor, params, res }) => sendStored(res, await reportFile(actor, params.id, params.fileId)),
)
