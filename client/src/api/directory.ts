import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo } from 'react'
import type { CouncilProfile, CouncilSummary, Region } from '../lib/types.js'
import { endpoints, type BodyOf, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

/**
 * Regions and councils: the directory every page names things from. Regions and the full
 * council list change rarely, so they stay fresh for minutes and are shared by every component
 * through the query cache (no module-level promise caches).
 */
export const regionKeys = { all: ['regions'] as const }
export const councilKeys = {
  all: ['councils'] as const,
  everything: ['councils', 'all'] as const,
  list: (q: QueryOf<'listCouncils'>) => ['councils', 'list', q] as const,
  one: (idOrSlug: string) => ['councils', 'one', idOrSlug] as const,
}

const NO_REGIONS: Region[] = []
const NO_COUNCILS: CouncilSummary[] = []

export function useRegionsQuery() {
  return useQuery({
    queryKey: regionKeys.all,
    queryFn: ({ signal }) => endpoints.listRegions({ signal }),
    staleTime: 60 * 60_000,
  })
}
export function useRegions(): Region[] {
  return useRegionsQuery().data ?? NO_REGIONS
}

/** Every council (264 nationally: a few pages of 100). */
export function useAllCouncilsQuery() {
  return useQuery({
    queryKey: councilKeys.everything,
    queryFn: async ({ signal }) => {
      const all: CouncilSummary[] = []
      let cursor: string | undefined
      for (let i = 0; i < 20; i++) {
        const page = await endpoints.listCouncils({ query: { limit: 100, cursor }, signal })
        all.push(...page.items)
        cursor = page.nextCursor ?? undefined
        if (!cursor) break
      }
      return all
    },
    staleTime: 5 * 60_000,
  })
}
export function useCouncils(): CouncilSummary[] {
  return useAllCouncilsQuery().data ?? NO_COUNCILS
}
export function useCouncilMap(): Map<string, CouncilSummary> {
  const list = useCouncils()
  return useMemo(() => new Map(list.map((c) => [c.id, c])), [list])
}

export function useCouncilsPaged(query: QueryOf<'listCouncils'>) {
  return usePagedQuery(councilKeys.list(query), (cursor, signal) =>
    endpoints.listCouncils({ query: { ...query, cursor }, signal }),
  )
}

export function useCouncilQuery(idOrSlug: string | undefined) {
  return useQuery({
    queryKey: councilKeys.one(idOrSlug ?? ''),
    queryFn: ({ signal }) => endpoints.getCouncil({ params: { id: idOrSlug! }, signal }),
    enabled: Boolean(idOrSlug),
  })
}

/** A changed profile: cache the answer under its id and slug; names in lists may have changed. */
function useProfileSaved() {
  const qc = useQueryClient()
  return (p: CouncilProfile) => {
    qc.setQueryData(councilKeys.one(p.id), p)
    qc.setQueryData(councilKeys.one(p.slug), p)
    void qc.invalidateQueries({ queryKey: councilKeys.all, predicate: (q) => q.queryKey[1] !== 'one' })
  }
}

export function useCreateCouncilMutation() {
  const saved = useProfileSaved()
  return useMutation({
    mutationFn: (body: BodyOf<'createCouncil'>) => endpoints.createCouncil({ body }),
    onSuccess: saved,
  })
}

/** The profile's fields, then (if chosen) the new logo. */
export function useUpdateCouncilMutation(id: string) {
  const saved = useProfileSaved()
  return useMutation({
    mutationFn: async ({ body, logo }: { body: BodyOf<'updateCouncil'>; logo?: File | null }) => {
      let p = await endpoints.updateCouncil({ params: { id }, body })
      if (logo) {
        const form = new FormData()
        form.set('file', logo)
        p = await endpoints.uploadCouncilLogo({ params: { id }, form })
      }
      return p
    },
    onSuccess: saved,
  })
}

export function useDeleteCouncilMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => endpoints.deleteCouncil({ params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: councilKeys.all }),
  })
}
