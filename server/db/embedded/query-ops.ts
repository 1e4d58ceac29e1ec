// Query operators where mingo's semantics differ from MongoDB's, replaced in the engine's own mingo
// context (see mingo-ctx.ts): $type (every BSON alias and number), comparisons across all BSON types with
// MongoDB's type bracketing (BinData, ObjectId, MinKey/MaxKey), $all on non-arrays, the $bits* operators
// on BinData, and $elemMatch on DBRefs ({$id, $ref}).
import * as mingoOps from 'mingo/operators/query'
import { BSON, compareValues, isPlainObject, typeOrder, type Doc } from './bson-utils.js'
import { collatorFor, type Collator } from './collation.js'
import { MongoError } from './errors.js'
import { typeName } from './update/values.js'

type Pred = (o: unknown) => boolean
type QueryFactory = (condition: Doc, collation?: unknown) => { test(o: unknown): boolean }
let makeQuery: QueryFactory

/** Set by mingo-ctx.ts (the Query class depends on these operators, so it is injected, not imported). */
export function setQueryFactory(f: QueryFactory): void {
  makeQuery = f
}

/** Values a path reaches, MongoDB-style: arrays are expanded, and an array at the end is a value too. */
export function valuesAt(doc: unknown, parts: string[], i = 0, out: unknown[] = []): unknown[] {
  if (i === parts.length) {
    if (Array.isArray(doc)) {
      out.push(doc)
      for (const e of doc) out.push(e)
    } else if (doc !== undefined) out.push(doc)
    return out
  }
  if (Array.isArray(doc)) {
    const p = parts[i]
    if (/^\d+$/.test(p)) valuesAt(doc[Number(p)], parts, i + 1, out)
    for (const e of doc) if (isPlainObject(e)) valuesAt(e, parts, i, out)
    return out
  }
  if (doc instanceof BSON.DBRef) return valuesAt(dbrefDoc(doc), parts, i, out)
  if (!isPlainObject(doc)) return out
  return valuesAt(doc[parts[i]], parts, i + 1, out)
}

function dbrefDoc(r: BSON.DBRef): Doc {
  const d: Doc = { $ref: r.collection, $id: r.oid }
  if (r.db) d.$db = r.db
  return Object.assign(d, r.fields)
}

const NUMBER_CODES: Record<string, string> = {
  '1': 'double',
  '2': 'string',
  '3': 'object',
  '4': 'array',
  '5': 'binData',
  '6': 'undefined',
  '7': 'objectId',
  '8': 'bool',
  '9': 'date',
  '10': 'null',
  '11': 'regex',
  '12': 'dbPointer',
  '13': 'javascript',
  '14': 'symbol',
  '15': 'javascriptWithScope',
  '16': 'int',
  '17': 'timestamp',
  '18': 'long',
  '19': 'decimal',
  '-1': 'minKey',
  '127': 'maxKey',
}
const ALIASES = new Set([...Object.values(NUMBER_CODES), 'number'])

function typeOfValue(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'double'
    return Math.abs(v) < 2 ** 31 ? 'int' : 'long'
  }
  if (v instanceof BSON.DBRef) return 'object'
  return typeName(v)
}

function typeSpec(t: unknown): string {
  if (typeof t === 'string') {
    if (!ALIASES.has(t)) throw new MongoError(2, `Unknown type name alias: ${t}`)
    return t
  }
  if (typeof t === 'number' && NUMBER_CODES[String(t)]) return NUMBER_CODES[String(t)]
  throw new MongoError(2, `Invalid numerical type code: ${String(t)}`)
}

const $type = (selector: string, value: unknown): Pred => {
  const list = Array.isArray(value) ? value : [value]
  if (!list.length) throw new MongoError(9, '$type must match at least one type')
  const types = new Set(list.map(typeSpec))
  const parts = selector.split('.')
  return (o) =>
    valuesAt(o, parts).some((v) => {
      const t = typeOfValue(v)
      return types.has(t) || (types.has('number') && ['int', 'long', 'double', 'decimal'].includes(t))
    })
}

