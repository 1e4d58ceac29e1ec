import { useState, type FormEvent } from 'react'
import { useSearchParams } from 'react-router-dom'

export interface QueryParams {
  get(key: string): string
  /** Sets one filter in the address (empty clears it), replacing the history entry. */
  set(key: string, value: string): void
}

/** List filters kept in the address, so a filtered list can be bookmarked, shared and reloaded. */
export function useQueryParams(): QueryParams {
  const [params, setParams] = useSearchParams()
  return {
    get: (key) => params.get(key) ?? '',
    set(key, value) {
      const next = new URLSearchParams(params)
      if (value) next.set(key, value)
      else next.delete(key)
      setParams(next, { replace: true })
    },
  }
}

/** A search box whose text goes into `?q=` only when submitted (no request per keystroke). */
export function useSearchBox(qp: QueryParams): { text: string; setText(v: string): void; submit(e: FormEvent): void } {
  const [text, setText] = useState(qp.get('q'))
  return {
    text,
    setText,
    submit(e) {
      e.preventDefault()
      qp.set('q', text.trim())
    },
  }
}
