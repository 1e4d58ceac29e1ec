import { Router } from 'express'
import { RegionList } from '../../../shared/schemas/regions.js'
import { cachePublicResponse } from '../../core/cache.js'
import type { KenesModule } from '../../core/module.js'
import { route } from '../../core/route.js'
import { listRegions, seedRegions } from './regions.service.js'

const api = Router()
route(
  api,
  {
    method: 'get',
    path: '/regions',
    auth: 'public',
    tags: ['regions'],
    summary: 'The 17 oblasts and 3 cities of republican significance (cities first, then oblasts by name)',
    response: RegionList,
  },
  ({ req, res }) => {
    // Fixed reference data (seeded, never written): kept by the public cache too, so a
    // server-rendered page that names regions can be cached (core/ssr.ts).
    cachePublicResponse(res, ['regions'])
    res.setHeader('Cache-Control', 'public, max-age=300')
    return listRegions(req.lng)
  },
)

export const regionsModule: KenesModule = {
  name: 'regions',
  api,
  async start() {
    await seedRegions()
  },
}

// The front door: what other modules may use.
export { findRegion, findRegionByCode, findRegionById, listRegions, seedRegions } from './regions.service.js'
