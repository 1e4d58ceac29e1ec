import crypto from 'node:crypto'
import mongoose, { Schema } from 'mongoose'
import { log } from './logger.js'
import { OWNER, ownerIsDeadHere } from './owner.js'
import { ClaimHeldError } from './claims.js'
import { isSealed, seal, unseal } from './sealed.js'

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
    /** When a finished job is deleted (TTL): kept a while for the operations page, then gone with its payload. */
    expiresAt: { type: Date },
  },
  { timestamps: true, minimize: false },
)
JobSchema.index({ status: 1, runAt: 1 })
JobSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true })
JobSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 })
/** How long finished jobs stay in `jobs` (the operations page lists failed ones and counts done ones). */
export const DONE_JOBS_KEPT_MS = 14 * 24 * 3600_000
export const FAILED_JOBS_KEPT_MS = 90 * 24 * 3600_000
/** A stored job as `lean()` returns it; `payload` is typed by `JobPayloads` on the way in only. */
export type JobDoc = Omit<mongoose.InferSchemaType<typeof JobSchema>, 'payload'> & {
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
 * the two; call `wakeJobWorker()` after the commit. `sealed`: the payload holds a secret or personal
 * data (an access code, a link that signs someone in, a mail): it is stored encrypted (core/sealed.ts),
 * the handler gets it as given, and it is erased once the job is done.
 */
export async function enqueueJob<N extends JobName>(
  name: N,
  payload: JobPayloads[N],
  opts: { runAt?: Date; dedupeKey?: string; session?: mongoose.ClientSession; sealed?: boolean } = {},
): Promise<string> {
  const session = opts.session
  const def = definitions.get(name)
  const runAt = opts.runAt ?? new Date()
  const stored = opts.sealed ? seal(payload) : payload
  const fields = { name, payload: stored, runAt, maxAttempts: def?.maxAttempts ?? 5 }
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

/** When a job whose work another worker holds (ClaimHeldError) looks again. */
const CLAIM_RETRY_MS = 5_000

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
    // The outcome is written only while the job is still this worker's: one whose lease ran out and
    // that another worker took (and perhaps finished, erasing a sealed payload) is left to that one.
    const stillMine = { _id: job._id, lockedBy: this.id, status: 'running' as const }
    beat.unref()
    try {
      // The claim took the longest lease of all job kinds; this job's own lease replaces it, so a
      // crashed worker's mail job is taken over after its lease, not a transcoding job's.
      await extend()
      await def.handler(isSealed(job.payload) ? unseal(job.payload) : job.payload, {
        jobId: String(job._id),
        attempt: job.attempts,
        heartbeat: extend,
        signal: this.abort.signal,
      })
      const now = Date.now()
      await Job.updateOne(stillMine, {
        $set: {
          status: 'done',
          finishedAt: new Date(now),
          lockedUntil: null,
          expiresAt: new Date(now + DONE_JOBS_KEPT_MS),
          // A sealed payload's secret has served its purpose.
          ...(isSealed(job.payload) ? { payload: {} } : {}),
        },
      })
    } catch (err) {
      if (err instanceof ClaimHeldError) {
        // The same work is being done elsewhere (core/claims.ts): look again shortly, no attempt spent.
        await Job.updateOne(stillMine, {
          $set: { status: 'queued', runAt: new Date(Date.now() + CLAIM_RETRY_MS), lockedUntil: null },
          $inc: { attempts: -1 },
        }).catch(() => {})
        return
      }
      // An unreadable sealed payload is retried too: in a SESSION_SECRET rotation, a process that
      // has the secret it was sealed under may take it.
      const final = job.attempts >= def.maxAttempts
      log.warn({ err, job: job.name, attempt: job.attempts, final }, 'job failed')
      await Job.updateOne(stillMine, {
        $set: {
          status: final ? 'failed' : 'queued',
          runAt: new Date(Date.now() + def.backoffMs(job.attempts)),
          lastError: String((err as Error)?.stack ?? err).slice(0, 4000),
          lockedUntil: null,
          ...(final ? { finishedAt: new Date(), expiresAt: new Date(Date.now() + FAILED_JOBS_KEPT_MS) } : {}),
        },
      }).catch(() => {})
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
  const expiry = stampFinishedJobs().catch((err) => log.warn({ err }, 'could not give finished jobs an expiry'))
  void Promise.all([releaseJobsOfDeadWorkers(), expiry])
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

/** Finished jobs stored before they had an expiry get one from now (they were kept forever). */
export async function stampFinishedJobs(now = Date.now()): Promise<void> {
  for (const [status, kept] of [
    ['done', DONE_JOBS_KEPT_MS],
    ['failed', FAILED_JOBS_KEPT_MS],
  ] as const)
    await Job.updateMany({ status, expiresAt: null }, { $set: { expiresAt: new Date(now + kept) } })
}

export async function stopJobWorker(graceMs = 10_000): Promise<void> {
  const w = worker
  worker = undefined
  await w?.stop(graceMs)
}
