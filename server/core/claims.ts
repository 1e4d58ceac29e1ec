import crypto from 'node:crypto'
import mongoose, { Schema } from 'mongoose'
import { isDuplicateKey } from './errors.js'
import { OWNER, ownerIsDeadHere } from './owner.js'

/**
 * Short claims on a piece of work that must not run twice at once: a reminder's mails, sent under
 * an idempotency key and then recorded. Two copies of one job can run together (a reschedule while
 * the first runs, a lease that ran out); the claim lets one send while the other waits and retries.
 * The holder renews its claim while it works; a claim whose holder died is taken over (at once on
 * the same host, else when it expires), so the work is never lost: at least once, and not twice
 * from live workers. Expiry compares the holder's clock with the claimant's, as job leases do:
 * hosts keep their clocks in sync (NTP), well within a third of the hold.
 * Kept in `claims` (one document per key, removed on release, TTL for the rest).
 */
const ClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    until: { type: Date, required: true },
    /** `<host>:<pid>` of the holder (core/owner.ts): a dead process's claim is taken over at once. */
    owner: { type: String, required: true },
    /** This holding, so a holder knows its own claim (a retried write) and releases only its own. */
    token: { type: String, required: true },
  },
  { versionKey: false },
)
// Claims left by dead holders go an hour after they expired.
ClaimSchema.index({ until: 1 }, { expireAfterSeconds: 3600 })
type ClaimDoc = { _id: string; until: Date; owner: string; token: string }
const Claim: mongoose.Model<ClaimDoc> = mongoose.models.Claim ?? mongoose.model<ClaimDoc>('Claim', ClaimSchema)

/** How long a reminder's claim lasts without renewal (renewed every third of it while it works). */
export const REMINDER_HOLD_MS = 2 * 60_000

/** Another live holder has the claim: try again later (a job retries with back-off). */
export class ClaimHeldError extends Error {
  constructor(key: string) {
    super(`claim ${key} is held by another worker`)
    this.name = 'ClaimHeldError'
  }
}

/** What the work can ask: false once the claim was lost (renewal failed), so it stops before the next step. */
export type StillHeld = () => boolean

/**
 * Runs `work` holding the claim `key`, renewed every `holdMs / 3` (it expires `holdMs` after the
 * last renewal, in case this process dies); throws ClaimHeldError when a live claim is held
 * elsewhere. The claim is released after.
 */
export async function withClaim<T>(
  key: string,
  holdMs: number,
  work: (stillHeld: StillHeld) => Promise<T>,
): Promise<T> {
  const token = crypto.randomBytes(12).toString('hex')
  const mine = { _id: key, token }
  const until = () => new Date(Date.now() + holdMs)
  try {
    // Taken when absent (inserted) or expired (updated); a live one makes the upsert's insert collide.
    await Claim.updateOne(
      { _id: key, until: mongoose.trusted({ $lt: new Date() }) },
      { $set: { until: until(), owner: OWNER, token } },
      { upsert: true },
    )
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    await takeOver(key, token, until())
  }
  let held = true
  const renew = setInterval(() => {
    Claim.updateOne(mine, { $set: { until: until() } }).then(
      (res) => {
        if (res.matchedCount === 0) held = false
      },
      () => {}, // the database is away: the claim may lapse; the next renewal tells
    )
  }, holdMs / 3)
  renew.unref()
  try {
    return await work(() => held)
  } finally {
    clearInterval(renew)
    await Claim.deleteOne(mine).catch(() => {})
  }
}

/**
 * The claim exists and is live: ours already (a write the driver retried), or a dead process's of
 * this host (kill -9), which becomes ours; else ClaimHeldError.
 */
async function takeOver(key: string, token: string, until: Date): Promise<void> {
  const held = await Claim.findById(key).lean<ClaimDoc>()
  if (held?.token === token) return
  if (!held || !ownerIsDeadHere(held.owner)) throw new ClaimHeldError(key)
  const res = await Claim.updateOne({ _id: key, token: held.token }, { $set: { until, owner: OWNER, token } })
  if (res.modifiedCount !== 1) throw new ClaimHeldError(key)
}
