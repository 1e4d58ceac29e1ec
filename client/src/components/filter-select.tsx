import type { QueryParams } from '../lib/query-params.js'

interface FilterSelectProps {
  id: string
  label: string
  /** The address parameter this select sets (`?<name>=`). */
  name: string
  qp: QueryParams
  /** Shown for the empty value ("all …"); without it the select always holds a value. */
  all?: string
  fallback?: string
  options: readonly (readonly [value: string, label: string])[]
}

/** A labelled list filter whose value lives in the address, like the list's other filters. */
export function FilterSelect({ id, label, name, qp, all, fallback = '', options }: FilterSelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={qp.get(name) || fallback} onChange={(e) => qp.set(name, e.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  )
}
