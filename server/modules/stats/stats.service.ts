import {
  INDICATOR_KEYS,
  type Indicator,
  type IndicatorKey,
  type IndicatorUnit,
  type IndicatorsResponse,
} from '../../../shared/schemas/stats.js'
import type { Lang } from '../../../shared/schemas/common.js'
import { t } from '../../core/i18n.js'
import { indicatorProvider, type YearRange } from './indicators.registry.js'
import { toCsv } from '../../core/csv.js'

/** Targets from the 2026 grant directions (DESIGN.md §6). */
export const TARGETS: Record<IndicatorKey, { target: number; unit: IndicatorUnit }> = {
  active_users_growth: { target: 10, unit: 'percent' },
  members_in_dialogue: { target: 50, unit: 'percent' },
  councils_in_public_control: { target: 10, unit: 'councils' },
  small_grants_awarded: { target: 10, unit: 'grants' },
  republic_events: { target: 1, unit: 'events' },
  dialogue_platforms: { target: 5, unit: 'events' },
  videos_published: { target: 10, unit: 'videos' },
  best_practices_compendium: { target: 1, unit: 'compendium' },
}

const ALMATY_OFFSET_MS = 5 * 3600_000
export const almatyYearOf = (at: Date) => new Date(at.getTime() + ALMATY_OFFSET_MS).getUTCFullYear()

export function yearRange(year: number): YearRange {
  const monthStarts = Array.from({ length: 13 }, (_, m) => new Date(Date.UTC(year, m, 1) - ALMATY_OFFSET_MS))
  return { year, from: monthStarts[0], to: monthStarts[12], monthStarts }
}

/** Every indicator of the year, computed now (each provider runs its own indexed queries, all at once). */
export async function computeIndicators(year: number, lng: Lang, now = new Date()): Promise<IndicatorsResponse> {
  const range = yearRange(year)
  const indicators = await Promise.all(
    INDICATOR_KEYS.map(async (key): Promise<Indicator> => {
      const { target, unit } = TARGETS[key]
      const provider = indicatorProvider(key)
      const result = provider ? await provider(range) : { value: 0, series: Array<number>(12).fill(0) }
      const series = range.monthStarts.slice(0, 12).map((start, m) => ({
        month: `${year}-${String(m + 1).padStart(2, '0')}`,
        value: start > now ? null : (result.series[m] ?? null),
      }))
      return {
        key,
        name: t(lng, `stats:indicator.${key}`),
        target,
        value: result.value,
        met: result.value !== null && result.value >= target,
        unit,
        series,
        source: provider ? 'live' : 'pending',
        ...('details' in result && result.details ? { details: result.details } : {}),
        ...('regions' in result && result.regions ? { regions: result.regions } : {}),
      }
    }),
  )
  return { year, indicators }
}

/** One row per indicator, a column per month; UTF-8 with BOM for spreadsheets, CRLF. */
export function indicatorsCsv(r: IndicatorsResponse, lng: Lang): string {
  const head = [
    'key',
    'name',
    'unit',
    'target',
    'value',
    'met',
    'source',
    ...r.indicators[0].series.map((p) => p.month),
  ]
  const rows = r.indicators.map((i) => [
    i.key,
    i.name,
    t(lng, `stats:unit.${i.unit}`),
    i.target,
    i.value,
    i.met,
    i.source,
    ...i.series.map((p) => p.value),
  ])
  return toCsv(head, rows)
}