function comparison(test: (c: number) => boolean, nullMatches: boolean) {
  return (selector: string, rhs: unknown, coll?: Collator): Pred => {
    const parts = selector.split('.')
    const bracket = typeOrder(rhs)
    return (o) => {
      const vals = valuesAt(o, parts)
      if (nullMatches && rhs === null && (vals.length === 0 || vals.some((v) => v === null))) return true
      return vals.some((v) => {
        if (rhs instanceof BSON.MinKey || rhs instanceof BSON.MaxKey) return test(compareValues(v, rhs))
        return typeOrder(v) === bracket && test(compareValues(v, rhs, coll))
      })
    }
  }
}

const $all = (selector: string, value: unknown, _c?: Collator, collation?: unknown): Pred => {
  if (!Array.isArray(value)) throw new MongoError(2, '$all needs an array')
  if (!value.length) return () => false
  const qs = value.map((e) =>
    makeQuery({ [selector]: isPlainObject(e) && '$elemMatch' in e ? e : { $eq: e } }, collation),
  )
  return (o) => qs.every((q) => q.test(o))
}

/** Bit positions a mask names: an array of positions, a number, or BinData. */
function maskBits(mask: unknown, op: string): number[] {
  if (Array.isArray(mask)) {
    for (const p of mask)
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
        throw new MongoError(2, `bit positions must be non-negative integers in ${op}`)
    return mask as number[]
  }
  if (mask instanceof BSON.Binary) {
    const out: number[] = []
    mask.buffer.forEach((byte, i) => {
      for (let b = 0; b < 8; b++) if (byte & (1 << b)) out.push(i * 8 + b)
    })
    return out
  }
  const n = typeof mask === 'number' ? mask : mask instanceof BSON.Long ? mask.toNumber() : NaN
  if (!Number.isInteger(n) || n < 0)
    throw new MongoError(9, `${op} takes an Array, a number, or a BinData but received: ${String(mask)}`)
  const big = BigInt(n)
  const out: number[] = []
  for (let b = 0; b < 64; b++) if ((big >> BigInt(b)) & 1n) out.push(b)
  return out
}

function bitAt(v: unknown, p: number): boolean | undefined {
  if (v instanceof BSON.Binary) {
    const byte = v.buffer[p >> 3]
    return byte === undefined ? false : (byte & (1 << (p & 7))) !== 0
  }
  let big: bigint
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return undefined
    big = BigInt(v)
  } else if (v instanceof BSON.Long) big = v.toBigInt()
  else return undefined
  big = BigInt.asUintN(64, big)
  return ((big >> BigInt(Math.min(p, 63))) & 1n) === 1n
}

function bits(kind: 'allSet' | 'allClear' | 'anySet' | 'anyClear') {
  return (selector: string, mask: unknown): Pred => {
    const positions = maskBits(mask, '$bits' + kind)
    const parts = selector.split('.')
    const want = kind.endsWith('Set')
    const all = kind.startsWith('all')
    return (o) =>
      valuesAt(o, parts).some((v) => {
        if (Array.isArray(v)) return false
        const got = positions.map((p) => bitAt(v, p))
        if (got.some((g) => g === undefined)) return false
        return all ? got.every((g) => g === want) : got.some((g) => g === want)
      })
  }
}

