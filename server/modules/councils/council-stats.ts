import mongoose from 'mongoose'
import { Council } from './council.model.js'

/**
 * A council profile's `stats` come from several modules (news, videos, appeals). Each registers
 * a provider at import time; the councils module joins their reads to its own, so a profile is one
 * database round trip (an aggregate with one `$lookup` a provider), and councils depends on none of
 * them.
 */
export interface CouncilStats {
  news: number
  videos: number
  appeals: { received: number; answered: number; overdue: number }
  medianResponseDays: number | null
}

export interface CouncilStatsProvider {
  /** The provider's collection, joined on its `councilId` = the council's `_id`. */
  from: string
  /** The stages run over that council's documents (small answers: counts, not documents). */
  pipeline(now: Date): mongoose.PipelineStage.Lookup['$lookup']['pipeline']
  /** The stats from what the pipeline gave (may read again when it must, e.g. a median). */
  read(
    rows: Record<string, unknown>[],
    councilId: mongoose.Types.ObjectId,
  ): Promise<Partial<CouncilStats>> | Partial<CouncilStats>
}

/** A count as a provider's last stage (the shape `countDocuments` sends: engines answer it from an index). */
export const COUNT_STAGE = { $group: { _id: 1, n: { $sum: 1 } } } as const
/** The count COUNT_STAGE gave (no row: none). */
export const countOf = (rows: Record<string, unknown>[]): number => Number(rows[0]?.n ?? 0)

const providers = new Map<string, CouncilStatsProvider>()

export function registerCouncilStats(name: string, provider: CouncilStatsProvider): void {
  providers.set(name, provider)
}

const EMPTY: CouncilStats = {
  news: 0,
  videos: 0,
  appeals: { received: 0, answered: 0, overdue: 0 },
  medianResponseDays: null,
}
const joinedField = (name: string) => `__stats_${name}`

/** The `$lookup` stages that bring every provider's rows into a council document. */
function statsLookups(now: Date): mongoose.PipelineStage[] {
  return [...providers].map(([name, p]) => ({
    $lookup: {
      from: p.from,
      localField: '_id',
      foreignField: 'councilId',
      pipeline: p.pipeline(now),
      as: joinedField(name),
    },
  }))
}

/** Splits a joined document into the council and its stats (the joined fields removed; exported for the floor). */
export async function splitStats<T extends { _id: mongoose.Types.ObjectId }>(
  joined: T,
): Promise<{ doc: T; stats: CouncilStats }> {
  const doc = { ...joined } as Record<string, unknown>
  const parts = await Promise.all(
    [...providers].map(([name, p]) => {
      const rows = (doc[joinedField(name)] ?? []) as Record<string, unknown>[]
      delete doc[joinedField(name)]
      return p.read(rows, joined._id)
    }),
  )
  return { doc: doc as T, stats: Object.assign(structuredClone(EMPTY), ...parts) }
}

/**
 * The live council matching `filter` (with the fields `projection` drops left out) and its stats,
 * in one aggregate; null when there is none.
 */
export async function findCouncilWithStats<T extends { _id: mongoose.Types.ObjectId }>(
  filter: Record<string, unknown>,
  projection: Record<string, 0 | 1>,
): Promise<{ doc: T; stats: CouncilStats } | null> {
  const [joined] = await Council.aggregate<T>(councilWithStatsPipeline(filter, projection, new Date()))
  return joined ? splitStats(joined) : null
}

/** The aggregate behind findCouncilWithStats (exported for the read benchmark's driver floor). */
export function councilWithStatsPipeline(
  filter: Record<string, unknown>,
  projection: Record<string, 0 | 1>,
  now: Date,
): mongoose.PipelineStage[] {
  return [{ $match: filter }, { $limit: 1 }, { $project: projection }, ...statsLookups(now)]
}

/** The stats of one council (after a change to it); all zero for an unknown id. */
export async function councilStats(councilId: string): Promise<CouncilStats> {
  if (!mongoose.isValidObjectId(councilId)) return structuredClone(EMPTY)
  const found = await findCouncilWithStats({ _id: new mongoose.Types.ObjectId(councilId) }, { _id: 1 })
  return found?.stats ?? structuredClone(EMPTY)
}
