import { findCouncilSummaries } from '../councils/index.js'
import { countingIndicator, registerIndicator, type IndicatorProvider, type YearRange } from '../stats/index.js'
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
  registerIndicator('small_grants_awarded', withRegions(false))
  registerIndicator('councils_in_public_control', withRegions(true))
}

/** Awards (or awarded councils, each once) per month, and the year's count by the council's region. */
function withRegions(councilsOnce: boolean): IndicatorProvider {
  return async (range) => {
    const awards = await AwardModel.find({ year: range.year }, { councilId: 1, createdAt: 1 })
      .sort({ createdAt: 1 })
      .lean<{ councilId: unknown; createdAt: Date }[]>()
    const counted = councilsOnce
      ? awards.filter((a, i) => awards.findIndex((b) => String(b.councilId) === String(a.councilId)) === i)
      : awards
    const regionOf = new Map(
      (await findCouncilSummaries([...new Set(counted.map((a) => String(a.councilId)))])).map((c) => [
        c.id,
        c.regionId,
      ]),
    )
    const byRegion = new Map<string | null, number>()
    for (const a of counted) {
      const r = regionOf.get(String(a.councilId)) ?? null
      byRegion.set(r, (byRegion.get(r) ?? 0) + 1)
    }
    const result = await countingIndicator(async () => {
      const counts = Array<number>(12).fill(0)
      for (const a of counted) counts[monthOf(range, new Date(a.createdAt))]++
      return counts
    })(range)
    return { ...result, regions: [...byRegion].map(([regionId, value]) => ({ regionId, value })) }
  }
}
