import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Appeal } from '../lib/types.js'
import { councilKeys } from './directory.js'
import { endpoints, type BodyOf, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

/**
 * Appeals. A guest acts on their own appeal with its access `code` (sent with every request);
 * the cache keeps one entry per appeal and code, and every change refreshes all of them.
 */
export const appealKeys = {
  all: ['appeals'] as const,
  mine: ['appeals', 'mine'] as const,
  public: (q: QueryOf<'listPublicAppeals'>) => ['appeals', 'public', q] as const,
  council: (councilId: string, q: QueryOf<'listCouncilAppeals'>) => ['appeals', 'council', councilId, q] as const,
  detail: (id: string) => ['appeals', 'one', id] as const,
  one: (id: string, code?: string) => ['appeals', 'one', id, code ?? null] as const,
}

export function useAppealQuery(id: string | undefined, code?: string) {
  return useQuery({
    queryKey: appealKeys.one(id ?? '', code),
    queryFn: ({ signal }) => endpoints.getAppeal({ params: { id: id! }, query: code ? { code } : {}, signal }),
    enabled: Boolean(id),
  })
}
export function useMyAppealsPaged(enabled: boolean) {
  return usePagedQuery(
    appealKeys.mine,
    (cursor, signal) => endpoints.listMyAppeals({ query: { cursor }, signal }),
    enabled,
  )
}
export function usePublicAppealsPaged(query: QueryOf<'listPublicAppeals'>) {
  return usePagedQuery(appealKeys.public(query), (cursor, signal) =>
    endpoints.listPublicAppeals({ query: { ...query, cursor }, signal }),
  )
}
export function useCouncilAppealsPaged(councilId: string, query: QueryOf<'listCouncilAppeals'>) {
  return usePagedQuery(appealKeys.council(councilId, query), (cursor, signal) =>
    endpoints.listCouncilAppeals({ params: { councilId }, query: { ...query, cursor }, signal }),
  )
}

/** Track by number and code: the answer goes into the cache under its id and code. */
export function useTrackAppealMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (query: { number: string; code: string }) => endpoints.trackAppeal({ query }),
    onSuccess: (a, v) => qc.setQueryData(appealKeys.one(a.id, v.code), a),
  })
}

export type NewAppeal = { body: BodyOf<'createAppeal'>; files: File[] }
export function useCreateAppealMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ body, files }: NewAppeal) => {
      if (!files.length) return endpoints.createAppeal({ body })
      // multipart: the same fields, dotted for the nested contact (the server folds them back)
      const form = new FormData()
      for (const [k, v] of Object.entries(body)) {
        if (v === undefined) continue
        if (k === 'contact' && v && typeof v === 'object')
          for (const [ck, cv] of Object.entries(v)) form.set(`contact.${ck}`, String(cv))
        else form.set(k, String(v))
      }
      for (const f of files) form.append('files', f)
      return endpoints.createAppealWithFiles({ form })
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: appealKeys.mine }),
  })
}

export function useConfirmAppealMutation() {
  return useMutation({ mutationFn: (token: string) => endpoints.confirmAppeal({ body: { token } }) })
}

/** Any change to one appeal: its views, the lists it is in and its council's counts refresh. */
function useAppealChanged() {
  const qc = useQueryClient()
  return (id: string, a?: Appeal) => {
    if (a) qc.setQueriesData<Appeal>({ queryKey: appealKeys.detail(id) }, (old) => (old ? { ...old, ...a } : old))
    void qc.invalidateQueries({ queryKey: appealKeys.all })
    void qc.invalidateQueries({ queryKey: councilKeys.all, predicate: (q) => q.queryKey[1] === 'one' })
  }
}

export function useReplyMutation(id: string, code?: string) {
  const changed = useAppealChanged()
  return useMutation({
    mutationFn: (text: string) =>
      endpoints.replyToAppeal({ params: { id }, query: code ? { code } : {}, body: { text } }),
    onSuccess: () => changed(id),
  })
}
export function useRateMutation(id: string, code?: string) {
  const changed = useAppealChanged()
  return useMutation({
    mutationFn: (body: BodyOf<'rateAppeal'>) =>
      endpoints.rateAppeal({ params: { id }, query: code ? { code } : {}, body }),
    onSuccess: () => changed(id),
  })
}
export function useAppealStatusMutation(id: string) {
  const changed = useAppealChanged()
  return useMutation({
    mutationFn: (body: BodyOf<'setAppealStatus'>) => endpoints.setAppealStatus({ params: { id }, body }),
    onSuccess: (a) => changed(id, a),
  })
}
export function useExtendAppealMutation(id: string) {
  const changed = useAppealChanged()
  return useMutation({
    mutationFn: (body: BodyOf<'extendAppeal'>) => endpoints.extendAppeal({ params: { id }, body }),
    onSuccess: (a) => changed(id, a),
  })
}
