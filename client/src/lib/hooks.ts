import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from './api.js'
import type { Lang } from './types.js'

export function useLang(): Lang {
  const { i18n } = useTranslation()
  return (i18n.resolvedLanguage ?? i18n.language) === 'ru' ? 'ru' : 'kk'
}

export interface Loaded<T> {
  data: T | undefined
  error: ApiError | null
  loading: boolean
  reload(): void
  setData(v: T): void
}

/**
 * Runs `load` when `deps` change (aborting the previous run) and keeps its result, error and
 * loading state. The current language is part of the deps: API responses are localized.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const lng = useLang()
  const [data, setData] = useState<T>()
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    const ctl = new AbortController()
    setLoading(true)
    setError(null)
    loadRef.current(ctl.signal).then(
      (v) => {
        if (ctl.signal.aborted) return
        setData(v)
        setLoading(false)
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return
        setError(
          err instanceof ApiError
            ? err
            : new ApiError(0, { type: 'about:blank', title: '', detail: String(err), status: 0, code: 'network' }),
        )
        setLoading(false)
      },
    )
    return () => ctl.abort()
  }, [...deps, lng, tick])
  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { data, error, loading, reload, setData }
}

/** Sets the document title (`page · portal`) so screen-reader users hear where they landed. */
export function useTitle(title: string | undefined): void {
  const { t } = useTranslation()
  useEffect(() => {
    document.title = title ? `${title} · ${t('common:appName')}` : t('common:appName')
  }, [title, t])
}
