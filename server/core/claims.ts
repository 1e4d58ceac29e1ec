import mongoose, { Schema } from 'mongoose'
import { isDuplicateKey } from './errors.js'
import { OWNER, ownerIsDeadHere } from './owner.js'

/**
 * Short claims on a piece of work that must not run twice at once: a reminder's mails, sent under
 * an idempotency key and then recorded. Two copies of one job can run together (a reschedule while
 * the first runs, a lease that ran out); the claim lets one send while the other waits and retries,
 * and a claim whose holder died expires, so the work is never lost: at least once, and not twice
 * from live workers. Kept in `claims` (one document per key, removed on release, TTL for the rest).
 */
const ClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    until: { type: Date, required: true },
    /** `<host>:<pid>` of the holder (core/owner.ts): a dead process's claim is taken over at once. */
    owner: { type: String, required: true },
  },
  { versionKey: false },
)
// Claims left by dead holders go an hour after they expired.
ClaimSchema.index({ until: 1 }, { expireAfterSeconds: 3600 })
type ClaimDoc = { _id: string; until: Date; owner: string }
const Claim: mongoose.Model<ClaimDoc> = mongoose.models.Claim ?? mongoose.model<ClaimDoc>('Claim', ClaimSchema)

/** How long a reminder's mails may take before its claim lapses (a council has a few dozen members). */
export const REMINDER_HOLD_MS = 2 * 60_000

/** A live claim held by a process of this host that is gone (kill -9) becomes ours; else ClaimHeldError. */
async function takeOverFromDead(key: string, until: Date): Promise<void> {
  const held = await Claim.findById(key).lean<ClaimDoc>()
  if (!held || !ownerIsDeadHere(held.owner)) throw new ClaimHeldError(key)
  const res = await Claim.updateOne(
    { _id: key, owner: held.owner, until: held.until },
    { $set: { until, owner: OWNER } },
  )
  if (res.modifiedCount !== 1) throw new ClaimHeldError(key)
}

/** Another live holder has the claim: try again later (a job retries with back-off). */
export class ClaimHeldError extends Error {
  constructor(key: string) {
    super(`claim ${key} is held by another worker`)
    this.name = 'ClaimHeldError'
  }
}

/**
 * Runs `work` holding the claim `key` for at most `holdMs` (then it expires, in case this process
 * dies on another host; a dead process of this host loses it at once); throws ClaimHeldError when
 * a live claim is held elsewhere. The claim is released after.
 */
export async function withClaim<T>(key: string, holdMs: number, work: () => Promise<T>): Promise<T> {
  const now = new Date()
  const until = new Date(now.getTime() + holdMs)
  try {
    // Taken when absent (inserted) or expired (updated); a live one makes the upsert's insert collide.
    await Claim.updateOne(
      { _id: key, until: mongoose.trusted({ $lt: now }) },
      { $set: { until, owner: OWNER } },
      { upsert: true },
    )
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    await takeOverFromDead(key, until)
  }
  try {
    return await work()
  } finally {
    // Only our own claim: past `holdMs` another worker may hold it now.
    await Claim.deleteOne({ _id: key, until }).catch(() => {})
  }
}
