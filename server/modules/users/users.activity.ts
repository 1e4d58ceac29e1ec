import mongoose, { Schema } from 'mongoose'
import { log } from '../../core/logger.js'

/**
 * Active users for the grant's indicator 1 ("did anything signed-in in the period"), without a
 * browsing log. What is kept, per account:
 * - `user_activity_days`: `{ userId, day }` — one document per user and Almaty calendar day on
 *   which any signed-in request (or a login) happened. No time, path, address or device. Removed
 *   after 800 days (TTL on `expiresAt`): enough for this year against the last.
 * - `user_activity_years`: `{ userId, year, firstMonth }` — one per user and year, with the month
 *   of the first active day, and `user_activity_counters` `{ _id: 'YYYY-MM', firstActive }`: how many
 *   users were first active in the year that month (their sum: the year's distinct active users).
 * Each process writes them at most once per user and day (the first signed-in request of the day).
 */
const ObjectId = Schema.Types.ObjectId
const DAY_TTL_SEC = 800 * 86_400
const ALMATY_OFFSET_MS = 5 * 3600_000

const DaySchema = new Schema(
  { userId: { type: ObjectId, required: true }, day: { type: String, required: true }, expiresAt: { type: Date } },
  { collection: 'user_activity_days', versionKey: false },
)
DaySchema.index({ day: 1, userId: 1 }, { unique: true })
DaySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 })

const YearSchema = new Schema(
  {
    userId: { type: ObjectId, required: true },
    year: { type: Number, required: true },
    firstMonth: { type: Number, required: true, min: 1, max: 12 },
  },
  { collection: 'user_activity_years', versionKey: false },
)
YearSchema.index({ year: 1, userId: 1 }, { unique: true })

export const ActivityDay = mongoose.models.UserActivityDay ?? mongoose.model('UserActivityDay', DaySchema)
export const ActivityYear = mongoose.models.UserActivityYear ?? mongoose.model('UserActivityYear', YearSchema)

/**
 * `{ _id: 'YYYY-MM', firstActive }`: how many user-year documents have that year and first month,
 * incremented right after such a document is inserted. Counting ~50,000 index entries per year on
 * every request was too slow on the embedded engine (scripts/bench/README.md); this is the same
 * number kept as the data arrives (a crash between the two writes undercounts by one).
 */
const CounterSchema = new Schema(
  { _id: { type: String }, firstActive: { type: Number, default: 0 } },
  { collection: 'user_activity_counters', versionKey: false },
)
export const ActivityCounter =
  mongoose.models.UserActivityCounter ?? mongoose.model('UserActivityCounter', CounterSchema)

/** `YYYY-MM-DD` of the Almaty calendar day (UTC+5, the whole country since March 2024). */
export const almatyDayKey = (at: Date): string => new Date(at.getTime() + ALMATY_OFFSET_MS).toISOString().slice(0, 10)

const seen = new Map<string, string>()

async function upsertIgnoringRace(
  model: Pick<typeof ActivityDay, 'updateOne'>,
  filter: object,
  update: object,
): Promise<void> {
  try {
    await model.updateOne(filter, update, { upsert: true })
  } catch (err) {
    // Two processes inserting the same key: the other one's document is already there.
    if ((err as { code?: number }).code !== 11000) throw err
  }
}

/** Records that the user was active (signed in) on the day of `at`; idempotent, cheap after the first call of a day. */
export async function recordUserActivity(userId: string, at = new Date()): Promise<void> {
  const day = almatyDayKey(at)
  if (seen.get(userId) === day) return
  seen.set(userId, day)
  if (seen.size > 100_000) seen.clear()
  const uid = new mongoose.Types.ObjectId(userId)
  await upsertIgnoringRace(
    ActivityDay,
    { day, userId: uid },
    { $setOnInsert: { expiresAt: new Date(at.getTime() + DAY_TTL_SEC * 1000) } },
  )
  const year = Number(day.slice(0, 4))
  const firstMonth = Number(day.slice(5, 7))
  let inserted = false
  try {
    const r = await ActivityYear.updateOne({ year, userId: uid }, { $setOnInsert: { firstMonth } }, { upsert: true })
    inserted = r.upsertedCount === 1
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err
  }
  if (!inserted) return
  const inc = { $inc: { firstActive: 1 } }
  try {
    await ActivityCounter.updateOne({ _id: day.slice(0, 7) }, inc, { upsert: true })
  } catch (err) {
    // Two processes creating the month's counter at once: it exists now; count on it.
    if ((err as { code?: number }).code !== 11000) throw err
    await ActivityCounter.updateOne({ _id: day.slice(0, 7) }, inc)
  }
}

/** From request paths (awaited: once per user and day it costs three upserts): a failed count never fails the request. */
export async function noteUserActivity(userId: string): Promise<void> {
  await recordUserActivity(userId).catch((err) => {
    seen.delete(userId)
    log.warn({ err }, 'user activity not recorded')
  })
}

export interface ActiveUserCounts {
  /** Distinct users active in the year. */
  distinct: number
  /** Index 0..11: users whose first active day of the year fell in that month. */
  firstActiveByMonth: number[]
}

/** Counts for a year from the twelve monthly counters (one indexed read of at most 12 documents). */
export async function activeUserCounts(year: number): Promise<ActiveUserCounts> {
  const docs = await ActivityCounter.find({
    _id: mongoose.trusted({ $gte: `${year}-01`, $lte: `${year}-12` }),
  }).lean<{ _id: string; firstActive: number }[]>()
  const firstActiveByMonth = Array<number>(12).fill(0)
  for (const d of docs) firstActiveByMonth[Number(d._id.slice(5, 7)) - 1] = d.firstActive
  return { distinct: firstActiveByMonth.reduce((a, b) => a + b, 0), firstActiveByMonth }
}
