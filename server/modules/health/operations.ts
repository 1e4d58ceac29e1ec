import type { Router } from 'express'
import type { z } from 'zod'
import { IdParams } from '../../../shared/schemas/common.js'
import { Health, Operations, RetriedJob } from '../../../shared/schemas/operations.js'
import { audit } from '../../core/audit.js'
import { currentConfig } from '../../core/config.js'
import { pingDatabase } from '../../core/db.js'
import { conflict, notFound } from '../../core/errors.js'
import { jobExists, jobQueueState, listFailedJobs, retryFailedJob } from '../../core/jobs-admin.js'
import { keyMetrics } from '../../core/metrics.js'
import type { Actor } from '../../core/policy.js'
import { route } from '../../core/route.js'
import { portalAppealCounts } from '../appeals/index.js'
import { countUsers } from '../users/index.js'

let started = Date.now()
export const markStarted = () => void (started = Date.now())

type HealthView = z.infer<typeof Health>

export async function health(): Promise<HealthView> {
  const up = await pingDatabase()
  return {
    status: up ? 'ok' : 'error',
    db: up ? 'up' : 'down',
    version: currentConfig().version,
    uptimeSec: Math.floor((Date.now() - started) / 1000),
  }
}

/** Health, the job queue and the key metrics of this process, in one answer for the operations page. */
export async function operations(): Promise<z.infer<typeof Operations>> {
  const [h, byName, failed, m, users, appeals] = await Promise.all([
    health(),
    jobQueueState(),
    listFailedJobs(50),
    keyMetrics(),
    countUsers(),
    portalAppealCounts(),
  ])
  return { health: h, jobs: { byName, failed }, metrics: { ...m, users, appeals }, at: new Date().toISOString() }
}

/** An admin queues a failed job again (audit-logged); 404 unknown, 409 `jobs.not_failed` when it is not failed. */
export async function retryJob(actor: Actor, id: string) {
  const job = await retryFailedJob(id)
  if (!job) throw (await jobExists(id)) ? conflict('jobs.not_failed') : notFound('job')
  await audit({
    actorId: actor.id,
    action: 'job.retried',
    target: { kind: 'job', id: job.id },
    details: { name: job.name },
  })
  return { ...job, status: 'queued' as const }
}

export function operationsRoutes(api: Router): void {
  const tags = ['operations']
  route(
    api,
    {
      method: 'get',
      path: '/health',
      auth: 'public',
      tags,
      summary: 'Liveness and database reachability (503 with `db: "down"`)',
      response: Health,
      alsoStatus: { 503: { response: Health, description: 'The database does not answer (`db: "down"`)' } },
    },
    async ({ res }) => {
      const h = await health()
      res.setHeader('Cache-Control', 'no-store')
      res.status(h.db === 'up' ? 200 : 503)
      return h
    },
  )
  route(
    api,
    {
      method: 'get',
      path: '/admin/operations',
      auth: 'metrics.read',
      tags,
      summary:
        'Admins: health, background jobs by name and state (waiting = `queued`, running, failed, done) with the 50 latest failed jobs, and key metrics of this process (requests, 5xx rate, p95 latency, chat sockets) with portal counts (users, appeals)',
      response: Operations,
    },
    async ({ res }) => {
      res.setHeader('Cache-Control', 'no-store')
      return operations()
    },
  )
  route(
    api,
    {
      method: 'post',
      path: '/admin/jobs/{id}/retry',
      auth: 'jobs.manage',
      tags,
      summary:
        'Admins: queue a failed job again, to run now with a fresh count of attempts (audit-logged as `job.retried`); 409 `jobs.not_failed` when it is not failed',
      params: IdParams,
      response: RetriedJob,
      errors: [404, 409],
    },
    ({ actor, params }) => retryJob(actor, params.id),
  )
}
