// Secondary (and _id) indexes: a sorted list of (key tuple, doc id) entries (blocked, see sorted-list.ts).
// Binary search gives equality, prefix, $in and range lookups and ordered iteration for sorts.
import { Query } from './mingo-ctx.js'
import { BSON, compareValues, getPath, isPlainObject, keyString, shellString, type Doc } from './bson-utils.js'
import { collatorFor } from './collation.js'
import { MongoError } from './errors.js'
import { SortedList, type Pos } from './sorted-list.js'

export interface IndexSpec {
  v?: number
  key: Doc
  name: string
  unique?: boolean
  sparse?: boolean
  partialFilterExpression?: Doc
  expireAfterSeconds?: number
  [k: string]: unknown
}

export interface Entry {
  k: unknown[]
  id: string
}

export interface Bound {
  value: unknown
  inclusive: boolean
}

export class Index {
  readonly spec: IndexSpec
  readonly fields: string[]
  readonly dirs: number[]
  readonly unique: boolean
  readonly sparse: boolean
  private readonly partial?: Query
  multikey = false
  /**
   * Per field: whether some key held a value whose equality here (compareValues) is not plain identity
   * (Decimal128, Long, -0, documents, symbols...), so the index cannot answer `distinct` alone (sticky
   * until a rebuild, like `multikey`).
   */
  readonly irregular: boolean[]
  private readonly entries = new SortedList<Entry>((a, b) => this.cmpEntry(a, b))

  constructor(spec: IndexSpec) {
    this.spec = spec
    this.fields = Object.keys(spec.key)
    this.dirs = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1))
    this.irregular = this.fields.map(() => false)
    this.unique = !!spec.unique
    this.sparse = !!spec.sparse
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression)
  }

  get isPartial(): boolean {
    return !!this.partial
  }
  get size(): number {
    return this.entries.size
  }

  private cmpKeys(a: unknown[], b: unknown[]): number {
    for (let i = 0; i < a.length; i++) {
      const c = compareValues(a[i], b[i])
      if (c) return c * this.dirs[i]
    }
    return 0
  }

  private cmpEntry(a: Entry, b: Entry): number {
    const c = this.cmpKeys(a.k, b.k)
    return c || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  }

  /** Key tuples for a document (several when a field holds an array), or [] if the doc is not indexed. */
  keysFor(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return []
    const perField: unknown[][] = []
    let present = false
    this.fields.forEach((f, i) => {
      const v = getPath(doc, f)
      if (v !== undefined) present = true
      if (Array.isArray(v)) {
        this.multikey = true
        perField.push(v.length ? [...new Set(v)] : [undefined])
      } else {
        if (v !== undefined && !plainKey(v)) this.irregular[i] = true
        perField.push([v === undefined ? null : v])
      }
    })
    if (this.sparse && !present) return []
    let out: unknown[][] = [[]]
    for (const vals of perField) out = out.flatMap((prefix) => vals.map((v) => [...prefix, v]))
    return out
  }

  /** Compare a key with the leading `vals.length` fields of the index, in index order. */
  private cmpPrefix(k: unknown[], vals: unknown[]): number {
    for (let i = 0; i < vals.length; i++) {
      const c = compareValues(k[i], vals[i])
      if (c) return c * this.dirs[i]
    }
    return 0
  }

  /** First position whose leading fields are >= vals (> vals when `strict`), in index order. */
  private lowerPos(vals: unknown[], strict: boolean): Pos {
    return this.entries.seek(strict ? (e) => this.cmpPrefix(e.k, vals) <= 0 : (e) => this.cmpPrefix(e.k, vals) < 0)
  }

  /** Throws E11000 if inserting `doc` (stored under `id`) would duplicate a unique key. */
  checkUnique(doc: Doc, id: string, ns: string, skip?: (otherId: string) => boolean): void {
    if (!this.unique) return
    for (const k of this.keysFor(doc)) {
      for (const e of this.entries.forward(this.lowerPos(k, false))) {
        if (this.cmpKeys(e.k, k) !== 0) break
        if (e.id !== id && !(skip && skip(e.id))) throw this.dupError(ns, k)
      }
    }
  }

  dupError(ns: string, k: unknown[]): MongoError {
    const keyPattern: Doc = {},
      keyValue: Doc = {}
    this.fields.forEach((f, i) => {
      keyPattern[f] = this.spec.key[f]
      keyValue[f] = k[i] === undefined ? null : k[i]
    })
    const dk = '{ ' + this.fields.map((f, i) => `${f}: ${shellString(k[i])}`).join(', ') + ' }'
    return new MongoError(
      11000,
      `E11000 duplicate key error collection: ${ns} index: ${this.spec.name} dup key: ${dk}`,
      { keyPattern, keyValue },
    )
  }

  add(id: string, doc: Doc): void {
    for (const k of this.keysFor(doc)) this.entries.insert({ k, id })
  }

  remove(id: string, doc: Doc): void {
    for (const k of this.keysFor(doc)) this.entries.remove({ k, id })
  }

  /** Rebuild from scratch over all documents: one sort (used after journal replay and by index builds). */
  build(docs: Iterable<[string, Doc]>): void {
    this.multikey = false
    this.irregular.fill(false)
    const all: Entry[] = []
    for (const [id, doc] of docs) for (const k of this.keysFor(doc)) all.push({ k, id })
    this.entries.load(all)
  }

  /** A key held by two different documents, if any (checked after building a unique index). */
  firstDuplicate(): unknown[] | undefined {
    let prev: Entry | undefined
    for (const e of this.entries.forward()) {
      if (prev && prev.id !== e.id && this.cmpKeys(prev.k, e.k) === 0) return e.k
      prev = e
    }
    return undefined
  }

  clear(): void {
    this.entries.clear()
    this.multikey = false
    this.irregular.fill(false)
  }

  /** Ids whose first key field equals one of `values`. */
  lookupEq(values: unknown[]): string[] {
    const out: string[] = []
    for (const v of values) {
      for (const e of this.entries.forward(this.lowerPos([v], false))) {
        if (compareValues(e.k[0], v) !== 0) break
        out.push(e.id)
      }
    }
    return out
  }

  /** Ids whose first key field lies within [lo, hi] (either side optional). */
  lookupRange(lo?: Bound, hi?: Bound): string[] {
    const out: string[] = []
    for (const e of this.scan([], lo, hi, false).entries) out.push(e.id)
    return out
  }

  /**
   * Entries whose leading fields equal `prefix` and whose next field lies within [lo, hi] (value order),
   * in index order (or reverse), plus their number (cheap: counted from block positions).
   */
  scan(prefix: unknown[], lo?: Bound, hi?: Bound, reverse = false): { entries: Iterable<Entry>; count: number } {
    const d = this.dirs[prefix.length] ?? 1
    // In index order the value-ascending bounds swap sides on a descending field.
    const [first, last] = d === 1 ? [lo, hi] : [hi, lo]
    const start = first ? this.lowerPos([...prefix, first.value], !first.inclusive) : this.lowerPos(prefix, false)
    const end = last ? this.lowerPos([...prefix, last.value], last.inclusive) : this.lowerPos(prefix, true)
    const count = this.entries.count(start, end)
    return { entries: reverse ? this.entries.backward(start, end) : this.entries.forward(start, end), count }
  }

  /**
   * The distinct values of field `pos` (MongoDB's DISTINCT_SCAN) among entries whose other leading
   * fields equal `vals` (`vals.length` leading fields; `vals[pos]` is used only when `bound`), in index
   * order, each with its entries: one seek per value, past all entries equal to it. `seen` counts keys read.
   */
  *distinct(
    vals: unknown[],
    pos: number,
    bound: boolean,
    seen: { keys: number },
  ): Generator<{ value: unknown; entries: Iterable<Entry> }> {
    if (bound) {
      const { entries, count } = this.scan(vals)
      seen.keys++
      if (count) yield { value: this.entries.at(this.lowerPos(vals, false))!.k[pos], entries }
      return
    }
    const before = vals.slice(0, pos)
    const after = vals.slice(pos + 1)
    const end = this.lowerPos(before, true)
    let at = this.lowerPos(before, false)
    while (this.entries.count(at, end) > 0) {
      const value = this.entries.at(at)!.k[pos]
      seen.keys++
      const group = this.scan([...before, value, ...after])
      if (group.count) yield { value, entries: group.entries }
      at = this.lowerPos([...before, value], true)
    }
  }

  /** All ids in index order (or reverse). */
  *ordered(reverse: boolean): Generator<string> {
    for (const e of reverse ? this.entries.backward() : this.entries.forward()) yield e.id
  }
}

