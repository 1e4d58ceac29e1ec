import mongoose from 'mongoose'
import type { LocalizedText } from '../../../shared/schemas/common.js'
import { Council, type CouncilDoc } from './council.model.js'

/**
 * What other modules may ask about councils (appeals, videos, chat): small, read-only, and
 * independent of the councils service's HTTP-facing shapes.
 */
export interface CouncilSummary {
  id: string
  slug: string
  name: LocalizedText
  level: 'republican' | 'oblast' | 'city' | 'district'
  regionId: string | null
  archived: boolean
}

type SummaryRow = Pick<CouncilDoc, '_id' | 'slug' | 'name' | 'level' | 'regionId' | 'archivedAt'>
const SUMMARY_FIELDS = { slug: 1, name: 1, level: 1, regionId: 1, archivedAt: 1 }

const toSummary = (c: SummaryRow): CouncilSummary => ({
  id: String(c._id),
  slug: c.slug,
  name: { ...(c.name?.kk ? { kk: c.name.kk } : {}), ...(c.name?.ru ? { ru: c.name.ru } : {}) },
  level: c.level,
  regionId: c.regionId ? String(c.regionId) : null,
  archived: Boolean(c.archivedAt),
})

const validId = (id: unknown): id is string =>
  typeof id === 'string' && mongoose.isValidObjectId(id) && /^[0-9a-f]{24}$/i.test(id)

/** A council by id, or null (also for malformed ids and archived councils unless asked). */
export async function findCouncilSummary(
  id: string,
  opts: { includeArchived?: boolean } = {},
): Promise<CouncilSummary | null> {
  if (!validId(id)) return null
  const c = await Council.findById(id, SUMMARY_FIELDS).lean<SummaryRow>()
  if (!c || (c.archivedAt && !opts.includeArchived)) return null
  return toSummary(c)
}

/** Councils by ids, in the order asked, skipping unknown and archived ones. */
export async function findCouncilSummaries(ids: string[]): Promise<CouncilSummary[]> {
  const valid = [...new Set(ids.filter(validId))]
  if (!valid.length) return []
  const docs = await Council.find({ _id: mongoose.trusted({ $in: valid }), archivedAt: null }, SUMMARY_FIELDS).lean<
    SummaryRow[]
  >()
  const byId = new Map(docs.map((d) => [String(d._id), toSummary(d)]))
  return valid.map((id) => byId.get(id)).filter((c): c is CouncilSummary => Boolean(c))
}
