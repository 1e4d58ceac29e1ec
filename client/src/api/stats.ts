import type { IndicatorsResponse } from '../../../shared/schemas/stats.js'
import { request as api, API, withQuery } from '../lib/api.js'
import { useLoaded } from './loaded.js'
import { addModuleTexts } from '../lib/module-texts.js'

/** The indicators dashboard's data: every path of the stats API is written here, never in a page. */
addModuleTexts('stats', import.meta.glob('../../../shared/locales/*/stats.json', { eager: true, import: 'default' }))

export const statsKeys = { indicators: (year: number) => ['stats', 'indicators', year] as const }

export const getIndicators = (year: number, signal?: AbortSignal) =>
  api<IndicatorsResponse>('/stats/indicators', { query: { year }, signal })
export const indicatorsCsvUrl = (year: number, lng: string) =>
  withQuery(`${API}/stats/indicators`, { year, format: 'csv', lng })

export function useIndicators(year: number) {
  return useLoaded(statsKeys.indicators(year), (signal) => getIndicators(year, signal))
}
