import crypto from 'node:crypto'
import mongoose, { Schema } from 'mongoose'
import { log } from './logger.js'
import { OWNER, ownerIsDeadHere } from './owner.js'

/**
 * Persisted jobs: documents in `jobs`, claimed atomically (findOneAndUpdate with a lease), so any
 * number of workers can run, a crash only delays a job until its lease runs out, and scheduled work
 * (news publication, appeal reminders, transcoding) survives restarts. Handlers must be idempotent:
 * a job whose worker died mid-way runs again.
 */
const JobSchema = new Schema(
  {
    name: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    status: { type: String, enum: ['queued', 'running', 'done', 'failed'], default: 'queued' },
    runAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    maxAttempts: { type: Number, default: 5 },
    lockedUntil: { type: Date, default: null },
    lockedBy: { type: String, default: null },
    /** Only one queued job per key (e.g. `news.publish:<id>`); released when a worker claims it. */
    dedupeKey: { type: String },
    lastError: { type: String },
    finishedAt: { type: Date },
  },
  { timestamps: true, minimize: false },
)
JobSchema.index({ status: 1, runAt: 1 })
JobSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true })
/** A stored job as `lean()` returns it; `payload` is typed by `JobPayloads` on the way in only. */
type JobDoc = Omit<mongoose.InferSchemaType<typeof JobSchema>, 'payload'> & {
  _id: mongoose.Types.ObjectId
  payload: unknown
  createdAt: Date
  updatedAt: Date
}
export const Job: mongoose.Model<JobDoc> = mongoose.models.Job ?? mongoose.model<JobDoc>('Job', JobSchema)

export interface JobContext {
  jobId: string
  attempt: number
  /** Extends the lease for long work (transcoding); called automatically every lease/3 too. */
  heartbeat(): Promise<void>
  signal: AbortSignal
}
/**
 * Every job's payload, by name. Each module adds its own by declaration merging, so a wrong
 * payload does not compile:
 * `declare module '../../core/jobs.js' { interface JobPayloads { 'news.publish': { newsId: string } } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}
export type JobName = keyof JobPayloads
type Handler<P> = (payload: P, ctx: JobContext) => Promise<void>
export interface JobOptions {
  maxAttempts?: number
  leaseMs?: number
  backoffMs?: (attempt: number) => number
}
/** A module's job handlers (`KenesModule.jobs`), by name. */
export type JobHandlers = { [N in JobName]?: { run: Handler<JobPayloads[N]> } & JobOptions }
interface Definition {
  /** Payloads come back from the database untyped; `enqueueJob` typed them on the way in. */
  handler: Handler<unknown>
  maxAttempts: number
  leaseMs: number
  backoffMs: (attempt: number) => number
}
const definitions = new Map<string, Definition>()

/** Registers one handler (core's own jobs; modules list theirs in `KenesModule.jobs`). */
export function defineJob<N extends JobName>(name: N, handler: Handler<JobPayloads[N]>, opts: JobOptions = {}): void {
  definitions.set(name, {
    handler: handler as Handler<unknown>,
    maxAttempts: opts.maxAttempts ?? 5,
    leaseMs: opts.leaseMs ?? 60_000,
    backoffMs: opts.backoffMs ?? ((a) => Math.min(2 ** a * 1000, 15 * 60_000)),
  })
}

/** Registers a module's handlers (called by the server for every module before the worker starts). */
export function registerJobs(handlers: JobHandlers): void {
  for (const [name, def] of Object.entries(handlers) as [JobName, { run: Handler<never> } & JobOptions][]) {
    defineJob(name, def.run as Handler<JobPayloads[JobName]>, def)
  }
}

/**
 * Queues a job. With `session` (a transaction) the job is written with the caller's other writes,
 * all or nothing: the work a write owes (mail, follow-up jobs) cannot be lost to a crash between
 * the two; call `wakeJobWorker()` after the commit.
 */
