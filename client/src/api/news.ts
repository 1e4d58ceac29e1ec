import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { NewsArticle } from '../lib/types.js'
import { councilKeys } from './directory.js'
import { endpoints, type BodyOf, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

export const newsKeys = {
  all: ['news'] as const,
  list: (q: QueryOf<'listNews'>) => ['news', 'list', q] as const,
  council: (councilId: string, q: QueryOf<'listCouncilNews'>) => ['news', 'council', councilId, q] as const,
  one: (idOrSlug: string) => ['news', 'one', idOrSlug] as const,
}

/** One page of published news (the home page's and a council page's latest). */
export function useNewsQuery(query: QueryOf<'listNews'>, enabled = true) {
  return useQuery({
    queryKey: newsKeys.list(query),
    queryFn: ({ signal }) => endpoints.listNews({ query, signal }),
    enabled,
  })
}
export function useNewsPaged(query: QueryOf<'listNews'>) {
  return usePagedQuery([...newsKeys.list(query), 'paged'], (cursor, signal) =>
    endpoints.listNews({ query: { ...query, cursor }, signal }),
  )
}
export function useCouncilNewsPaged(councilId: string, query: QueryOf<'listCouncilNews'>) {
  return usePagedQuery(newsKeys.council(councilId, query), (cursor, signal) =>
    endpoints.listCouncilNews({ params: { councilId }, query: { ...query, cursor }, signal }),
  )
}
export function useArticleQuery(idOrSlug: string | undefined) {
  return useQuery({
    queryKey: newsKeys.one(idOrSlug ?? ''),
    queryFn: ({ signal }) => endpoints.getNews({ params: { id: idOrSlug! }, signal }),
    enabled: Boolean(idOrSlug),
  })
}

export type SaveNews =
  | { id: string; body: BodyOf<'updateNews'>; cover?: File | null }
  | { councilId: string; body: BodyOf<'createNews'>; cover?: File | null }

/** Create or update an article, then (if chosen) its cover; lists and the council's counts refresh. */
export function useSaveNewsMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (v: SaveNews): Promise<NewsArticle> => {
      let n =
        'id' in v
          ? await endpoints.updateNews({ params: { id: v.id }, body: v.body })
          : await endpoints.createNews({ params: { councilId: v.councilId }, body: v.body })
      if (v.cover) {
        const form = new FormData()
        form.set('file', v.cover)
        n = await endpoints.uploadNewsCover({ params: { id: n.id }, form })
      }
      return n
    },
    onSuccess: (n) => {
      void qc.invalidateQueries({ queryKey: newsKeys.all })
      qc.setQueryData(newsKeys.one(n.id), n)
      void qc.invalidateQueries({ queryKey: councilKeys.one(n.councilId) })
    },
  })
}

export function useDeleteNewsMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => endpoints.deleteNews({ params: { id } }),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: newsKeys.one(id) })
      void qc.invalidateQueries({ queryKey: newsKeys.all })
    },
  })
}
