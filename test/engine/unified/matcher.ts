// Value matching for MongoDB's unified test format ("Evaluating Matches" in the spec):
// root-level documents may carry extra keys, nested ones may not; arrays match element-wise with
// equal length; numbers compare across int32/int64/double; `$$`-operators assert special rules.
import { EJSON, Long } from 'bson'

export interface MatchOptions {
  /** entity map, for $$matchesEntity / $$sessionLsid */
  entities?: Map<string, unknown>
  /** when the expected value is an array of documents from a cursor, each element is root-level */
  rootArray?: boolean
}

type Doc = Record<string, any>

const SPECIAL = new Set([
  '$$exists',
  '$$type',
  '$$matchesEntity',
  '$$matchesHexBytes',
  '$$unsetOrMatches',
  '$$sessionLsid',
  '$$lte',
  '$$matchAsDocument',
  '$$matchAsRoot',
])

export function isPlainDoc(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  if ((v as any)._bsontype) return false // bson values (ObjectId, Long, ...) are scalars here
  return !(v instanceof Date || v instanceof RegExp || Buffer.isBuffer(v) || v instanceof Uint8Array)
}

function specialKey(v: unknown): string | undefined {
  if (!isPlainDoc(v)) return undefined
  const keys = Object.keys(v)
  return keys.length === 1 && keys[0].startsWith('$$') ? keys[0] : undefined
}

export function show(v: unknown): string {
  try {
    if (v === undefined) return 'undefined'
    return EJSON.stringify(v as any, { relaxed: true })
  } catch {
    return String(v)
  }
}

/** Numeric value of int/long/double/bigint, or undefined if `v` is not a (non-decimal) number. */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (Long.isLong(v)) return (v as Long).toNumber()
  const t = (v as any)?._bsontype
  if (t === 'Int32' || t === 'Double') return Number((v as any).value)
  return undefined
}

const TYPE_CHECKS: Record<string, (v: any) => boolean> = {
  // The driver decodes int32 and double alike to JS numbers, so either may satisfy either alias.
  double: (v) => typeof v === 'number' || v?._bsontype === 'Double',
  int: (v) => (typeof v === 'number' && Number.isInteger(v)) || v?._bsontype === 'Int32',
  long: (v) => Long.isLong(v) || typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)),
  decimal: (v) => v?._bsontype === 'Decimal128',
  number: (v) => numeric(v) !== undefined || v?._bsontype === 'Decimal128',
  string: (v) => typeof v === 'string',
  object: (v) => isPlainDoc(v) || v instanceof Map,
  array: (v) => Array.isArray(v),
  binData: (v) => v?._bsontype === 'Binary' || Buffer.isBuffer(v),
  undefined: (v) => v === undefined,
  objectId: (v) => v?._bsontype === 'ObjectId',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp || v?._bsontype === 'BSONRegExp',
  javascript: (v) => v?._bsontype === 'Code',
  timestamp: (v) => v?._bsontype === 'Timestamp',
  minKey: (v) => v?._bsontype === 'MinKey',
  maxKey: (v) => v?._bsontype === 'MaxKey',
}

function scalarEquals(expected: unknown, actual: unknown): boolean {
  const en = numeric(expected)
  const an = numeric(actual)
  if (en !== undefined || an !== undefined) {
    if (en === undefined || an === undefined) return false
    if (Number.isNaN(en) && Number.isNaN(an)) return true
    return en === an
  }
  if (expected === null || actual === null || expected === undefined || actual === undefined) {
    return expected === actual
  }
  if (typeof expected !== 'object' || typeof actual !== 'object') return expected === actual
  if (expected instanceof Date && actual instanceof Date) return expected.getTime() === actual.getTime()
  if (typeof (expected as any).equals === 'function') {
    try {
      if ((expected as any).equals(actual)) return true
    } catch {}
  }
  return show(expected) === show(actual)
}

/** Where a key is present in `actual` (own or inherited getter, e.g. BulkWriteResult counts). */
function getKey(actual: any, key: string): { present: boolean; value: unknown } {
  if (actual instanceof Map) {
    const k = actual.has(key) ? key : Number(key)
    return { present: actual.has(k), value: actual.get(k) }
  }
  const value = actual[key]
  return { present: value !== undefined || Object.prototype.hasOwnProperty.call(actual, key), value }
}

/**
 * Match `actual` against `expected`; returns a list of mismatches (empty = match), each naming
 * the path and both values, so a failing spec test shows a readable diff.
 */
export function match(expected: unknown, actual: unknown, opts: MatchOptions = {}): string[] {
  const errors: string[] = []
  matchAt(expected, actual, '$', true, opts, errors)
  return errors
}

