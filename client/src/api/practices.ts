import type { CompendiumStatus, PracticeView } from '../../../shared/schemas/practices.js'
import { request as api, API } from '../lib/api.js'
import { useLoaded, usePagedGet } from './loaded.js'
import { addModuleTexts } from '../lib/module-texts.js'

/** Best practices and the compendium: every path of that API is written here, never in a page. */
addModuleTexts(
  'practices',
  import.meta.glob('../../../shared/locales/*/practices.json', { eager: true, import: 'default' }),
)

export type Practice = PracticeView

export function usePractices(year: number | null, regionId: string | null) {
  return usePagedGet<Practice>('practices', '/best-practices', { year, regionId, limit: 20 })
}
export const getCompendiumStatus = (year: number, signal?: AbortSignal) =>
  api<CompendiumStatus>(`/best-practices/compendium/${year}/status`, { signal })
export function useCompendium(year: number) {
  return useLoaded(['practices', 'compendium', year], (signal) => getCompendiumStatus(year, signal))
}
export const requestCompendium = (year: number) =>
  api<{ jobId: string }>('/best-practices/compendium', { method: 'POST', body: { year } })
export const compendiumPdfUrl = (year: number, lng: string) => `${API}/best-practices/compendium/${year}.pdf?lng=${lng}`

type NewPractice = {
  councilId: string
  year: number
  title: { kk?: string; ru?: string }
  summary: { kk?: string; ru?: string }
}
export const proposePractice = (body: NewPractice) => api<Practice>('/best-practices', { method: 'POST', body })
export function addPracticeImage(id: string, file: File) {
  const form = new FormData()
  form.append('file', file)
  return api<Practice>(`/best-practices/${encodeURIComponent(id)}/images`, { method: 'POST', form })
}
export const moderatePractice = (id: string, body: { status: 'approved' | 'rejected'; reason?: string }) =>
  api<Practice>(`/best-practices/${encodeURIComponent(id)}`, { method: 'PATCH', body })
/** Proposals awaiting review (moderators), or one council's (its members). */
export function useProposals(enabled: boolean, councilId?: string) {
  return usePagedGet<Practice>('practices', enabled ? '/best-practices' : null, {
    status: 'proposed',
    councilId,
    limit: 20,
  })
}
