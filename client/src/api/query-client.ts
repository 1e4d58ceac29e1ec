import { hydrate, QueryClient, type DehydratedState } from '@tanstack/react-query'
import { ApiError } from '../lib/api.js'

/**
 * The one factory of the query cache. No module holds data: the browser makes one client in
 * main.tsx; server-side rendering makes one per request, prefetches with the same hooks' keys and
 * endpoint table, puts `dehydrate(client)` into the page (`window.__KENES_QUERY_STATE__`), and
 * the browser's client starts from that state (`initial`) before the first render.
 */
export function createQueryClient(initial?: DehydratedState): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        // A page shows the last answer at once and refreshes it when it is mounted again.
        staleTime: 10_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: false,
        // 4xx answers are final (404, 403): show them now; a network hiccup or a 5xx gets one retry.
        retry: (count, err) => count < 1 && (!(err instanceof ApiError) || err.status === 0 || err.status >= 500),
      },
      mutations: { retry: false },
    },
  })
  if (initial) {
    hydrate(client, initial)
    // The server's answers count as fetched now (its clock may differ, and a cached page is as fresh
    // as the server's cache, which writes invalidate): hydration does not refetch them. An error the
    // server rendered (a 404 page) comes back as the ApiError the page expects.
    const now = Date.now()
    for (const { queryHash } of initial.queries) {
      const q = client.getQueryCache().get(queryHash)
      if (!q) continue
      const e = q.state.error as (Partial<ApiError> & { problem?: ApiError['problem'] }) | null
      // Rendered as the error it is (as on the server), not as "loading" and a refetch on mount.
      if (e) client.setQueryDefaults(q.queryKey, { retryOnMount: false })
      q.setState({
        ...q.state,
        dataUpdatedAt: q.state.data === undefined ? q.state.dataUpdatedAt : now,
        errorUpdatedAt: e ? now : q.state.errorUpdatedAt,
        error: e && !(e instanceof ApiError) && e.problem ? new ApiError(e.status ?? 0, e.problem) : q.state.error,
      })
    }
  }
  return client
}

/** Any error the hooks surface is an ApiError (a thrown non-API error becomes a `network` one). */
export function asApiError(err: unknown): ApiError | null {
  if (!err) return null
  if (err instanceof ApiError) return err
  return new ApiError(0, { type: 'about:blank', title: '', detail: String(err), status: 0, code: 'network' })
}

declare module '@tanstack/react-query' {
  // Every request goes through lib/api.ts, which throws ApiError (network failures included).
  interface Register {
    defaultError: ApiError
  }
}
