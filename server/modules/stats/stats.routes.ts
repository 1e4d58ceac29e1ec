import { Router } from 'express'
import { IndicatorsQuery, IndicatorsResponse } from '../../../shared/schemas/stats.js'
import { route } from '../../core/route.js'
import { almatyYearOf, computeIndicators, indicatorsCsv } from './stats.service.js'

export const statsRouter = Router()

route(
  statsRouter,
  {
    method: 'get',
    path: '/stats/indicators',
    auth: 'public',
    tags: ['stats'],
    summary:
      "The grant's indicators for a year, computed live, each against its target, with a monthly year-to-date series",
    description:
      'Keys and targets as in API.md. `series[m]` is the value for January up to the end of month m (null for months still ahead); ' +
      '`active_users_growth` compares January..m with the same months of the year before. Indicators whose module is not installed ' +
      'are listed with value 0 and `source: "pending"`. `?format=csv`: one row per indicator (UTF-8 with BOM). Cached 60 s by clients.',
    query: IndicatorsQuery,
    response: IndicatorsResponse,
    alsoAs: ['text/csv'],
    errors: [400],
  },
  async ({ query, req, res }) => {
    const result = await computeIndicators(query.year ?? almatyYearOf(new Date()), req.lng)
    res.setHeader('Cache-Control', 'public, max-age=60')
    if (query.format !== 'csv') return result
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="indicators-${result.year}.csv"`)
    res.send(indicatorsCsv(result, req.lng))
  },
)
