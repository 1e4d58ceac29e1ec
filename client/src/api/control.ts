/**
 * Public control: recommendations to state bodies and the scorecard. Every path the control pages
 * use is here (types from the shared schemas; no zod at runtime).
 */
import type { z } from 'zod'
import type * as C from '../../../shared/schemas/control.js'
import { request as api, withQuery, API } from '../lib/api.js'
import { useLoaded } from './loaded.js'

export type Recommendation = z.output<typeof C.RecommendationView>
export type NewRecommendation = z.input<typeof C.CreateRecommendationBody>
export type RecommendationPatch = z.input<typeof C.UpdateRecommendationBody>
export type Scorecard = z.output<typeof C.Scorecard>
export type ScorecardRow = z.output<typeof C.ScorecardRow>
export interface RecommendationFilter {
  councilId?: string
  status?: 'sent' | 'answered'
  overdue?: 'true' | 'false'
  awardId?: string
  year?: number
  regionId?: string
}

export const controlKeys = {
  recommendations: (q: RecommendationFilter) => ['control', 'recommendations', q] as const,
  scorecard: (year: number, regionId?: string) => ['control', 'scorecard', year, regionId ?? null] as const,
}

export const controlApi = {
  list: (q: RecommendationFilter, signal?: AbortSignal) =>
    api<{ items: Recommendation[]; nextCursor: string | null }>('/control/recommendations', {
      query: { limit: 100, ...q },
      signal,
    }),
  create: (body: NewRecommendation) => api<Recommendation>('/control/recommendations', { method: 'POST', body }),
  update: (id: string, body: RecommendationPatch) =>
    api<Recommendation>(`/control/recommendations/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  scorecard: (year: number, regionId?: string, signal?: AbortSignal) =>
    api<Scorecard>('/control/scorecard', { query: { year, regionId }, signal }),
  /** A link (not a fetch): the browser downloads the CSV in the page's language. */
  scorecardCsvUrl: (year: number, lng: string, regionId?: string) =>
    withQuery(`${API}/control/scorecard`, { year, regionId, format: 'csv', lng }),
}

export const useRecommendations = (q: RecommendationFilter, enabled = true) =>
  useLoaded(controlKeys.recommendations(q), (signal) => controlApi.list(q, signal), enabled)
export const useScorecard = (year: number, regionId?: string) =>
  useLoaded(controlKeys.scorecard(year, regionId), (signal) => controlApi.scorecard(year, regionId, signal))
