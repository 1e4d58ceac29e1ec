import type { Page } from '../../shared/schemas/common.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from './http.js'

type Filter = Record<string, unknown>
type Sort = Record<string, 1 | -1>

export interface KeysetPageOptions<D, T> {
  /** The list's own conditions; the cursor's are added with `$and`. */
  filter: Filter
  /** A date field: pages run on (field, _id), both newest first, or both oldest first with `order: 'asc'`. */
  field: string
  order?: 'desc' | 'asc'
  /** The opaque `?cursor=` (base64url of `[ISO date, id]`), as the client sent it. */
  cursor: string | undefined
  /** Already bounded by the query schema (`ListQuery`: 1..100). */
  limit: number
  /** Runs the query with the filter, sort and limit given (`Model.find(f, fields).sort(s).limit(n).lean()`). */
  find: (filter: Filter, sort: Sort, limit: number) => Promise<D[]>
  /** A stored document → the response item. */
  map: (doc: D) => T
}

/**
 * One keyset page in the API's `{ items, nextCursor }` shape. Reads one row more than the page to
 * know whether another page exists; ties on `field` neither repeat nor skip (the `_id` breaks them).
 * A cursor that does not decode to `[date, id]` is a 400 `validation.failed` on `query.cursor`.
 */
export async function keysetPage<D extends { _id: unknown }, T>(o: KeysetPageOptions<D, T>): Promise<Page<T>> {
  const dir = o.order === 'asc' ? 1 : -1
  const filter: Filter = { ...o.filter }
  const after = decodeCursor(o.cursor)
  if (after) {
    const [at, id] = after
    const when = typeof at === 'string' || typeof at === 'number' ? new Date(at) : new Date(NaN)
    if (after.length !== 2 || typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id) || Number.isNaN(when.getTime()))
      throw invalidCursor()
    const existing = Array.isArray(filter.$and) ? (filter.$and as Filter[]) : []
    filter.$and = [...existing, { $or: afterKey(o.field, when, id, dir === 1 ? '$gt' : '$lt') }]
  }
  const docs = await o.find(filter, { [o.field]: dir, _id: dir }, o.limit + 1)
  const page = docs.slice(0, o.limit)
  const last = page.at(-1) as (D & Record<string, unknown>) | undefined
  const lastValue = last?.[o.field]
  const more = docs.length > o.limit && last && lastValue != null
  return {
    items: page.map(o.map),
    nextCursor: more ? encodeCursor([new Date(lastValue as Date).toISOString(), String(last._id)]) : null,
  }
}
