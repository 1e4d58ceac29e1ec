import mongoose from 'mongoose'
import { GrantAward, type AwardDoc } from './grants.model.js'

/** An award's council and year (control links recommendations to awards). */
export async function findAwardSummary(id: string): Promise<{ id: string; councilId: string; year: number } | null> {
  if (!mongoose.isValidObjectId(id)) return null
  const a = await GrantAward.findById(id).lean<AwardDoc>()
  return a ? { id: String(a._id), councilId: String(a.councilId), year: a.year } : null
}

/** The awards of a council in a year (demo data links recommendations to them). */
export async function findCouncilAwardIds(councilId: string, year: number): Promise<string[]> {
  if (!mongoose.isValidObjectId(councilId)) return []
  const docs = await GrantAward.find({ councilId, year }, { _id: 1 }).lean<AwardDoc[]>()
  return docs.map((d) => String(d._id))
}