export async function enqueueJob<N extends JobName>(
  name: N,
  payload: JobPayloads[N],
  opts: { runAt?: Date; dedupeKey?: string; session?: mongoose.ClientSession } = {},
): Promise<string> {
  const session = opts.session
  const def = definitions.get(name)
  const runAt = opts.runAt ?? new Date()
  const fields = { name, payload, runAt, maxAttempts: def?.maxAttempts ?? 5 }
  let id: string
  if (opts.dedupeKey) {
    // Re-scheduling the same thing replaces the queued job instead of adding a second one.
    const doc = await Job.findOneAndUpdate(
      { dedupeKey: opts.dedupeKey, status: 'queued' },
      { $set: fields, $setOnInsert: { dedupeKey: opts.dedupeKey, status: 'queued', attempts: 0 } },
      { upsert: true, returnDocument: 'after', session },
    )
    id = String(doc!._id)
  } else {
    id = String((await Job.create([fields], { session }))[0]._id)
  }
  if (!session && runAt.getTime() <= Date.now()) worker?.wake()
  return id
}

/** Lets the worker of this process look for due jobs now (after a transaction that queued some). */
export function wakeJobWorker(): void {
  worker?.wake()
}

/** Removes queued jobs with this key (e.g. a scheduled news item was published by hand). */
export async function cancelJob(dedupeKey: string, session?: mongoose.ClientSession): Promise<void> {
  await Job.deleteMany({ dedupeKey, status: 'queued' }, { session })
}

/** Jobs by name and state (`queued` is "waiting"), for the operations page; finished (`done`) ones are counted too. */
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
    { $set: { status: 'queued', runAt: new Date(), attempts: 0, lockedUntil: null }, $unset: { finishedAt: 1 } },
    { returnDocument: 'after' },
  ).lean<JobDoc>()
  if (!doc) return null
  worker?.wake()
  return { id: String(doc._id), name: doc.name }
}

/** Whether a job with this id exists at all (a retry of an unknown id is 404, of a live one 409). */
export async function jobExists(id: string): Promise<boolean> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return false
  return (await Job.exists({ _id: new mongoose.Types.ObjectId(id) })) !== null
}

/** How often a worker looks for jobs leased to it that it is not running (see releaseOrphans). */
const ORPHAN_CHECK_MS = 5_000

class Worker {
  readonly id = `${OWNER}:${crypto.randomBytes(3).toString('hex')}`
  private running = new Set<Promise<void>>()
  private readonly runningIds = new Set<string>()
  private orphansCheckedAt = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private abort = new AbortController()
  private polling = false
  private again = false

  constructor(
    private readonly concurrency: number,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.orphansCheckedAt = Date.now() // a new worker holds no lease yet
    this.schedule(0)
  }

