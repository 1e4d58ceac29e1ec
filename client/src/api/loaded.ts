/**
 * A query as the pages that came before the data layer read it: `{ data, error, loading, reload,
 * setData }`, on TanStack Query. `reload` invalidates the domain's keys (`scope`): a write on one
 * object changes the lists that show it too.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { request, type ApiError, type Query } from '../lib/api.js'
import type { Page } from '../lib/types.js'
import { usePagedQuery, type Paged } from './paged.js'
import { asApiError } from './query-client.js'

export interface Loaded<T> {
  data: T | undefined
  error: ApiError | null
  loading: boolean
  reload(): void
  setData(v: T): void
}

export function useLoaded<T>(
  key: readonly unknown[],
  fetch: (signal: AbortSignal) => Promise<T>,
  enabled = true,
  scope: readonly unknown[] = key.slice(0, 1),
): Loaded<T> {
  const qc = useQueryClient()
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => fetch(signal), enabled })
  return {
    data: q.data,
    error: asApiError(q.error),
    loading: enabled && q.isPending,
    reload: () => void qc.invalidateQueries({ queryKey: scope }),
    setData: (v) => qc.setQueryData(key, v),
  }
}

/**
 * A `{ items, nextCursor }` list at `path` (null: not fetched) as a cached infinite query, for the
 * domains whose calls are written in their own api file rather than the endpoint table.
 */
export function usePagedGet<T>(scope: string, path: string | null, query: Query): Paged<T> {
  return usePagedQuery<T>(
    [scope, 'paged', path, query],
    (cursor, signal) => request<Page<T>>(path ?? '', { query: { ...query, ...(cursor ? { cursor } : {}) }, signal }),
    path !== null,
  )
}