/**
 * Key values for which index equality (compareValues) is exactly identity of the stored value: what
 * `distinct` may read from an index and get the same values (and types) as from the documents.
 */
function plainKey(v: unknown): boolean {
  if (v === null) return true
  if (typeof v === 'number') return !Object.is(v, -0)
  if (v instanceof Date) return !Number.isNaN(v.getTime())
  return typeof v === 'string' || typeof v === 'boolean' || v instanceof BSON.ObjectId
}

export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_')
}

/** Validate a createIndexes spec the way mongod does for the cases we support. */
export function validateSpec(spec: Doc): IndexSpec {
  const key = spec.key
  if (!isPlainObject(key) || Object.keys(key).length === 0)
    throw new MongoError(67, 'Index keys cannot be an empty object.')
  for (const [f, v] of Object.entries(key)) {
    if (f === '$**' || f.endsWith('.$**'))
      throw new MongoError(67, `wildcard index '${f}' is not supported by the embedded engine`)
    if (v === 'text' || v === '2dsphere' || v === '2d' || v === 'geoHaystack') {
      throw new MongoError(67, `index type '${String(v)}' on field '${f}' is not supported by the embedded engine`)
    }
    if (v !== 'hashed' && typeof v !== 'number')
      throw new MongoError(67, `Values in index key pattern must be numbers or 'hashed': ${f}`)
  }
  if (typeof spec.name !== 'string' || !spec.name) throw new MongoError(9, 'The index name must be a non-empty string')
  const coll = collatorFor(spec.collation)
  if (!coll) delete spec.collation // { locale: 'simple' } is the default
  // Keys are kept in binary order, so uniqueness under a collation ('a' == 'A' at strength 2) cannot be checked.
  if (coll && spec.unique)
    throw new MongoError(67, 'unique indexes with a non-simple collation are not supported by the embedded engine')
  return spec as IndexSpec
}

export function sameKey(a: Doc, b: Doc): boolean {
  return keyString(a) === keyString(b) && JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b))
}
