// mingo wrappers: filtering, sorting (MongoDB's cross-type order), projection and update application.
// mingo mutates the objects it is handed, so update inputs are deep-copied first.
import { updateOne as mingoUpdateOne } from 'mingo'
import { Query } from './mingo-ctx.js'
import { applyOps } from './update/apply.js'
import { BSON, clone, compareValues, deepEqual, getPath, isPlainObject, type Doc } from './bson-utils.js'
import type { Collator } from './collation.js'
import { fastFilter, type Matcher } from './fast-filter.js'
import { MongoError, fromMingo } from './errors.js'

export function compileFilter(filter: unknown, collation?: unknown): Matcher {
  if (filter !== undefined && filter !== null && !isPlainObject(filter))
    throw new MongoError(14, "BSON field 'filter' is the wrong type, expected an object")
  // A collation changes only how strings compare: without string operands the fast path still applies.
  if (!collation || !hasString(filter)) {
    const fast = fastFilter((filter ?? {}) as Doc)
    if (fast) return fast
  }
  try {
    const q = new Query((filter ?? {}) as Doc, collation ? { collation: collation as never } : {})
    // mingo compiles lazily on some paths; probe once so bad operators fail before any write happens.
    q.test({})
    return q
  } catch (e) {
    throw fromMingo(e, 'query')
  }
}

function hasString(v: unknown): boolean {
  if (typeof v === 'string') return true
  if (Array.isArray(v)) return v.some(hasString)
  if (!isPlainObject(v)) return false
  for (const k in v) if (hasString(v[k])) return true
  return false
}

export function matches(q: Matcher, doc: Doc): boolean {
  try {
    return q.test(doc)
  } catch (e) {
    throw fromMingo(e, 'query')
  }
}

function sortValue(doc: Doc, path: string, dir: number, coll?: Collator): unknown {
  const v = getPath(doc, path)
  if (!Array.isArray(v)) return v === undefined ? null : v
  if (v.length === 0) return undefined
  // Arrays sort by their smallest element ascending, largest descending (MongoDB rule).
  return v.reduce((m, x) => (compareValues(x, m, coll) * dir < 0 ? x : m))
}

/**
 * Documents in `sort` order (stable). Each document's sort values are read once; with `limit`, only the
 * first `limit` are kept in order as the others stream past (fewer comparisons: under a collation each
 * one is an ICU comparison).
 */
export function sortDocs(docs: Doc[], sort: Doc | undefined, coll?: Collator, limit?: number): Doc[] {
  if (!sort || !isPlainObject(sort)) return docs
  const keys = Object.entries(sort).map(([k, d]) => {
    if (isPlainObject(d)) throw new MongoError(2, `$meta sort by '${k}' is not supported by the embedded engine`)
    const n = Number(d)
    if (n !== 1 && n !== -1) throw new MongoError(15974, `Illegal key in $sort specification: ${k}: ${String(d)}`)
    return [k, n] as const
  })
  if (!keys.length) return docs
  const rows = docs.map((doc) => ({ doc, vals: keys.map(([k, dir]) => sortValue(doc, k, dir, coll)) }))
  const cmp = (a: (typeof rows)[number], b: (typeof rows)[number]): number => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.vals[i], b.vals[i], coll)
      if (c) return c * keys[i][1]
    }
    return 0
  }
  if (limit && limit > 0 && limit * 4 < rows.length) {
    const top: typeof rows = []
    for (const r of rows) {
      if (top.length === limit && cmp(r, top[limit - 1]) >= 0) continue
      let lo = 0,
        hi = top.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cmp(r, top[mid]) < 0) hi = mid
        else lo = mid + 1
      }
      top.splice(lo, 0, r)
      if (top.length > limit) top.pop()
    }
    return top.map((r) => r.doc)
  }
  return rows.sort(cmp).map((r) => r.doc)
}

export { project } from './projection.js'

const UPDATE_OPS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$currentDate',
  '$setOnInsert',
])

export type UpdateSpec = Doc | Doc[]

