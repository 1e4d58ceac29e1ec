/**
 * A council profile's `stats` come from several modules (news, videos, appeals). Each registers
 * a provider at import time; the councils service merges their answers, so councils depends on
 * none of them.
 */
export interface CouncilStats {
  news: number
  videos: number
  appeals: { received: number; answered: number; overdue: number }
  medianResponseDays: number | null
}
export type CouncilStatsProvider = (councilId: string) => Promise<Partial<CouncilStats>>

const providers = new Map<string, CouncilStatsProvider>()

export function registerCouncilStats(name: string, provider: CouncilStatsProvider): void {
  providers.set(name, provider)
}

export async function councilStats(councilId: string): Promise<CouncilStats> {
  const parts = await Promise.all([...providers.values()].map((p) => p(councilId)))
  return Object.assign(
    { news: 0, videos: 0, appeals: { received: 0, answered: 0, overdue: 0 }, medianResponseDays: null },
    ...parts,
  )
}
