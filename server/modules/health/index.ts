import { Router } from 'express'
import { z } from 'zod'
import type { KenesModule } from '../../core/module.js'
import { currentConfig } from '../../core/config.js'
import { pingDatabase } from '../../core/db.js'
import { metricsRouter } from '../../core/metrics.js'
import { openApiRouter } from '../../core/openapi.js'
import { route } from '../../core/route.js'

let started = Date.now()
const Health = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['up', 'down']),
  version: z.string(),
  uptimeSec: z.number().int(),
})

const api = Router()
route(
  api,
  {
    method: 'get',
    path: '/health',
    auth: 'public',
    tags: ['operations'],
    summary: 'Liveness and database reachability (503 with `db: "down"`)',
    response: Health,
    alsoStatus: { 503: { response: Health, description: 'The database does not answer (`db: "down"`)' } },
  },
  async ({ res }) => {
    const up = await pingDatabase()
    res.setHeader('Cache-Control', 'no-store')
    res.status(up ? 200 : 503)
    return {
      status: up ? 'ok' : 'error',
      db: up ? 'up' : 'down',
      version: currentConfig().version,
      uptimeSec: Math.floor((Date.now() - started) / 1000),
    }
  },
)
api.use(openApiRouter())

export const healthModule: KenesModule = {
  name: 'health',
  api,
  root: metricsRouter,
  start() {
    started = Date.now()
  },
}
