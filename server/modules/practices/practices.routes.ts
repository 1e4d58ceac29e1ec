import { Router } from 'express'
import { z } from 'zod'
import {
  CompendiumBody,
  CompendiumFileQuery,
  CompendiumParams,
  CompendiumStatus,
  CreatePractice,
  ModeratePractice,
  PRACTICE_IMAGE_MAX_BYTES,
  PracticeListQuery,
  PracticePage,
  PracticeParams,
  PracticeView,
} from '../../../shared/schemas/practices.js'
import { actorOf } from '../../core/auth/middleware.js'
import { route } from '../../core/route.js'
import { acceptUpload, IMAGE_TYPES } from '../../core/uploads.js'
import { compendiumFile, compendiumStatus, requestCompendium } from './practices.compendium.js'
import * as practices from './practices.service.js'

export const practicesRouter = Router()
const tags = ['best-practices']

route(
  practicesRouter,
  {
    method: 'get',
    path: '/best-practices/compendium/{year}.pdf',
    auth: 'public',
    tags,
    params: CompendiumParams,
    query: CompendiumFileQuery,
    responseType: 'application/pdf',
    errors: [404],
    summary:
      "The year's compendium as stored by its last generation, in the request's language (`?lng=`): cover, contents by region with page numbers, every approved practice of the year",
  },
  async ({ params, req, res }) => {
    // `?lng=` already chose req.lng when it is kk or ru; anything else falls back (cookie, header, kk).
    const lng = req.lng
    const file = await compendiumFile(params.year, lng)
    res.setHeader('Content-Type', 'application/pdf')
    res.setHeader('Content-Disposition', `inline; filename="best-practices-${params.year}-${lng}.pdf"`)
    res.setHeader('Cache-Control', 'public, max-age=300')
    res.setHeader('Last-Modified', file.generatedAt.toUTCString())
    await new Promise<void>((resolve, reject) =>
      res.sendFile(file.path, { dotfiles: 'deny', lastModified: false }, (err) => (err ? reject(err) : resolve())),
    )
  },
)

route(
  practicesRouter,
  {
    method: 'post',
    path: '/best-practices/compendium',
    auth: 'practice.moderate',
    tags,
    body: CompendiumBody,
    response: z.object({ jobId: z.string() }),
    status: 202,
    summary:
      "Generate (again) the year's compendium in both languages as a background job; follow it at `…/compendium/{year}/status`",
  },
  ({ actor, body }) => requestCompendium(actor, body.year),
)

route(
  practicesRouter,
  {
    method: 'get',
    path: '/best-practices/compendium/{year}/status',
    auth: 'public',
    tags,
    params: CompendiumParams,
    response: CompendiumStatus,
    summary: "Extension: the compendium's generation state (`progress` 0–100 of the current run) and its stored files",
  },
  ({ params, res }) => {
    res.setHeader('Cache-Control', 'no-store')
    return compendiumStatus(params.year)
  },
)

route(
  practicesRouter,
  {
    method: 'post',
    path: '/best-practices',
    auth: 'user',
    tags,
    body: CreatePractice,
    response: PracticeView,
    status: 201,
    errors: [400, 401, 403],
    summary:
      'Propose a practice of your council (council members: their own councils; moderators: any) → `proposed`. Pictures: `POST /best-practices/{id}/images`',
  },
  ({ actor, body }) => practices.proposePractice(actor, body),
)

route(
  practicesRouter,
  {
    method: 'get',
    path: '/best-practices',
    auth: 'public',
    tags,
    query: PracticeListQuery,
    response: PracticePage,
    errors: [400, 401, 403],
    summary: 'Approved practices, newest first; `year`, `regionId` (or `republican`), `councilId` narrow the list',
  },
  ({ actor, query, res }) => {
    res.setHeader(
      'Cache-Control',
      query.status && query.status !== 'approved' ? 'private, no-store' : 'public, max-age=60',
    )
    return practices.listPractices(actor, query)
  },
)

route(
  practicesRouter,
  {
    method: 'get',
    path: '/best-practices/{id}',
    auth: 'public',
    tags,
    params: PracticeParams,
    response: PracticeView,
    errors: [404],
    summary:
      'One practice: approved for everyone; proposed or rejected ones only for its council and moderators (404 otherwise)',
  },
  ({ actor, params }) => practices.getPractice(actor, params.id),
)

route(
  practicesRouter,
  {
    method: 'patch',
    path: '/best-practices/{id}',
    auth: 'practice.moderate',
    tags,
    params: PracticeParams,
    body: ModeratePractice,
    response: PracticeView,
    errors: [400, 404],
    summary: 'Moderator: `approved`, or `rejected` with a `reason` (audit-logged, kept in `moderation`)',
  },
  ({ actor, params, body }) => practices.moderatePractice(actor, params.id, body),
)

route(
  practicesRouter,
  {
    method: 'post',
    path: '/best-practices/{id}/images',
    auth: 'practice.propose',
    // Decided before a byte of the picture is read: a stranger's upload costs no disk.
    scope: ({ params, req }) => practices.imageUploadScope(actorOf(req), params.id),
    tags,
    params: PracticeParams,
    multipart: true,
    body: z.object({}),
    use: [
      acceptUpload({
        field: 'file',
        maxBytes: PRACTICE_IMAGE_MAX_BYTES,
        allowed: IMAGE_TYPES,
        required: true,
        maxFields: 0,
      }),
    ],
    response: PracticeView,
    status: 201,
    errors: [400, 401, 403, 404, 409, 413, 415],
    summary:
      'Add a picture (multipart `file`: JPEG/PNG/WebP by content, ≤ 5 MB, re-encoded to WebP without metadata; at most 4) while the practice awaits review',
  },
  ({ actor, params, req }) => practices.addPracticeImage(actor, params.id, req.uploads![0].path),
)