function matchAt(
  expected: unknown,
  actual: unknown,
  path: string,
  isRoot: boolean,
  opts: MatchOptions,
  errors: string[],
): void {
  const op = specialKey(expected)
  if (op) {
    special(op, (expected as Doc)[op], actual, path, isRoot, opts, errors)
    return
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      errors.push(`${path}: expected an array ${show(expected)}, got ${show(actual)}`)
      return
    }
    if (actual.length !== expected.length) {
      errors.push(
        `${path}: expected ${expected.length} element(s), got ${actual.length}: expected ${show(expected)}, got ${show(actual)}`,
      )
      return
    }
    const elementRoot = isRoot && opts.rootArray === true
    expected.forEach((e, i) =>
      matchAt(e, actual[i], `${path}[${i}]`, elementRoot, { ...opts, rootArray: false }, errors),
    )
    return
  }
  if (isPlainDoc(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      errors.push(`${path}: expected a document ${show(expected)}, got ${show(actual)}`)
      return
    }
    for (const [key, value] of Object.entries(expected)) {
      const sub = `${path}.${key}`
      const { present, value: av } = getKey(actual, key)
      const kop = specialKey(value)
      if (kop === '$$exists') {
        const want = Boolean((value as Doc)[kop])
        if (want !== present)
          errors.push(`${sub}: expected the key to ${want ? 'exist' : 'be absent'}, got ${show(av)}`)
        continue
      }
      if (kop === '$$unsetOrMatches') {
        if (present && av !== undefined) matchAt((value as Doc)[kop], av, sub, false, opts, errors)
        continue
      }
      if (!present) {
        errors.push(`${sub}: missing, expected ${show(value)}`)
        continue
      }
      matchAt(value, av, sub, false, opts, errors)
    }
    if (!isRoot) {
      const keys = actual instanceof Map ? [...actual.keys()].map(String) : Object.keys(actual)
      const extra = keys.filter((k) => !(k in expected) && (actual as any)[k] !== undefined)
      if (extra.length)
        errors.push(`${path}: unexpected extra key(s) ${extra.join(', ')} in nested document ${show(actual)}`)
    }
    return
  }
  if (!scalarEquals(expected, actual)) errors.push(`${path}: expected ${show(expected)}, got ${show(actual)}`)
}

function special(
  op: string,
  arg: any,
  actual: unknown,
  path: string,
  isRoot: boolean,
  opts: MatchOptions,
  errors: string[],
): void {
  switch (op) {
    case '$$unsetOrMatches':
      // Does not change root-ness: a wrapped result document stays root-level.
      if (actual !== undefined) matchAt(arg, actual, path, isRoot, opts, errors)
      return
    case '$$exists':
      if (Boolean(arg) !== (actual !== undefined)) errors.push(`${path}: $$exists ${arg} but got ${show(actual)}`)
      return
    case '$$type': {
      const types: string[] = Array.isArray(arg) ? arg : [arg]
      const unknown = types.filter((t) => !TYPE_CHECKS[t])
      if (unknown.length) errors.push(`${path}: runner does not know $$type ${unknown.join(', ')}`)
      else if (actual === undefined || !types.some((t) => TYPE_CHECKS[t](actual))) {
        errors.push(`${path}: expected type ${types.join('|')}, got ${show(actual)}`)
      }
      return
    }
    case '$$matchesEntity': {
      if (!opts.entities?.has(arg)) {
        errors.push(`${path}: unknown entity ${arg}`)
        return
      }
      matchAt(opts.entities.get(arg), actual, path, isRoot, opts, errors)
      return
    }
    case '$$matchesHexBytes': {
      const want = Buffer.from(String(arg), 'hex')
      const got = Buffer.isBuffer(actual) ? actual : (actual as any)?.buffer
      if (!got || !Buffer.from(got).equals(want)) errors.push(`${path}: expected bytes ${arg}, got ${show(actual)}`)
      return
    }
    case '$$sessionLsid': {
      const session: any = opts.entities?.get(arg)
      if (!session?.id) {
        errors.push(`${path}: unknown session entity ${arg}`)
        return
      }
      matchAt(session.id, actual, path, false, opts, errors)
      return
    }
    case '$$lte': {
      const a = numeric(actual)
      if (a === undefined || a > Number(arg)) errors.push(`${path}: expected a number <= ${arg}, got ${show(actual)}`)
      return
    }
    case '$$matchAsDocument': {
      if (typeof actual !== 'string') {
        errors.push(`${path}: $$matchAsDocument needs an Extended JSON string, got ${show(actual)}`)
        return
      }
      matchAt(arg, EJSON.parse(actual, { relaxed: false }), path, false, opts, errors)
      return
    }
    case '$$matchAsRoot':
      matchAt(arg, actual, path, true, opts, errors)
      return
    default:
      if (SPECIAL.has(op)) errors.push(`${path}: runner does not implement ${op}`)
      else errors.push(`${path}: unknown special operator ${op}`)
  }
}

/**
 * Exact equality for `outcome` (spec: "the documents MUST match exactly", key order free):
 * no extra keys at any level, no special operators; numbers still compare across int/long/double
 * because the JSON fixtures cannot express the difference.
 */
export function exactMatch(expected: unknown, actual: unknown, path = '$'): string[] {
  const errors: string[] = []
  const walk = (e: unknown, a: unknown, p: string): void => {
    if (Array.isArray(e)) {
      if (!Array.isArray(a) || a.length !== e.length) {
        errors.push(`${p}: expected ${show(e)}, got ${show(a)}`)
        return
      }
      e.forEach((x, i) => walk(x, a[i], `${p}[${i}]`))
      return
    }
    if (isPlainDoc(e)) {
      if (!isPlainDoc(a)) {
        errors.push(`${p}: expected ${show(e)}, got ${show(a)}`)
        return
      }
      const ek = Object.keys(e).sort()
      const ak = Object.keys(a).sort()
      if (ek.join('\u0000') !== ak.join('\u0000')) {
        errors.push(`${p}: keys differ, expected ${show(e)}, got ${show(a)}`)
        return
      }
      for (const k of ek) walk(e[k], a[k], `${p}.${k}`)
      return
    }
    if (!scalarEquals(e, a)) errors.push(`${p}: expected ${show(e)}, got ${show(a)}`)
  }
  walk(expected, actual, path)
  return errors
}
