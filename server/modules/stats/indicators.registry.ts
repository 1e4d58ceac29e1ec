import type { IndicatorKey } from '../../../shared/schemas/stats.js'

/**
 * Where each indicator's number comes from. The stats module depends on no module that computes
 * an indicator for it: each registers a provider here at import time (like `registerCouncilStats`),
 * so the events and grants modules plug in by importing `../stats/index.js`. A key with no provider
 * is still listed by the API, with value 0 and `source: "pending"`.
 */
export interface YearRange {
  year: number
  /** 1 January 00:00 Almaty, as an instant. */
  from: Date
  /** 1 January of the next year, 00:00 Almaty (exclusive). */
  to: Date
  /** 13 instants: the start of each month of the year (Almaty) and `to`. */
  monthStarts: Date[]
}

export interface IndicatorResult {
  /** The year's value, in the indicator's unit. */
  value: number | null
  /** Twelve values, year to date: index m = January up to the end of month m. */
  series: (number | null)[]
  details?: Record<string, number>
  /** The year's value by region (null: republic level), where the indicator has one. */
  regions?: { regionId: string | null; value: number }[]
}
export type IndicatorProvider = (range: YearRange) => Promise<IndicatorResult>

/**
 * Per month of the year (index 0..11): the ids of the users who took part that month (attended an
 * event, posted in a dialogue room, …). The stats module unions every source, keeps council members
 * and divides by their number (indicator `members_in_dialogue`).
 */
export type DialogueParticipationSource = (range: YearRange) => Promise<string[][]>

const providers = new Map<IndicatorKey, IndicatorProvider>()
const participation = new Map<string, DialogueParticipationSource>()

export function registerIndicator(key: IndicatorKey, provider: IndicatorProvider): void {
  providers.set(key, provider)
}
export function registerDialogueParticipation(name: string, source: DialogueParticipationSource): void {
  participation.set(name, source)
}
export const indicatorProvider = (key: IndicatorKey) => providers.get(key)
export const participationSources = () => [...participation.entries()]

/**
 * A provider for the common case: "at least N things of the year", given a count per month
 * (index 0..11) computed in the database. The series is the running total.
 */
export function countingIndicator(countByMonth: (range: YearRange) => Promise<number[]>): IndicatorProvider {
  return async (range) => {
    const counts = await countByMonth(range)
    let sum = 0
    const series = counts.map((n) => (sum += n))
    return { value: sum, series }
  }
}
