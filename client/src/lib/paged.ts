import { useCallback, useEffect, useRef, useState } from 'react'
import { api, ApiError, type Query } from './api.js'
import { useLang } from './hooks.js'
import type { Page } from './types.js'

export interface Paged<T> {
  items: T[]
  loading: boolean
  error: ApiError | null
  hasMore: boolean
  more(): void
  reload(): void
}

/** A cursor-paged list (`{ items, nextCursor }`) restarted whenever the path or query changes. */
export function usePaged<T>(path: string | null, query: Query = {}): Paged<T> {
  const lng = useLang()
  const key = path ? `${path}?${JSON.stringify(query)}&${lng}` : ''
  const [items, setItems] = useState<T[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(Boolean(path))
  const [error, setError] = useState<ApiError | null>(null)
  const [tick, setTick] = useState(0)
  const ctl = useRef<AbortController | null>(null)
  const queryRef = useRef(query)
  queryRef.current = query

  const fetchPage = useCallback(
    async (from: string | null, replace: boolean) => {
      if (!path) return
      ctl.current?.abort()
      const c = new AbortController()
      ctl.current = c
      setLoading(true)
      setError(null)
      try {
        const page = await api<Page<T>>(path, { query: { ...queryRef.current, cursor: from }, signal: c.signal })
        if (c.signal.aborted) return
        setItems((prev) => (replace ? page.items : [...prev, ...page.items]))
        setCursor(page.nextCursor)
      } catch (err) {
        if (c.signal.aborted) return
        setError(err instanceof ApiError ? err : null)
      } finally {
        if (!c.signal.aborted) setLoading(false)
      }
    },
    [path],
  )

  useEffect(() => {
    setItems([])
    setCursor(null)
    void fetchPage(null, true)
    return () => ctl.current?.abort()
  }, [key, tick, fetchPage])

  return {
    items,
    loading,
    error,
    hasMore: Boolean(cursor),
    more: () => void fetchPage(cursor, false),
    reload: () => setTick((n) => n + 1),
  }
}
