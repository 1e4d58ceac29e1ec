// BSON type names and numeric arithmetic as mongod applies them in updates ($inc, $mul, $bit).
import { BSON, isPlainObject } from '../bson-utils.js'

const { Long, Decimal128, Int32, Double, Binary, ObjectId, Timestamp, MinKey, MaxKey, BSONRegExp, Code } = BSON

/** MongoDB's type alias for a value ('int' for small integers, since numbers arrive promoted). */
export function typeName(v: unknown): string {
  if (v === undefined) return 'missing'
  if (v === null) return 'null'
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Date) return 'date'
  if (v instanceof Timestamp) return 'timestamp' // a Timestamp is also a Long subclass: test it first
  if (v instanceof Long || typeof v === 'bigint') return 'long'
  if (v instanceof Decimal128) return 'decimal'
  if (v instanceof Int32) return 'int'
  if (v instanceof Double) return 'double'
  if (v instanceof Binary || v instanceof Uint8Array) return 'binData'
  if (v instanceof ObjectId) return 'objectId'
  if (v instanceof Timestamp) return 'timestamp'
  if (v instanceof MinKey) return 'minKey'
  if (v instanceof MaxKey) return 'maxKey'
  if (v instanceof RegExp || v instanceof BSONRegExp) return 'regex'
  if (v instanceof Code) return v.scope ? 'javascriptWithScope' : 'javascript'
  if (v instanceof BSON.BSONSymbol) return 'symbol'
  if (isPlainObject(v)) return 'object'
  return 'object'
}

export function isNumeric(v: unknown): boolean {
  return (
    typeof v === 'number' || v instanceof Long || v instanceof Decimal128 || v instanceof Int32 || v instanceof Double
  )
}

function toBig(v: unknown): bigint {
  if (v instanceof Long) return v.toBigInt()
  if (v instanceof Int32 || v instanceof Double) return BigInt(Math.trunc(v.value))
  return BigInt(Math.trunc(v as number))
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (v instanceof Long) return v.toNumber()
  if (v instanceof Decimal128) return Number(v.toString())
  return (v as { value: number }).value
}

const isIntegral = (v: unknown): boolean =>
  v instanceof Long || v instanceof Int32 || (typeof v === 'number' && Number.isInteger(v))

/** Fold a 64-bit result back to the engine's representation (plain numbers where they are exact). */
function fromBig(b: bigint): unknown {
  const x = BigInt.asIntN(64, b)
  return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : Long.fromBigInt(x)
}

/** a (op) b with MongoDB's type promotion: decimal > double > long > int. */
export function arith(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  if (a instanceof Decimal128 || b instanceof Decimal128) {
    const x = toNumber(a),
      y = toNumber(b)
    return Decimal128.fromString(String(op === 'add' ? x + y : x * y))
  }
  if ((a instanceof Long || b instanceof Long) && isIntegral(a) && isIntegral(b)) {
    return fromBig(op === 'add' ? toBig(a) + toBig(b) : toBig(a) * toBig(b))
  }
  const x = toNumber(a),
    y = toNumber(b)
  const r = op === 'add' ? x + y : x * y
  if (isIntegral(a) && isIntegral(b) && !Number.isSafeInteger(r)) {
    return fromBig(op === 'add' ? toBig(a) + toBig(b) : toBig(a) * toBig(b))
  }
  return r
}

/** Zero of the argument's type ($mul on a missing field). */
export function zeroLike(v: unknown): unknown {
  if (v instanceof Decimal128) return Decimal128.fromString('0')
  if (v instanceof Long) return 0
  return 0
}

export function isIntegerValue(v: unknown): boolean {
  return v instanceof Long || v instanceof Int32 || (typeof v === 'number' && Number.isInteger(v))
}

export function bitOp(a: unknown, b: unknown, op: 'and' | 'or' | 'xor'): unknown {
  const small = (v: unknown): boolean => typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31
  if (small(a) && small(b)) {
    const x = a as number,
      y = b as number
    return op === 'and' ? x & y : op === 'or' ? x | y : x ^ y
  }
  const x = toBig(a),
    y = toBig(b)
  return fromBig(op === 'and' ? x & y : op === 'or' ? x | y : x ^ y)
}
