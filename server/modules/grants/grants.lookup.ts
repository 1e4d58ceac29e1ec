import mongoose from 'mongoose'
import { GrantAward, type AwardDoc } from './grants.model.js'

/** An award's council and year (control links recommendations to awards). */
export async function findAwardSummary(id: string): Promise<{ id: string; councilId: string; year: number } | null> {
  if (!mongoose.isValidObjectId(id)) return null
  const a = await GrantAward.findById(id).lean<AwardDoc>()
  return a ? { id: String(a._id), councilId: String(a.councilId), year: a.year } : null
}
