import { z } from 'zod'

/** The grant's target indicators (DESIGN.md §6, API.md "Indicators"), in the order the API lists them. */
export const INDICATOR_KEYS = [
  'active_users_growth',
  'members_in_dialogue',
  'councils_in_public_control',
  'small_grants_awarded',
  'republic_events',
  'dialogue_platforms',
  'videos_published',
  'best_practices_compendium',
] as const
export type IndicatorKey = (typeof INDICATOR_KEYS)[number]
export const INDICATOR_UNITS = ['percent', 'councils', 'grants', 'events', 'videos', 'compendium'] as const
export type IndicatorUnit = (typeof INDICATOR_UNITS)[number]

export const IndicatorsQuery = z.object({
  year: z.coerce.number().int().min(2020).max(2100).optional().describe('Default: the current year (Almaty time)'),
  format: z.enum(['json', 'csv']).optional().describe('`csv`: one row per indicator, a column per month'),
})

export const SeriesPoint = z.object({
  month: z.string().describe('`YYYY-MM`'),
  value: z
    .number()
    .nullable()
    .describe('The value for January up to the end of that month; null for months still ahead'),
})

export const Indicator = z.object({
  key: z.enum(INDICATOR_KEYS),
  name: z.string().describe("In the request's language"),
  target: z.number(),
  value: z.number().nullable().describe('null when it cannot be computed (growth without a previous year)'),
  met: z.boolean().describe('`value >= target`'),
  unit: z.enum(INDICATOR_UNITS),
  series: z.array(SeriesPoint).describe('Twelve months, year to date (the December point equals `value`)'),
  source: z
    .enum(['live', 'pending'])
    .describe('Extension: `pending` when the module computing it is not installed yet (value 0, not met)'),
  details: z.record(z.string(), z.number()).optional().describe('Extension: the counts behind a ratio'),
  regions: z
    .array(z.object({ regionId: z.string().nullable(), value: z.number() }))
    .optional()
    .describe("Extension: the year's value by region, where the indicator has one (regionId null: republic level)"),
})
export type Indicator = z.infer<typeof Indicator>

export const IndicatorsResponse = z.object({ year: z.number(), indicators: z.array(Indicator) })
export type IndicatorsResponse = z.infer<typeof IndicatorsResponse>
