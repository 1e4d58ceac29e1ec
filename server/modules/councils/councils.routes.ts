import { Router, type Request } from 'express'
import {
  CouncilIdParams,
  CouncilListQuery,
  CouncilPage,
  CouncilProfile,
  CouncilRefParams,
  CreateCouncil,
  UpdateCouncil,
} from '../../../shared/schemas/councils.js'
import { actorOf, authorize, requireAuth } from '../../core/auth/middleware.js'
import { cachePublicResponse } from '../../core/cache.js'
import { input, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import { acceptUpload, IMAGE_TYPES } from '../../core/uploads.js'
import * as councils from './councils.service.js'
import { LOGO_MAX_BYTES, setCouncilLogo } from './councils.logo.js'

export const councilsRouter = Router()
const councilScope = (req: Request) => ({ councilId: String(req.params.id) })

describeRoute({
  method: 'get',
  path: '/councils',
  tags: ['councils'],
  summary:
    'Live councils: republican first, then by level and name; with `q`, by relevance (kk/ru, inflections). `region` is an id or an ISO code (KZ-75); unknown query keys are ignored; `limit` above 100 is capped',
  query: CouncilListQuery,
  response: CouncilPage,
  errors: [400],
})
councilsRouter.get('/councils', validate({ query: CouncilListQuery }), async (req, res) => {
  cachePublicResponse(res, councils.COUNCIL_CACHE_TAGS)
  res.json(await councils.listCouncils(input(req, 'query', CouncilListQuery)))
})

describeRoute({
  method: 'get',
  path: '/councils/{idOrSlug}',
  tags: ['councils'],
  summary: 'A council profile with members, contacts and live stats',
  params: CouncilRefParams,
  response: CouncilProfile,
  errors: [404],
})
councilsRouter.get('/councils/:idOrSlug', validate({ params: CouncilRefParams }), async (req, res) => {
  const profile = await councils.getCouncilProfile(input(req, 'params', CouncilRefParams).idOrSlug)
  cachePublicResponse(res, [...councils.COUNCIL_CACHE_TAGS, councils.councilCacheTag(profile.id)])
  res.json(profile)
})

describeRoute({
  method: 'post',
  path: '/councils',
  tags: ['councils'],
  summary: 'Create a council (slug from the Russian, else Kazakh name, transliterated and unique)',
  auth: 'council.create',
  body: CreateCouncil,
  response: CouncilProfile,
  status: 201,
  errors: [400, 401, 403],
})
councilsRouter.post('/councils', authorize('council.create'), validate({ body: CreateCouncil }), async (req, res) => {
  res.status(201).json(await councils.createCouncil(actorOf(req)!, input(req, 'body', CreateCouncil)))
})

describeRoute({
  method: 'patch',
  path: '/councils/{id}',
  tags: ['councils'],
  summary:
    'Edit a council; its own members may edit all but `level` and `regionId` (403). `members` replaces the list. The slug never changes',
  auth: 'council.update',
  params: CouncilIdParams,
  body: UpdateCouncil,
  response: CouncilProfile,
  errors: [400, 401, 403, 404],
})
councilsRouter.patch(
  '/councils/:id',
  requireAuth,
  validate({ params: CouncilIdParams }),
  authorize('council.update', councilScope),
  validate({ body: UpdateCouncil }),
  async (req, res) => {
    res.json(
      await councils.updateCouncil(
        actorOf(req)!,
        input(req, 'params', CouncilIdParams).id,
        input(req, 'body', UpdateCouncil),
      ),
    )
  },
)

describeRoute({
  method: 'delete',
  path: '/councils/{id}',
  tags: ['councils'],
  summary: 'Archive a council (kept in the database, gone from lists and lookups)',
  auth: 'council.archive',
  params: CouncilIdParams,
  status: 204,
  errors: [401, 403, 404],
})
councilsRouter.delete(
  '/councils/:id',
  requireAuth,
  validate({ params: CouncilIdParams }),
  authorize('council.archive'),
  async (req, res) => {
    await councils.archiveCouncil(actorOf(req)!, input(req, 'params', CouncilIdParams).id)
    res.status(204).end()
  },
)

describeRoute({
  method: 'post',
  path: '/councils/{id}/logo',
  tags: ['councils'],
  summary:
    'Upload the logo: multipart `file`, JPEG/PNG/WebP (sniffed) ≤ 5 MB, re-encoded to WebP ≤ 512 px; replaces the old file',
  auth: 'council.update',
  params: CouncilIdParams,
  multipart: true,
  response: CouncilProfile,
  errors: [400, 401, 403, 404, 413, 415],
})
councilsRouter.post(
  '/councils/:id/logo',
  requireAuth,
  validate({ params: CouncilIdParams }),
  authorize('council.update', councilScope),
  acceptUpload({ field: 'file', maxBytes: LOGO_MAX_BYTES, allowed: IMAGE_TYPES, required: true, maxFields: 0 }),
  async (req, res) => {
    res.json(await setCouncilLogo(actorOf(req)!, input(req, 'params', CouncilIdParams).id, req.uploads![0].path))
  },
)
