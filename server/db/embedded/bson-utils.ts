// BSON helpers shared by the engine. We import `bson` the same way the driver does, so ObjectId etc. are
// the very classes the driver produces (npm dedupes to one copy; see package-lock).
import * as BSON from 'bson'

export { BSON }
export type Doc = Record<string, unknown>

const { ObjectId, Binary, Long, Decimal128, Timestamp, MinKey, MaxKey, BSONRegExp, Double, Int32, Code, BSONSymbol } =
  BSON

/** Deserialize options used for every inbound document: numbers as JS numbers (mingo compares them). */
export const DESER: BSON.DeserializeOptions = { promoteLongs: true, promoteValues: true, promoteBuffers: false }

export function deserialize(buf: Uint8Array): Doc {
  return BSON.deserialize(buf, DESER) as Doc
}

export function serialize(doc: Doc): Uint8Array {
  return BSON.serialize(doc, { checkKeys: false, ignoreUndefined: false })
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false
  const p = Object.getPrototypeOf(v)
  return p === Object.prototype || p === null
}

/** Deep copy of plain objects/arrays; BSON value classes are immutable so they are shared. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T
  if (v instanceof Date) return new Date(v.getTime()) as T
  if (isPlainObject(v)) {
    const out: Doc = {}
    for (const k of Object.keys(v)) {
      // An own `__proto__` field is data (BSON allows it): define it rather than set the prototype.
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: clone(v[k]), enumerable: true, writable: true, configurable: true })
      else out[k] = clone(v[k])
    }
    return out as T
  }
  return v
}

/** MongoDB's canonical sort order of BSON types (lower sorts first). */
export function typeOrder(v: unknown): number {
  if (v === undefined || v === null) return 1
  if (v instanceof MinKey) return 0
  if (v instanceof MaxKey) return 100
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 2
    case 'string':
      return 3
    case 'boolean':
      return 8
    default:
      break
  }
  if (v instanceof Timestamp) return 10 // before Long: Timestamp extends Long
  if (v instanceof Long || v instanceof Decimal128 || v instanceof Double || v instanceof Int32) return 2
  if (v instanceof BSONSymbol) return 3
  if (Array.isArray(v)) return 5
  if (v instanceof Binary || v instanceof Uint8Array) return 6
  if (v instanceof ObjectId) return 7
  if (v instanceof Date) return 9
  if (v instanceof Timestamp) return 10
  if (v instanceof RegExp || v instanceof BSONRegExp) return 11
  if (v instanceof Code) return 12
  return 4 // embedded document
}

function toNum(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Long) return v.toNumber()
  if (v instanceof Decimal128) return Number(v.toString())
  if (v instanceof Double || v instanceof Int32) return v.value
  return NaN
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/** Compare two BSON values the way MongoDB orders them in sorts and indexes. */
export function compareValues(a: unknown, b: unknown, coll?: (x: string, y: string) => number): number {
  const ta = typeOrder(a),
    tb = typeOrder(b)
  if (ta !== tb) return ta < tb ? -1 : 1
  switch (ta) {
    case 0:
    case 1:
    case 100:
      return 0
    case 2: {
      const x = toNum(a),
        y = toNum(b)
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1
      if (Number.isNaN(y)) return 1
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 3: {
      const x = String(a),
        y = String(b)
      if (coll) return Math.sign(coll(x, y))
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 4:
      return compareDocs(a as Doc, b as Doc, coll)
    case 5: {
      const x = a as unknown[],
        y = b as unknown[]
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i], coll)
        if (c) return c
      }
      return x.length - y.length
    }
    case 6: {
      const x = a instanceof Binary ? a.buffer : (a as Uint8Array),
        y = b instanceof Binary ? b.buffer : (b as Uint8Array)
      // MongoDB orders BinData by length, then subtype, then bytes.
      if (x.length !== y.length) return x.length - y.length
      const sa = a instanceof Binary ? a.sub_type : 0,
        sb = b instanceof Binary ? b.sub_type : 0
      return sa !== sb ? sa - sb : cmpBytes(x, y)
    }
    case 7:
      return cmpBytes((a as BSON.ObjectId).id, (b as BSON.ObjectId).id)
    case 8:
      return (a ? 1 : 0) - (b ? 1 : 0)
    case 9:
      return (a as Date).getTime() - (b as Date).getTime()
    case 10:
      return (a as BSON.Timestamp).compare(b as BSON.Timestamp)
    default: {
      const x = String(a),
        y = String(b)
      return x < y ? -1 : x > y ? 1 : 0
    }
  }
}

