import { Router } from 'express'
import type { KenesModule } from '../../core/module.js'
import { metricsRouter } from '../../core/metrics.js'
import { openApiRouter } from '../../core/openapi.js'
import { markStarted, operationsRoutes } from './operations.js'

const api = Router()
operationsRoutes(api)
api.use(openApiRouter())

export const healthModule: KenesModule = {
  name: 'health',
  api,
  root: metricsRouter,
  start() {
    markStarted()
  },
}
