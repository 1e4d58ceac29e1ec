import mongoose from 'mongoose'
import { OPEN_STATUSES } from '../../../shared/schemas/appeals.js'
import { invalidatePublicCache } from '../../core/cache.js'
import { log } from '../../core/logger.js'
import { backfillSearchTokens } from '../../core/search.js'
import { COUNCIL_CACHE_TAGS, councilCacheTag, type CouncilStatsProvider } from '../councils/index.js'
import { Appeal, type AppealDoc } from './appeal.model.js'
import { publicSearchTokens } from './appeals.view.js'
import { workingDaysBetween } from './calendar.js'

/**
 * `stats.appeals` of a council profile, over the appeals the council holds now (a redirected
 * appeal counts for the council it went to): registered ones received, answered by this council,
 * open past due; `medianResponseDays` in working days from registration here to this council's
 * first answer (`responseDays`, fixed when it answers). Computed by the database: the counts are one
 * $group joined to the council's own read (councils/council-stats.ts), then, when some are answered,
 * the middle one or two `responseDays` in index order, so thousands of appeals cost two small replies,
 * not a transfer of each.
 */
export const councilAppealStats: CouncilStatsProvider = {
  from: Appeal.collection.collectionName,
  pipeline: (now) => appealCountStages(now),
  async read(rows, councilId) {
    const counts = rows[0] as { received: number; answered: number; overdue: number } | undefined
    if (!counts) return { appeals: { received: 0, answered: 0, overdue: 0 }, medianResponseDays: null }
    return {
      appeals: { received: counts.received, answered: counts.answered, overdue: counts.overdue },
      medianResponseDays: counts.answered ? await medianResponseDays(councilId, counts.answered) : null,
    }
  },
}

const REGISTERED = { $ne: 'unconfirmed' as const }

/** These councils' profiles show changed stats: their cached answers go (core/cache.ts). */
export function councilStatsChanged(...councilIds: unknown[]): void {
  invalidatePublicCache([...new Set(councilIds.map((id) => councilCacheTag(String(id))))])
}

/** The counts behind a council's appeal stats, as one pipeline (exported for the read benchmark's floor). */
export function appealCountsPipeline(councilId: mongoose.Types.ObjectId, now: Date): mongoose.PipelineStage[] {
  const [match, ...rest] = appealCountStages(now) as [{ $match: Record<string, unknown> }, ...mongoose.PipelineStage[]]
  return [{ $match: { councilId, ...match.$match } }, ...rest]
}

/** The counts over one council's appeals (the council's equality comes from the join or the caller). */
function appealCountStages(now: Date): mongoose.PipelineStage.FacetPipelineStage[] {
  // "Set" is neither null nor missing ($ifNull folds missing into null).
  const isSet = (field: string) => ({ $ne: [{ $ifNull: [field, null] }, null] })
  return [
    { $match: { status: REGISTERED } },
    {
      $group: {
        _id: null,
        received: { $sum: 1 },
        answered: { $sum: { $cond: [isSet('$responseDays'), 1, 0] } },
        overdue: {
          $sum: {
            $cond: [
              { $and: [{ $in: ['$status', [...OPEN_STATUSES]] }, isSet('$dueAt'), { $lt: ['$dueAt', now] }] },
              1,
              0,
            ],
          },
        },
      },
    },
  ]
}

async function medianResponseDays(councilId: mongoose.Types.ObjectId, n: number): Promise<number | null> {
  const middle = await Appeal.find(
    { councilId, status: mongoose.trusted(REGISTERED), responseDays: mongoose.trusted({ $ne: null }) },
    { responseDays: 1, _id: 0 },
  )
    .sort({ responseDays: 1 })
    .skip((n - 1) >> 1)
    .limit(n % 2 ? 1 : 2)
    .lean<{ responseDays: number }[]>()
  // An answer landing between the two reads can shift the middle by one; never worse than that.
  if (!middle.length) return null
  return middle.length === 2 && n % 2 === 0
    ? (middle[0].responseDays + middle[1].responseDays) / 2
    : middle[0].responseDays
}

