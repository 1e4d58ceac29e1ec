import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query'
import type { ApiError } from '../lib/api.js'
import type { Page } from '../lib/types.js'
import { asApiError } from './query-client.js'

/** What a cursor-paged list offers a page (and the shared "more" button). */
export interface Paged<T> {
  items: T[]
  loading: boolean
  error: ApiError | null
  hasMore: boolean
  more(): void
  reload(): void
}

/**
 * A `{ items, nextCursor }` list on `useInfiniteQuery`: each page is cached under `key`, "more"
 * fetches the next cursor, a mutation that invalidates the key refreshes every loaded page.
 */
export function usePagedQuery<T>(
  key: QueryKey,
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  enabled = true,
): Paged<T> {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  })
  return {
    items: q.data?.pages.flatMap((p) => p.items) ?? [],
    loading: enabled && (q.isPending || q.isFetchingNextPage || (q.isFetching && !q.data)),
    error: asApiError(q.error),
    hasMore: q.hasNextPage,
    more: () => void q.fetchNextPage(),
    reload: () => void q.refetch(),
  }
}