function compareDocs(a: Doc, b: Doc, coll?: (x: string, y: string) => number): number {
  const ka = Object.keys(a),
    kb = Object.keys(b)
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const t = typeOrder(a[ka[i]]) - typeOrder(b[kb[i]])
    if (t) return t < 0 ? -1 : 1
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1
    const c = compareValues(a[ka[i]], b[kb[i]], coll)
    if (c) return c
  }
  return ka.length - kb.length
}

/** Type- and order-sensitive equality (field order matters, as in MongoDB's "was it modified"). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false
    const ka = Object.keys(a),
      kb = Object.keys(b)
    if (ka.length !== kb.length) return false
    return ka.every((k, i) => kb[i] === k && deepEqual(a[k], b[k]))
  }
  if (typeOrder(a) !== typeOrder(b)) return false
  if (a instanceof Binary && b instanceof Binary && a.sub_type !== b.sub_type) return false
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  return compareValues(a, b) === 0 && String(a) === String(b)
}

/** Canonical string for equality lookups (the `_id` map, unique checks); 1 and 1.0 collide, as in MongoDB. */
export function keyString(v: unknown): string {
  if (typeof v === 'string') return 's' + v
  if (typeof v === 'number') return 'n' + (Object.is(v, -0) ? 0 : v)
  if (v instanceof ObjectId) return 'o' + v.toHexString()
  if (v === null || v === undefined) return 'z'
  if (v instanceof Date) return 'd' + v.getTime()
  if (typeof v === 'boolean') return v ? 'T' : 'F'
  if (v instanceof Long) return 'n' + v.toNumber()
  return 'x' + typeOrder(v) + JSON.stringify(BSON.EJSON.serialize({ v }, { relaxed: true }))
}

/** Read a dotted path without array expansion (used for index keys of the simple cases). */
export function getPath(doc: unknown, path: string): unknown {
  // A top-level field of a document (most sort keys and filters): no split, no array.
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && !path.includes('.')) return (doc as Doc)[path]
  let cur: unknown = doc
  const parts = path.split('.')
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]
    if (cur === null || cur === undefined) return undefined
    if (Array.isArray(cur)) {
      const i = Number(part)
      if (Number.isInteger(i) && String(i) === part) {
        cur = cur[i]
        continue
      }
      // Index keys on `a.b…` where `a` is an array: collect the elements' values of the rest of the path (multikey).
      const rest = parts.slice(p).join('.')
      const vals = cur.map((e) => getPath(e, rest)).filter((x) => x !== undefined)
      return vals.length ? vals.flat() : undefined
    }
    if (typeof cur !== 'object') return undefined
    cur = (cur as Doc)[part]
  }
  return cur
}

/** Render a value the way mongod prints it in E11000 messages: `{ email: "a@b.c" }`. */
export function shellString(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (v === null || v === undefined) return 'null'
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`
  if (v instanceof Date) return `new Date(${v.getTime()})`
  if (Array.isArray(v)) return '[ ' + v.map(shellString).join(', ') + ' ]'
  if (isPlainObject(v)) {
    const ks = Object.keys(v)
    return ks.length ? '{ ' + ks.map((k) => `${k}: ${shellString(v[k])}`).join(', ') + ' }' : '{}'
  }
  return String(v)
}

/**
 * Scalars with a total order in `compareValues` whose equality is plain equality (no arrays,
 * documents or regexes): what the fast filter and the index planner can decide alone.
 */
export function isSimpleScalar(v: unknown): boolean {
  if (v === null) return true
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return !Number.isNaN(v)
    default:
      return v instanceof BSON.ObjectId || v instanceof Date
  }
}