interface BackfillRow {
  _id: mongoose.Types.ObjectId
  councilId: mongoose.Types.ObjectId
  registeredAt: Date
  answeredAt: Date
  history?: { status: string; at: Date; councilId: mongoose.Types.ObjectId }[]
}

/**
 * When the council that holds the appeal first answered it, if it has: the first `answered` step
 * of this council since its registration (after a redirect, the earlier council's answer is not
 * this one's); without any recorded step, the stored first answer if it follows registration.
 */
function firstAnswerHere(a: BackfillRow): Date | null {
  const registered = new Date(a.registeredAt).getTime()
  const steps = (a.history ?? []).filter((h) => h.status === 'answered')
  if (!steps.length) return new Date(a.answeredAt).getTime() >= registered ? new Date(a.answeredAt) : null
  const here = steps.find((h) => String(h.councilId) === String(a.councilId) && new Date(h.at).getTime() >= registered)
  return here ? new Date(here.at) : null
}

/**
 * Appeals answered before `responseDays` was stored get it once, by the same rule as a new
 * answer. Pages through the collection by _id (each document read once); idempotent; returns how
 * many it filled. Appeals redirected and not yet answered by their new council are left unset.
 */
export async function backfillResponseDays(batchSize = 500): Promise<number> {
  let filled = 0
  let after: mongoose.Types.ObjectId | undefined
  for (;;) {
    const batch = await Appeal.find(
      {
        ...(after ? { _id: mongoose.trusted({ $gt: after }) } : {}),
        answeredAt: mongoose.trusted({ $ne: null }),
        registeredAt: mongoose.trusted({ $ne: null }),
        responseDays: null,
      },
      { councilId: 1, registeredAt: 1, answeredAt: 1, history: 1 },
    )
      .sort({ _id: 1 })
      .limit(batchSize)
      .lean<BackfillRow[]>()
    if (!batch.length) {
      if (filled) invalidatePublicCache(COUNCIL_CACHE_TAGS)
      return filled
    }
    after = batch.at(-1)!._id
    const updates = batch.flatMap((a) => {
      const answered = firstAnswerHere(a)
      return answered
        ? [
            {
              updateOne: {
                filter: { _id: a._id, councilId: a.councilId, responseDays: null },
                update: { $set: { responseDays: workingDaysBetween(new Date(a.registeredAt), answered) } },
              },
            },
          ]
        : []
    })
    if (updates.length) filled += (await Appeal.bulkWrite(updates)).modifiedCount
  }
}

/** Answered public appeals stored before the Q&A was searchable get their tokens. */
const backfillQaTokens = () =>
  backfillSearchTokens<AppealDoc>(
    Appeal as never,
    { isPublic: true, answeredAt: mongoose.trusted({ $ne: null }) },
    { subject: 1, text: 1, author: 1, replies: 1 },
    (a) =>
      publicSearchTokens(
        a,
        (a.replies ?? []).filter((r) => r.by === 'council').map((r) => r.text),
      ),
  )

let backfill: Promise<void> | undefined

/** Starts the backfill beside the server (a large first run must not delay the start). */
export function startResponseDaysBackfill(): void {
  backfill ??= backfillResponseDays()
    .then(async (n) => {
      if (n) log.info({ filled: n }, 'appeals: response days filled for earlier answers')
      const tokens = await backfillQaTokens()
      if (tokens) log.info({ filled: tokens }, 'appeals: search tokens filled for the public Q&A')
    })
    .catch((err: unknown) =>
      log.error({ err }, 'appeals: response days backfill failed (it runs again at the next start)'),
    )
}

/** Lets a running backfill finish before the database closes. */
export async function stopResponseDaysBackfill(): Promise<void> {
  await backfill
  backfill = undefined
}

/** Appeals on the whole portal: all, still open, and open past their deadline (the operations page). */
export async function portalAppealCounts(now = new Date()): Promise<{ total: number; open: number; overdue: number }> {
  const open = { status: mongoose.trusted({ $in: [...OPEN_STATUSES] }) }
  const [total, openCount, overdue] = await Promise.all([
    Appeal.countDocuments({}),
    Appeal.countDocuments(open),
    Appeal.countDocuments({ ...open, dueAt: mongoose.trusted({ $ne: null, $lt: now }) }),
  ])
  return { total, open: openCount, overdue }
}
