import mongoose from 'mongoose'
import { Job, wakeJobWorker, type JobDoc, type JobName } from './jobs.js'
import { seal } from './sealed.js'

/** The operations page's view of the job queue (server/modules/health/operations.ts). */

/**
 * Jobs by name and state (`queued` is "waiting"), for the operations page; finished ones are counted
 * too, for as long as they are kept (DONE_JOBS_KEPT_MS, FAILED_JOBS_KEPT_MS).
 */
export async function jobQueueState(): Promise<
  { name: string; queued: number; running: number; failed: number; done: number }[]
> {
  const rows = await Job.aggregate<{ _id: { name: string; status: string }; n: number }>([
    { $group: { _id: { name: '$name', status: '$status' }, n: { $sum: 1 } } },
  ])
  const by = new Map<string, { name: string; queued: number; running: number; failed: number; done: number }>()
  for (const r of rows) {
    const name = String(r._id.name)
    const row = by.get(name) ?? { name, queued: 0, running: 0, failed: 0, done: 0 }
    const status = r._id.status as 'queued' | 'running' | 'failed' | 'done'
    if (status in row) row[status] += r.n
    by.set(name, row)
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name))
}

export interface FailedJobView {
  id: string
  name: string
  attempts: number
  maxAttempts: number
  /** The first line of the last error (the stack stays in the logs and the document). */
  lastError: string | null
  createdAt: string
  finishedAt: string | null
}
const toFailedView = (j: JobDoc): FailedJobView => ({
  id: String(j._id),
  name: j.name,
  attempts: j.attempts ?? 0,
  maxAttempts: j.maxAttempts ?? 0,
  lastError: j.lastError ? j.lastError.split('\n')[0].slice(0, 500) : null,
  createdAt: new Date(j.createdAt).toISOString(),
  finishedAt: j.finishedAt ? new Date(j.finishedAt).toISOString() : null,
})

/** The most recently failed jobs (gave up after their last attempt), newest first. */
export async function listFailedJobs(limit = 50): Promise<FailedJobView[]> {
  const docs = await Job.find({ status: 'failed' }).sort({ finishedAt: -1, _id: -1 }).limit(limit).lean<JobDoc[]>()
  return docs.map(toFailedView)
}

/**
 * Puts a failed job back in the queue with a fresh set of attempts, to run now. Only a failed job
 * (one conditional update, so two admins retrying at once queue it once): null when there is no
 * such failed job.
 */
export async function retryFailedJob(id: string): Promise<{ id: string; name: string } | null> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null
  const doc = await Job.findOneAndUpdate(
    { _id: new mongoose.Types.ObjectId(id), status: 'failed' },
    {
      $set: { status: 'queued', runAt: new Date(), attempts: 0, lockedUntil: null },
      $unset: { finishedAt: 1, expiresAt: 1 },
    },
    { returnDocument: 'after' },
  ).lean<JobDoc>()
  if (!doc) return null
  wakeJobWorker()
  return { id: String(doc._id), name: doc.name }
}

/** Whether a job with this id exists at all (a retry of an unknown id is 404, of a live one 409). */
export async function jobExists(id: string): Promise<boolean> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return false
  return (await Job.exists({ _id: new mongoose.Types.ObjectId(id) })) !== null
}

/**
 * Start-up of a module whose job payloads carried a secret or personal data in plain text before they
 * were sealed: the unfinished and failed ones are sealed in place (a retry still works), the done
 * ones erased. Safe on every start of every process (the second run finds nothing).
 */
export async function protectPlainPayloads(name: JobName): Promise<{ sealed: number; erased: number }> {
  const plain = { name, 'payload.sealed': mongoose.trusted({ $exists: false }) }
  const done = await Job.updateMany(
    { ...plain, status: 'done', payload: mongoose.trusted({ $ne: {} }) },
    { $set: { payload: {} } },
  )
  const open = await Job.find(
    { ...plain, status: mongoose.trusted({ $in: ['queued', 'running', 'failed'] }) },
    { payload: 1 },
  ).lean<Pick<JobDoc, '_id' | 'payload'>[]>()
  let sealed = 0
  for (const j of open) {
    const res = await Job.updateOne({ _id: j._id, ...plain }, { $set: { payload: seal(j.payload) } })
    sealed += res.modifiedCount
  }
  return { sealed, erased: done.modifiedCount }
}