/** $elemMatch, extended to DBRef elements and `{ $id: … }` criteria (mingo reads `$id` as an operator). */
const $elemMatch = (selector: string, criteria: unknown, _c?: Collator, collation?: unknown): Pred => {
  if (!isPlainObject(criteria)) throw new MongoError(2, '$elemMatch needs an Object')
  const parts = selector.split('.')
  const keys = Object.keys(criteria)
  const refKeys = keys.length > 0 && keys.every((k) => k === '$id' || k === '$ref' || k === '$db')
  const logical = ['$and', '$or', '$nor']
  const wrapped = !refKeys && keys.length > 0 && keys.every((k) => k.startsWith('$') && !logical.includes(k))
  let match: (e: unknown) => boolean
  if (refKeys) {
    const qs = keys.map((k) => [k, makeQuery({ v: criteria[k] as never }, collation)] as const)
    match = (e) => {
      const d = e instanceof BSON.DBRef ? dbrefDoc(e) : isPlainObject(e) ? e : undefined
      return !!d && qs.every(([k, q]) => k in d && q.test({ v: d[k] }))
    }
  } else if (wrapped) {
    const q = makeQuery({ v: criteria }, collation)
    match = (e) => q.test({ v: e })
  } else {
    const q = makeQuery(criteria, collation)
    match = (e) => (isPlainObject(e) ? q.test(e) : e instanceof BSON.DBRef ? q.test(dbrefDoc(e)) : false)
  }
  return (o) => {
    const direct: unknown[] = []
    collectArrays(o, parts, 0, direct)
    return direct.some((arr) => (arr as unknown[]).some(match))
  }
}

/** The arrays a path ends at (for $elemMatch, which never matches scalars). */
function collectArrays(doc: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(doc)) out.push(doc)
    return
  }
  if (Array.isArray(doc)) {
    const p = parts[i]
    if (/^\d+$/.test(p)) collectArrays(doc[Number(p)], parts, i + 1, out)
    for (const e of doc) if (isPlainObject(e)) collectArrays(e, parts, i, out)
    return
  }
  if (isPlainObject(doc)) collectArrays(doc[parts[i]], parts, i + 1, out)
}

type MingoOptions = { collation?: unknown } | undefined
type Factory = (selector: string, value: unknown, coll?: Collator, collation?: unknown) => Pred

const wrap =
  (f: Factory) =>
  (selector: string, value: unknown, options?: MingoOptions): Pred => {
    const collation = options?.collation
    return f(selector, value, collatorFor(collation), collation)
  }

/** Equality with a collation: strings compare equal under the collator; anything else as mingo does. */
function collated(name: '$eq' | '$ne' | '$in' | '$nin') {
  const base = mingoOps[name] as unknown as (s: string, v: unknown, o?: MingoOptions) => Pred
  return (selector: string, value: unknown, options?: MingoOptions): Pred => {
    const coll = collatorFor(options?.collation)
    const list = name === '$in' || name === '$nin' ? value : [value]
    if (!coll || !Array.isArray(list) || !list.some((x) => typeof x === 'string')) return base(selector, value, options)
    const strings = list.filter((x): x is string => typeof x === 'string')
    const others = list.filter((x) => typeof x !== 'string')
    const parts = selector.split('.')
    const rest = others.length ? (mingoOps.$in as unknown as typeof base)(selector, others, options) : () => false
    const any: Pred = (o) =>
      valuesAt(o, parts).some((v) => typeof v === 'string' && strings.some((x) => coll(v, x) === 0)) || rest(o)
    return name === '$ne' || name === '$nin' ? (o) => !any(o) : any
  }
}

export const ENGINE_QUERY_OPS = {
  $type: wrap($type),
  $gt: wrap(comparison((c) => c > 0, false)),
  $gte: wrap(comparison((c) => c >= 0, true)),
  $lt: wrap(comparison((c) => c < 0, false)),
  $lte: wrap(comparison((c) => c <= 0, true)),
  $all: wrap($all),
  $bitsAllSet: wrap(bits('allSet')),
  $bitsAllClear: wrap(bits('allClear')),
  $bitsAnySet: wrap(bits('anySet')),
  $bitsAnyClear: wrap(bits('anyClear')),
  $elemMatch: wrap($elemMatch),
  $eq: collated('$eq'),
  $ne: collated('$ne'),
  $in: collated('$in'),
  $nin: collated('$nin'),
}
