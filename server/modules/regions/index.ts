import { Router } from 'express'
import { RegionList } from '../../../shared/schemas/regions.js'
import type { KenesModule } from '../../core/module.js'
import { describeRoute } from '../../core/openapi.js'
import { listRegions, seedRegions } from './regions.service.js'

const api = Router()
describeRoute({
  method: 'get',
  path: '/regions',
  tags: ['regions'],
  summary: 'The 17 oblasts and 3 cities of republican significance (cities first, then oblasts by name)',
  response: RegionList,
})
api.get('/regions', async (req, res) => {
  res.setHeader('Cache-Control', 'public, max-age=300')
  res.json(await listRegions(req.lng))
})

export const regionsModule: KenesModule = {
  name: 'regions',
  api,
  async start() {
    await seedRegions()
  },
}

// The front door: what other modules may use.
export { findRegion, findRegionByCode, findRegionById, listRegions, seedRegions } from './regions.service.js'
