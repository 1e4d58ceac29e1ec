import { countingIndicator, registerIndicator, type YearRange } from '../stats/index.js'
import { GrantAward as AwardModel } from './grants.model.js'

const monthOf = (range: YearRange, at: Date) => {
  for (let m = 11; m >= 0; m--) if (at >= range.monthStarts[m]) return m
  return 0
}

/**
 * The grants module's indicators: awards of the year's calls (by the month they were made) and the
 * councils that hold one (public control under small grants), each council counted once.
 */
export function registerGrantIndicators(): void {
  registerIndicator(
    'small_grants_awarded',
    countingIndicator(async (range) => {
      const counts = Array<number>(12).fill(0)
      const awards = await AwardModel.find({ year: range.year }, { createdAt: 1 }).lean<{ createdAt: Date }[]>()
      for (const a of awards) counts[monthOf(range, new Date(a.createdAt))]++
      return counts
    }),
  )
  registerIndicator(
    'councils_in_public_control',
    countingIndicator(async (range) => {
      const counts = Array<number>(12).fill(0)
      const awards = await AwardModel.find({ year: range.year }, { councilId: 1, createdAt: 1 })
        .sort({ createdAt: 1 })
        .lean<{ councilId: unknown; createdAt: Date }[]>()
      const seen = new Set<string>()
      for (const a of awards) {
        if (seen.has(String(a.councilId))) continue
        seen.add(String(a.councilId))
        counts[monthOf(range, new Date(a.createdAt))]++
      }
      return counts
    }),
  )
}
