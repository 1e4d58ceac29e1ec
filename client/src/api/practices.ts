import type { CompendiumStatus, PracticeView } from '../../../shared/schemas/practices.js'
import { api, API } from '../lib/api.js'
import { useLoad } from '../lib/hooks.js'
import { addModuleTexts } from '../lib/module-texts.js'
import { usePaged } from '../lib/paged.js'

/** Best practices and the compendium: every path of that API is written here, never in a page. */
addModuleTexts(
  'practices',
  import.meta.glob('../../../shared/locales/*/practices.json', { eager: true, import: 'default' }),
)

export type Practice = PracticeView

export function usePractices(year: number | null, regionId: string | null) {
  return usePaged<Practice>('/best-practices', { year, regionId, limit: 20 })
}
export const getCompendiumStatus = (year: number, signal?: AbortSignal) =>
  api<CompendiumStatus>(`/best-practices/compendium/${year}/status`, { signal })
export function useCompendium(year: number) {
  return useLoad((signal) => getCompendiumStatus(year, signal), [year])
}
export const requestCompendium = (year: number) =>
  api<{ jobId: string }>('/best-practices/compendium', { method: 'POST', body: { year } })
export const compendiumPdfUrl = (year: number, lng: string) => `${API}/best-practices/compendium/${year}.pdf?lng=${lng}`