/** Classify and validate an update: 'ops' (operators), 'replace' (replacement doc) or 'pipeline'. */
export function updateKind(u: unknown): 'ops' | 'replace' | 'pipeline' {
  if (Array.isArray(u)) return 'pipeline'
  if (!isPlainObject(u)) throw new MongoError(14, 'Update argument must be either an object or an array')
  const keys = Object.keys(u)
  if (keys.length && keys[0].startsWith('$')) {
    for (const k of keys) {
      if (!UPDATE_OPS.has(k))
        throw new MongoError(
          9,
          `Unknown modifier: ${k}. Expected a valid update modifier or pipeline-style update specified as an array`,
        )
      if (!isPlainObject(u[k]))
        throw new MongoError(
          9,
          `Modifiers operate on fields but we found type ${typeof u[k]} instead. For example: {$mod: {<field>: ...}} not {${k}: ${String(u[k])}}`,
        )
    }
    return 'ops'
  }
  for (const k of keys)
    if (k.startsWith('$'))
      throw new MongoError(
        52,
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      )
  return 'replace'
}

function idOf(doc: Doc): unknown {
  return doc._id
}

function withIdFirst(doc: Doc, id: unknown): Doc {
  const out: Doc = { _id: id }
  for (const k of Object.keys(doc)) if (k !== '_id') out[k] = doc[k]
  return out
}

/**
 * Apply an update to a stored document, returning the new document (a fresh object) or the same reference
 * when nothing changed. `insert` enables $setOnInsert (upserts).
 */
export function applyUpdate(
  old: Doc,
  u: UpdateSpec,
  opts: { arrayFilters?: Doc[]; insert?: boolean; vars?: Doc; query?: Doc } = {},
): Doc {
  const kind = updateKind(u)
  let next: Doc
  if (kind === 'replace') {
    const r = u as Doc
    if ('_id' in r && !deepEqual(r._id, old._id) && old._id !== undefined) throw immutable()
    next = withIdFirst(clone(r), old._id !== undefined ? old._id : r._id)
    if (next._id === undefined) delete next._id
  } else if (kind === 'pipeline') {
    const arr = [clone(old)]
    try {
      mingoUpdateOne(arr, {}, u as never, { cloneMode: 'deep', let: opts.vars })
    } catch (e) {
      throw fromMingo(e, 'pipeline')
    }
    next = arr[0]
    // A pipeline that drops _id (e.g. $replaceRoot) keeps the original one, as mongod does.
    if (next._id === undefined && old._id !== undefined) next = withIdFirst(next, old._id)
    if (old._id !== undefined && !deepEqual(next._id, old._id)) throw immutable()
  } else {
    next = applyOps(old, u as Doc, { query: opts.query, arrayFilters: opts.arrayFilters, insert: opts.insert })
    if (old._id !== undefined && !deepEqual(next._id, old._id)) throw immutable()
  }
  checkStorable(next, true)
  return deepEqual(next, old) ? old : next
}

const MAX_BSON = 16 * 1024 * 1024

function immutable(): MongoError {
  return new MongoError(66, "Performing an update on the path '_id' would modify the immutable field '_id'")
}

/** Field-name rules mongod enforces on stored documents. */
export function checkStorable(doc: Doc, updated = false): void {
  const size = BSON.calculateObjectSize(doc)
  if (size > MAX_BSON)
    throw updated
      ? new MongoError(17419, `Resulting document after update is larger than ${MAX_BSON}`)
      : new MongoError(10334, `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON}`)
  if (Array.isArray(doc._id)) throw new MongoError(2, "can't use an array for _id")
  if (doc._id instanceof RegExp) throw new MongoError(2, "can't use a regex for _id")
}

/** Seed document for an upsert: equality fields of the filter (MongoDB's "query doc" rule). */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {}
  const addEq = (f: Doc): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        v.forEach((x) => isPlainObject(x) && addEq(x))
        continue
      }
      if (k.startsWith('$')) continue
      let val: unknown
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if (!('$eq' in v)) continue
        val = v.$eq
      } else val = v
      setPath(seed, k, clone(val))
    }
  }
  addEq(filter)
  return seed
}

function setPath(doc: Doc, path: string, v: unknown): void {
  const parts = path.split('.')
  let cur = doc
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isPlainObject(cur[parts[i]])) cur[parts[i]] = {}
    cur = cur[parts[i]] as Doc
  }
  cur[parts[parts.length - 1]] = v
}

/** Build the document an upsert inserts. */
export function buildUpsert(filter: Doc, u: UpdateSpec, arrayFilters?: Doc[], vars?: Doc): Doc {
  const kind = updateKind(u)
  const seed = upsertSeed(filter)
  let doc: Doc
  if (kind === 'replace') {
    doc = clone(u as Doc)
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id
  } else {
    doc = applyUpdate(seed, u, { arrayFilters, insert: true, vars, query: filter })
    if (doc === seed) doc = clone(seed)
  }
  const id = idOf(doc) === undefined ? new BSON.ObjectId() : doc._id
  return withIdFirst(doc, id)
}
