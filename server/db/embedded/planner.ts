// Query planner: picks an index from the filter (equality prefixes, $in, ranges) and the sort, returning a SUPERSET of candidate ids; the full filter is always re-applied by mingo, so the
// planner only decides how much is examined, never what matches.
import { isPlainObject, isSimpleScalar, type Doc } from './bson-utils.js'
import type { Collection } from './collection.js'
import type { Bound, Index } from './indexes.js'

export interface Plan {
  /** Candidate ids; null means a collection scan. */
  ids: Iterable<string> | null
  index?: string
  /** True when `ids` already come in the requested sort order. */
  sorted: boolean
  stage: 'IXSCAN' | 'COLLSCAN' | 'IDHACK' | 'DISTINCT_SCAN'
}

interface FieldCond {
  eq?: unknown[]
  lo?: Bound
  hi?: Bound
  /** nothing but these bounds constrains the field */ exact: boolean
}

const BOUND_OPS = new Set(['$eq', '$in', '$gt', '$gte', '$lt', '$lte'])

function indexable(v: unknown): boolean {
  return !(
    Array.isArray(v) ||
    v instanceof RegExp ||
    (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$')))
  )
}

/** Bounds per field from the filter's top level (and nested $and); `rest.any` notes conditions left to mingo. */
function collect(filter: Doc, out: Map<string, FieldCond>, rest: { any: boolean }): void {
  for (const [f, c] of Object.entries(filter)) {
    if (f === '$and' && Array.isArray(c)) {
      for (const sub of c)
        if (isPlainObject(sub)) collect(sub, out, rest)
        else rest.any = true
      continue
    }
    if (f.startsWith('$')) {
      rest.any = true
      continue
    }
    const prev = out.get(f)
    const fc: FieldCond = prev ?? { exact: true }
    if (prev) fc.exact = false // the same field twice: keep one set of bounds, let mingo intersect
    if (isPlainObject(c) && Object.keys(c).some((k) => k.startsWith('$'))) {
      if ('$eq' in c && indexable(c.$eq)) fc.eq = [c.$eq]
      if (Array.isArray(c.$in) && c.$in.every(indexable)) fc.eq = c.$in
      if ('$gt' in c) fc.lo = { value: c.$gt, inclusive: false }
      if ('$gte' in c) fc.lo = { value: c.$gte, inclusive: true }
      if ('$lt' in c) fc.hi = { value: c.$lt, inclusive: false }
      if ('$lte' in c) fc.hi = { value: c.$lte, inclusive: true }
      // Ranges match by type bracket in MongoDB; index bounds here are only a superset.
      if (Object.keys(c).some((k) => !BOUND_OPS.has(k)) || fc.lo || fc.hi) fc.exact = false
    } else if (indexable(c)) {
      fc.eq = [c]
    } else fc.exact = false
    if (fc.eq || fc.lo || fc.hi) out.set(f, fc)
    else rest.any = true
  }
}

interface Candidate {
  cost: number
  prefix: number
  make: () => Plan
}

/** Sorting in memory means examining every candidate first. */
const SORT_PENALTY = 1.5
/** Guess at how many candidates a residual filter rejects, for plans that stop after `limit`. */
const RESIDUAL_FACTOR = 10

function costOf(count: number, needsSort: boolean, limit: number | undefined, exact: boolean): number {
  if (needsSort) return count * SORT_PENALTY + 1
  if (limit) return Math.min(count, exact ? limit : limit * RESIDUAL_FACTOR)
  return count
}

/** Direction in which `ix` (past its `k` equality-bound fields) yields `sort` order, or null if it cannot. */
function sortDirection(ix: Index, k: number, sort: Doc, bound: Set<string>): 'fwd' | 'rev' | null {
  const keys = Object.keys(sort).filter((f) => !bound.has(f))
  let fwd = true,
    rev = true
  for (let i = 0; i < keys.length; i++) {
    const d = sort[keys[i]]
    if (typeof d !== 'number' || ix.fields[k + i] !== keys[i] || ix.spec.key[keys[i]] === 'hashed') return null
    if ((d === -1 ? -1 : 1) !== ix.dirs[k + i]) fwd = false
    else rev = false
  }
  return fwd ? 'fwd' : rev ? 'rev' : null
}

function ids(entries: Iterable<{ id: string }>): Generator<string> {
  return (function* () {
    for (const e of entries) yield e.id
  })()
}

function candidate(
  ix: Index,
  conds: Map<string, FieldCond>,
  residual: boolean,
  sort: Doc | undefined,
  limit: number | undefined,
): Candidate | null {
  if (ix.isPartial) return null
  const name = ix.spec.name
  const hashed = ix.fields.some((f) => ix.spec.key[f] === 'hashed')
  // Leading fields bound to one value each.
  const prefix: unknown[] = []
  const bound = new Set<string>()
  for (const f of ix.fields) {
    const fc = conds.get(f)
    if (!fc?.eq || fc.eq.length !== 1 || (ix.sparse && fc.eq[0] === null)) break
    prefix.push(fc.eq[0])
    bound.add(f)
  }
  const k = prefix.length
  const onlyThese = (fields: string[]): boolean =>
    !residual && !ix.multikey && conds.size === fields.length && fields.every((f) => conds.get(f)?.exact)
  if (k > 0) {
    const next = conds.get(ix.fields[k])
    const range = next && !next.eq && !ix.multikey && !hashed ? next : undefined
    const dir = sort && !ix.multikey && !hashed ? sortDirection(ix, k, sort, bound) : null
    const { count } = ix.scan(prefix, range?.lo, range?.hi)
    const exact = onlyThese([...bound, ...(range ? [ix.fields[k]] : [])])
    const unique = ix.unique && k === ix.fields.length
    return {
      cost: costOf(count, !!sort && !dir, limit, exact) - (unique ? 0.5 : 0) - (name === '_id_' ? 0.25 : 0),
      prefix: k,
      make: () => {
        const { entries } = ix.scan(prefix, range?.lo, range?.hi, dir === 'rev')
        return {
          ids: ix.multikey ? new Set(ids(entries)) : ids(entries),
          index: name,
          sorted: !sort || !!dir,
          stage: name === '_id_' && !range ? 'IDHACK' : 'IXSCAN',
        }
      },
    }
  }
  const fc = conds.get(ix.fields[0])
  if (fc && usable(ix, fc)) {
    // $in or a range on the first field: unordered candidates.
    const { lo, hi } = ix.multikey ? { lo: fc.lo, hi: fc.lo ? undefined : fc.hi } : fc
    const count = fc.eq ? fc.eq.reduce<number>((n, v) => n + ix.scan([v]).count, 0) : ix.scan([], lo, hi).count
    return {
      cost: costOf(count, !!sort, limit, false),
      prefix: 0,
      make: () => {
        const found = fc.eq ? ix.lookupEq(fc.eq) : ix.lookupRange(lo, hi)
        const dedupe = ix.multikey || (fc.eq && fc.eq.length > 1)
        return { ids: dedupe ? new Set(found) : found, index: name, sorted: !sort, stage: 'IXSCAN' }
      },
    }
  }
  if (sort && !ix.sparse && !ix.multikey && !hashed) {
    const dir = sortDirection(ix, 0, sort, bound)
    if (dir) {
      return {
        cost: costOf(ix.size, false, limit, onlyThese([])),
        prefix: 0,
        make: () => ({ ids: ix.ordered(dir === 'rev'), index: name, sorted: true, stage: 'IXSCAN' }),
      }
    }
  }
  return null
}

function usable(ix: Index, fc: FieldCond): boolean {
  if (ix.sparse && (!fc.eq || fc.eq.some((v) => v === null))) return false
  if (ix.spec.key[ix.fields[0]] === 'hashed' && !fc.eq) return false
  return true
}

/**
 * Cheapest way to produce the candidates: an index whose leading fields are bound by equalities (then a
 * range on the next field), an index giving the sort order (so a limit stops the scan early), $in/range on
 * an index's first field, or a collection scan. Costs come from exact entry counts (binary searches).
 */
/** `only`: a hinted index name (the caller checked it exists); its plan is taken whatever its cost. */
export function plan(coll: Collection, filter: Doc, sort?: Doc, limit?: number, only?: string): Plan {
  const conds = new Map<string, FieldCond>()
  const rest = { any: false }
  collect(filter, conds, rest)
  const s = sort && Object.keys(sort).length ? sort : undefined
  let best: Candidate | null = null
  for (const ix of coll.indexes.values()) {
    if (only !== undefined && ix.spec.name !== only) continue
    const c = candidate(ix, conds, rest.any, s, limit)
    if (c && (!best || c.cost < best.cost || (c.cost === best.cost && c.prefix > best.prefix))) best = c
  }
  const scanCost = costOf(coll.docs.size, !!s, limit, !rest.any && conds.size === 0)
  if (best && (only !== undefined || best.cost <= scanCost)) return best.make()
  return { ids: null, sorted: !s, stage: 'COLLSCAN' }
}

/** Values whose equality in an index is exactly the filter's equality. */
const scalar = isSimpleScalar

/** The filter's scalar equalities by field, when it is nothing else (`{}` gives an empty map); else undefined. */
function scalarEqualities(filter: Doc): Map<string, unknown> | undefined {
  const conds = new Map<string, FieldCond>()
  const rest = { any: false }
  collect(filter, conds, rest)
  if (rest.any || (conds.size === 0 && Object.keys(filter).length)) return undefined
  const out = new Map<string, unknown>()
  for (const [f, fc] of conds) {
    if (!fc.exact || fc.lo || fc.hi || fc.eq?.length !== 1 || !scalar(fc.eq[0])) return undefined
    out.set(f, fc.eq[0])
  }
  return out
}

/** Indexes whose entries match equalities exactly: not multikey, sparse, partial or hashed. */
function plainIndex(ix: Index): boolean {
  return !ix.isPartial && !ix.multikey && !ix.sparse && !ix.fields.some((f) => ix.spec.key[f] === 'hashed')
}

/**
 * The number of documents matching `filter`, read from an index's entry count without examining any
 * (MongoDB's COUNT_SCAN), when the filter is only scalar equalities on fields that lead a plain index
 * (not multikey, sparse, partial or hashed); undefined otherwise. `{}` counts the collection.
 */
export function indexCount(coll: Collection, filter: Doc): { n: number; index?: string } | undefined {
  const eq = scalarEqualities(filter)
  if (!eq) return undefined
  if (eq.size === 0) return { n: coll.docs.size }
  for (const ix of coll.indexes.values()) {
    if (!plainIndex(ix) || ix.fields.length < eq.size) continue
    const prefix: unknown[] = []
    for (let i = 0; i < eq.size; i++) {
      if (!eq.has(ix.fields[i])) break
      prefix.push(eq.get(ix.fields[i]))
    }
    if (prefix.length === eq.size) return { n: ix.scan(prefix).count, index: ix.spec.name }
  }
  return undefined
}

export interface DistinctPlan {
  ix: Index
  /** values of the index's leading fields (the key's slot holds its equality, if any) */ vals: unknown[]
  /** the key's position in the index */ pos: number
  /** whether the filter also sets the key by equality */ bound: boolean
}

/**
 * How `distinct(key, filter)` can read its values from an index alone (MongoDB's DISTINCT_SCAN): the
 * filter is only scalar equalities, the key and the equality fields are exactly the leading fields of a
 * plain index without a collation, and those fields never held a value whose index equality is not
 * identity (Index.irregular). Undefined otherwise: the caller then reads the documents.
 */
export function distinctPlan(coll: Collection, key: string, filter: Doc): DistinctPlan | undefined {
  const eq = scalarEqualities(filter)
  if (!eq) return undefined
  const fields = new Set([...eq.keys(), key])
  for (const ix of coll.indexes.values()) {
    if (!plainIndex(ix) || ix.spec.collation !== undefined || ix.fields.length < fields.size) continue
    const lead = ix.fields.slice(0, fields.size)
    if (!lead.every((f, i) => fields.has(f) && !ix.irregular[i])) continue
    return { ix, vals: lead.map((f) => eq.get(f)), pos: lead.indexOf(key), bound: eq.has(key) }
  }
  return undefined
}
