import { useCallback, useRef, useState } from 'react'
import { ApiError } from './api.js'

export interface Submit {
  busy: boolean
  error: ApiError | null
  fields: Record<string, string>
  run<T>(fn: () => Promise<T>): Promise<T | undefined>
  clear(): void
}

/**
 * One submission at a time: while one is in flight `busy` is true (submit buttons are disabled with
 * it) and a second `run` (a double click, Enter pressed twice, before the button re-renders) does
 * nothing and resolves to undefined. A problem+json answer is split into the alert (title/detail) and the
 * per-field messages, and focus moves to the first invalid field so keyboard users land on it.
 */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [fields, setFields] = useState<Record<string, string>>({})
  const inFlight = useRef(false)
  const run = useCallback(async <T>(fn: () => Promise<T>) => {
    if (inFlight.current) return undefined
    inFlight.current = true
    setBusy(true)
    setError(null)
    setFields({})
    try {
      return await fn()
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      setError(err)
      setFields(err.fieldErrors())
      requestAnimationFrame(() => {
        const first = document.querySelector<HTMLElement>('[aria-invalid="true"]')
        first?.focus()
      })
      return undefined
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }, [])
  const clear = useCallback(() => {
    setError(null)
    setFields({})
  }, [])
  return { busy, error, fields, run, clear }
}
