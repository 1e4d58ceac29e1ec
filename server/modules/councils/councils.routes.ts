import { Router } from 'express'
import {
  CouncilIdParams,
  CouncilListQuery,
  CouncilPage,
  CouncilProfile,
  CouncilRefParams,
  CreateCouncil,
  UpdateCouncil,
} from '../../../shared/schemas/councils.js'
import { cachePublicResponse } from '../../core/cache.js'
import { route } from '../../core/route.js'
import { acceptUpload, IMAGE_TYPES } from '../../core/uploads.js'
import * as councils from './councils.service.js'
import { LOGO_MAX_BYTES, setCouncilLogo } from './councils.logo.js'

export const councilsRouter = Router()
const tags = ['councils']
const councilScope = ({ params }: { params: { id: string } }) => ({ councilId: params.id })

route(
  councilsRouter,
  {
    method: 'get',
    path: '/councils',
    tags,
    auth: 'public',
    summary:
      'Live councils: republican first, then by level and name; with `q`, by relevance (kk/ru, inflections). `region` is an id or an ISO code (KZ-75); unknown query keys are ignored; `limit` above 100 is capped',
    query: CouncilListQuery,
    response: CouncilPage,
    errors: [400],
  },
  async ({ query, res }) => {
    cachePublicResponse(res, councils.COUNCIL_CACHE_TAGS)
    return councils.listCouncils(query)
  },
)

route(
  councilsRouter,
  {
    method: 'get',
    path: '/councils/{id}',
    tags,
    auth: 'public',
    summary: 'A council profile with members, contacts and live stats',
    params: CouncilRefParams,
    response: CouncilProfile,
    errors: [404],
  },
  async ({ actor, params, res }) => {
    const profile = await councils.getCouncilProfile(params.id, actor)
    cachePublicResponse(res, [...councils.COUNCIL_CACHE_TAGS, councils.councilCacheTag(profile.id)])
    return profile
  },
)

route(
  councilsRouter,
  {
    method: 'post',
    path: '/councils',
    tags,
    auth: 'council.create',
    summary:
      'Create a council (slug from the Russian, else Kazakh name, transliterated and unique); 409 `councils.duplicate_name` when the region already has a council of that name, unless `allowDuplicate: true`',
    body: CreateCouncil,
    response: CouncilProfile,
    status: 201,
    errors: [400, 401, 403, 409],
  },
  ({ actor, body }) => councils.createCouncil(actor, body),
)

route(
  councilsRouter,
  {
    method: 'patch',
    path: '/councils/{id}',
    tags,
    auth: 'council.update',
    scope: councilScope,
    summary:
      'Edit a council; its own members may edit all but `level` and `regionId` (403). `members` replaces the list. The slug never changes',
    params: CouncilIdParams,
    body: UpdateCouncil,
    response: CouncilProfile,
    errors: [400, 401, 403, 404],
  },
  ({ actor, params, body }) => councils.updateCouncil(actor, params.id, body),
)

route(
  councilsRouter,
  {
    method: 'delete',
    path: '/councils/{id}',
    tags,
    auth: 'council.archive',
    summary: 'Archive a council (kept in the database, gone from lists and lookups)',
    params: CouncilIdParams,
    status: 204,
    errors: [401, 403, 404],
  },
  async ({ actor, params }) => {
    await councils.archiveCouncil(actor, params.id)
  },
)

route(
  councilsRouter,
  {
    method: 'post',
    path: '/councils/{id}/logo',
    tags,
    auth: 'council.update',
    scope: councilScope,
    summary:
      'Upload the logo: multipart `file`, JPEG/PNG/WebP (sniffed) ≤ 5 MB, re-encoded to WebP ≤ 512 px; replaces the old file',
    params: CouncilIdParams,
    multipart: true,
    use: [
      acceptUpload({ field: 'file', maxBytes: LOGO_MAX_BYTES, allowed: IMAGE_TYPES, required: true, maxFields: 0 }),
    ],
    response: CouncilProfile,
    errors: [400, 401, 403, 404, 413, 415],
  },
  ({ actor, params, req }) => setCouncilLogo(actor, params.id, req.uploads![0].path),
)
