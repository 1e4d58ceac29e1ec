// A fast path for the filters most reads use: fields compared with plain values by equality, $eq, $ne,
// $in, $nin and ranges (with $and of those). Evaluated directly with MongoDB's rules (array fields match
// by any element or as a whole, null matches missing, comparisons stay within a type bracket) instead of
// through mingo's generic machinery. Anything else returns undefined and goes to mingo.
import { compareValues, isPlainObject, isSimpleScalar, typeOrder, type Doc } from './bson-utils.js'
import { valuesAt } from './query-ops.js'

export interface Matcher {
  test(doc: unknown): boolean
}

type Pred = (d: unknown) => boolean

/** Values the fast path compares: scalars with a total order in compareValues. */
const simple = isSimpleScalar

function eqPred(parts: string[], x: unknown): Pred | undefined {
  // {'a.b': null} also matches array elements without b: left to mingo.
  if (x === null && parts.length > 1) return undefined
  if (x === null)
    return (d) => {
      const vals = valuesAt(d, parts)
      return vals.length === 0 || vals.some((v) => v === null || v === undefined)
    }
  const t = typeOrder(x)
  return (d) => valuesAt(d, parts).some((v) => typeOrder(v) === t && compareValues(v, x) === 0)
}

function rangePred(parts: string[], x: unknown, ok: (c: number) => boolean): Pred | undefined {
  if (x === null) return undefined
  const t = typeOrder(x)
  return (d) => valuesAt(d, parts).some((v) => typeOrder(v) === t && ok(compareValues(v, x)))
}

function fieldPred(path: string, cond: unknown): Pred | undefined {
  const parts = path.split('.')
  if (simple(cond)) return eqPred(parts, cond)
  if (!isPlainObject(cond)) return undefined
  const preds: Pred[] = []
  for (const [op, x] of Object.entries(cond)) {
    let p: Pred | undefined
    if (op === '$eq' && simple(x)) p = eqPred(parts, x)
    else if (op === '$ne' && simple(x)) {
      const e = eqPred(parts, x)
      p = e && ((d) => !e(d))
    } else if ((op === '$in' || op === '$nin') && Array.isArray(x) && x.every(simple)) {
      const es = x.map((v) => eqPred(parts, v))
      if (es.every((e): e is Pred => !!e)) p = op === '$in' ? (d) => es.some((e) => e(d)) : (d) => !es.some((e) => e(d))
    } else if (op === '$gt' && simple(x)) p = rangePred(parts, x, (c) => c > 0)
    else if (op === '$gte' && simple(x)) p = x === null ? eqPred(parts, null) : rangePred(parts, x, (c) => c >= 0)
    else if (op === '$lt' && simple(x)) p = rangePred(parts, x, (c) => c < 0)
    else if (op === '$lte' && simple(x)) p = x === null ? eqPred(parts, null) : rangePred(parts, x, (c) => c <= 0)
    if (!p) return undefined
    preds.push(p)
  }
  if (!preds.length) return undefined
  return preds.length === 1 ? preds[0] : (d) => preds.every((p) => p(d))
}

function compile(filter: Doc, out: Pred[]): boolean {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and') {
      if (!Array.isArray(v) || !v.length || !v.every((f) => isPlainObject(f) && compile(f, out))) return false
      continue
    }
    if (k.startsWith('$') || k === '' || k.includes('..')) return false
    const p = fieldPred(k, v)
    if (!p) return false
    out.push(p)
  }
  return true
}

/** A matcher for a simple filter, or undefined when mingo is needed. */
export function fastFilter(filter: Doc): Matcher | undefined {
  const preds: Pred[] = []
  if (!compile(filter, preds)) return undefined
  if (preds.length === 0) return { test: () => true }
  if (preds.length === 1) return { test: preds[0] }
  return { test: (d) => preds.every((p) => p(d)) }
}
