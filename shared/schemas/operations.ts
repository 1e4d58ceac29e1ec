import { z } from 'zod'

/** `GET /api/v1/health`. */
export const Health = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['up', 'down']),
  version: z.string(),
  uptimeSec: z.number().int(),
})

export const JobQueueRow = z.object({
  name: z.string(),
  queued: z.number().int().describe('Waiting to run (now or at a scheduled time)'),
  running: z.number().int(),
  failed: z.number().int().describe('Gave up after the last attempt; an admin may retry'),
  done: z.number().int(),
})
export const FailedJob = z.object({
  id: z.string(),
  name: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type FailedJob = z.infer<typeof FailedJob>

/** `GET /api/v1/admin/operations`: what an operator looks at first. */
export const Operations = z.object({
  health: Health,
  jobs: z.object({ byName: z.array(JobQueueRow), failed: z.array(FailedJob) }),
  metrics: z.object({
    requests: z.number().describe('HTTP requests answered by this process since it started'),
    serverErrors: z.number().describe('Of those, 5xx answers'),
    errorRate: z.number().describe('serverErrors / requests'),
    p95Ms: z.number().nullable().describe("Upper bound of the latency histogram's bucket holding the 95th percentile"),
    sockets: z.number().describe('Chat sockets connected to this process'),
    users: z.object({ total: z.number().int(), disabled: z.number().int() }),
    appeals: z.object({ total: z.number().int(), open: z.number().int(), overdue: z.number().int() }),
  }),
  at: z.string(),
})
export type Operations = z.infer<typeof Operations>

export const RetriedJob = z.object({ id: z.string(), name: z.string(), status: z.literal('queued') })
