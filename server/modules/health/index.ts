import { Router } from 'express'
import { z } from 'zod'
import type { KenesModule } from '../../core/module.js'
import { currentConfig } from '../../core/config.js'
import { pingDatabase } from '../../core/db.js'
import { metricsRouter } from '../../core/metrics.js'
import { describeRoute, openApiRouter } from '../../core/openapi.js'

let started = Date.now()
const Health = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['up', 'down']),
  version: z.string(),
  uptimeSec: z.number().int(),
})

const api = Router()
describeRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness and database reachability (503 with `db: "down"`)',
  response: Health,
  errors: [503],
})
api.get('/health', async (_req, res) => {
  const up = await pingDatabase()
  res.setHeader('Cache-Control', 'no-store')
  res.status(up ? 200 : 503).json({
    status: up ? 'ok' : 'error',
    db: up ? 'up' : 'down',
    version: currentConfig().version,
    uptimeSec: Math.floor((Date.now() - started) / 1000),
  })
})
describeRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['operations'],
  summary: 'This document (OpenAPI 3.1, generated from the zod schemas)',
  responseType: 'application/json',
})
api.use(openApiRouter())

describeRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics (text format): an admin session or `Authorization: Bearer METRICS_TOKEN`',
  auth: 'metrics.read',
  responseType: 'text/plain; version=0.0.4',
})

export const healthModule: KenesModule = {
  name: 'health',
  api,
  root: metricsRouter,
  start() {
    started = Date.now()
  },
}