  wake(): void {
    if (!this.stopped) this.schedule(0)
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.poll(), ms)
    this.timer.unref()
  }

  private async poll(): Promise<void> {
    if (this.polling) {
      this.again = true
      return
    }
    this.polling = true
    try {
      // Between claims (none is in flight here): every job leased to this worker is in runningIds.
      if (Date.now() - this.orphansCheckedAt >= ORPHAN_CHECK_MS) {
        this.orphansCheckedAt = Date.now()
        await this.releaseOrphans().catch((err) => log.debug({ err }, 'orphan job check failed'))
      }
      while (!this.stopped && this.running.size < this.concurrency) {
        const job = await this.claim()
        if (!job) break
        const p = this.run(job).finally(() => {
          this.running.delete(p)
          this.wake()
        })
        this.running.add(p)
      }
    } catch (err) {
      if (!this.stopped) log.warn({ err }, 'job poll failed')
    } finally {
      this.polling = false
      if (this.again) {
        this.again = false
        this.schedule(0)
      } else this.schedule(this.pollMs)
    }
  }

  private async claim() {
    const now = new Date()
    const names = [...definitions.keys()]
    if (!names.length) return null
    return Job.findOneAndUpdate(
      {
        name: mongoose.trusted({ $in: names }),
        $or: [
          { status: 'queued', runAt: mongoose.trusted({ $lte: now }) },
          { status: 'running', lockedUntil: mongoose.trusted({ $lt: now }) }, // a dead worker's job
        ],
      },
      {
        $set: { status: 'running', lockedBy: this.id, lockedUntil: new Date(now.getTime() + leaseOf(names)) },
        $inc: { attempts: 1 },
        $unset: { dedupeKey: 1 },
      },
      { sort: { runAt: 1 }, returnDocument: 'after' },
    ).lean<JobDoc>()
  }

  /**
   * Jobs leased to this live worker that it is not running become claimable: a claim whose reply
   * was lost, or a failure it could not record, when the database went away (kill -9 of the engine,
   * a failover). Without this they waited for the claim's lease, the longest of all job kinds.
   */
  private async releaseOrphans(): Promise<void> {
    const mine = [...this.runningIds].map((id) => new mongoose.Types.ObjectId(id))
    const res = await Job.updateMany(
      { status: 'running', lockedBy: this.id, _id: mongoose.trusted({ $nin: mine }) },
      { $set: { lockedUntil: new Date(0) } },
    )
    if (res.modifiedCount) log.info({ released: res.modifiedCount }, 'orphaned jobs of this worker released')
  }

  private async run(job: JobDoc): Promise<void> {
    const def = definitions.get(job.name)!
    const jobId = String(job._id)
    this.runningIds.add(jobId)
    const extend = async () => {
      await Job.updateOne(
        { _id: job._id, lockedBy: this.id },
        { $set: { lockedUntil: new Date(Date.now() + def.leaseMs) } },
      )
    }
    const beat = setInterval(() => void extend().catch(() => {}), Math.max(1000, def.leaseMs / 3))
    beat.unref()
    try {
      // The claim took the longest lease of all job kinds; this job's own lease replaces it, so a
      // crashed worker's mail job is taken over after its lease, not a transcoding job's.
      await extend()
      await def.handler(job.payload, {
        jobId: String(job._id),
        attempt: job.attempts,
        heartbeat: extend,
        signal: this.abort.signal,
      })
      await Job.updateOne({ _id: job._id }, { $set: { status: 'done', finishedAt: new Date(), lockedUntil: null } })
    } catch (err) {
      const final = job.attempts >= def.maxAttempts
      log.warn({ err, job: job.name, attempt: job.attempts, final }, 'job failed')
      await Job.updateOne(
        { _id: job._id },
        {
          $set: {
            status: final ? 'failed' : 'queued',
            runAt: new Date(Date.now() + def.backoffMs(job.attempts)),
            lastError: String((err as Error)?.stack ?? err).slice(0, 4000),
            lockedUntil: null,
            ...(final ? { finishedAt: new Date() } : {}),
          },
        },
      ).catch(() => {})
    } finally {
      clearInterval(beat)
      this.runningIds.delete(jobId)
    }
  }

  /** Lets running jobs finish (up to `graceMs`); unfinished ones keep their lease and resume elsewhere. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    const all = Promise.allSettled([...this.running])
    const timeout = new Promise((r) => setTimeout(r, graceMs).unref())
    await Promise.race([all, timeout])
    this.abort.abort()
  }

  get busy(): number {
    return this.running.size
  }
}

function leaseOf(names: string[]): number {
  return Math.max(...names.map((n) => definitions.get(n)!.leaseMs))
}

let worker: Worker | undefined

/** This process's job worker's lease owner id (tests), undefined when it does not run jobs. */
export function jobWorkerId(): string | undefined {
  return worker?.id
}

export function startJobWorker(opts: { concurrency?: number; pollMs?: number } = {}): void {
  if (worker) return
  const w = (worker = new Worker(opts.concurrency ?? 2, opts.pollMs ?? 1000))
  // Jobs a killed process on this machine was running are taken over at once, not after their lease.
  void releaseJobsOfDeadWorkers()
    .catch((err) => log.warn({ err }, 'could not release the jobs of dead workers'))
    .finally(() => w.start())
}

/**
 * Running jobs leased by a worker of this host whose process is gone (kill -9, a crash) become
 * claimable now. Workers of other hosts are left to their lease: their liveness is not known here.
 * Returns how many were released.
 */
export async function releaseJobsOfDeadWorkers(): Promise<number> {
  const running = await Job.find({ status: 'running' }, { lockedBy: 1 }).lean<Pick<JobDoc, '_id' | 'lockedBy'>[]>()
  let released = 0
  for (const j of running) {
    if (!ownerIsDeadHere(j.lockedBy)) continue
    const res = await Job.updateOne(
      { _id: j._id, status: 'running', lockedBy: j.lockedBy },
      { $set: { lockedUntil: new Date(0) } },
    )
    released += res.modifiedCount
  }
  if (released) log.info({ released }, 'jobs of dead workers released')
  return released
}

export async function stopJobWorker(graceMs = 10_000): Promise<void> {
  const w = worker
  worker = undefined
  await w?.stop(graceMs)
}
