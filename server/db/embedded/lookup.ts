// $lookup by equality (localField/foreignField, with or without a `pipeline`) run by the engine itself,
// as MongoDB does: each input document's localField values (array elements one by one; missing, null
// or an empty array as null) are matched against foreignField, then the sub-pipeline runs over the
// matching foreign documents only. With an index on the foreign field, each document's matches are
// read through the planner with `{ foreignField: <values>, ...the sub-pipeline's leading $match }`, so
// the index is used and a counting sub-pipeline is answered from it; without one, the foreign
// collection is read once and hashed (a join of n × m would otherwise scan m documents n times).
// mingo's own $lookup copies the whole foreign collection for every query and, given a pipeline, runs
// it over every foreign document. A `let`, a dotted `as` or an option it does not know stays with mingo.
import { BSONRegExp } from 'bson'
import { clone, getPath, isPlainObject, isSimpleScalar, keyString, type Doc } from './bson-utils.js'
import type { Collection } from './collection.js'

export interface EqualityLookup {
  from: string
  localField: string
  foreignField: string
  as: string
  pipeline: Doc[]
}

/** The stage's spec when the engine can run it itself; undefined leaves it to mingo. */
export function equalityLookup(stage: Doc): EqualityLookup | undefined {
  const spec = stage.$lookup
  if (!isPlainObject(spec)) return undefined
  const { from, localField, foreignField, as, pipeline, ...rest } = spec
  if (Object.keys(rest).length) return undefined // `let`, or an option this path does not know
  if (typeof from !== 'string' || typeof localField !== 'string' || typeof foreignField !== 'string') return undefined
  if (typeof as !== 'string' || !as || as.includes('.') || as.startsWith('$')) return undefined
  if (!localField || !foreignField || foreignField.startsWith('$')) return undefined
  if (pipeline !== undefined && !(Array.isArray(pipeline) && pipeline.every(isPlainObject))) return undefined
  return { from, localField, foreignField, as, pipeline: (pipeline as Doc[] | undefined) ?? [] }
}

/**
 * The values a document's localField is matched by: its value, or each element of its array; a
 * missing or null field, or an empty array, matches foreign documents whose field is null or missing.
 */
export function localValues(doc: Doc, localField: string): unknown[] {
  const v = getPath(doc, localField)
  if (v === undefined || v === null) return [null]
  if (!Array.isArray(v)) return [v]
  if (!v.length) return [null]
  const seen = new Map<string, unknown>()
  for (const x of v) seen.set(keyString(x ?? null), x ?? null)
  return [...seen.values()]
}

const isRegex = (v: unknown): boolean => v instanceof RegExp || v instanceof BSONRegExp

/**
 * The foreign filter for one document, as MongoDB builds it: `$eq` for one value, `$in` for several,
 * an `$or` of `$eq`s when a value is a regular expression (`$in` would match it as a pattern),
 * merged with the sub-pipeline's leading `$match` (kept flat when it can be, so the planner and
 * index counts see plain equalities).
 */
export function foreignFilter(foreignField: string, values: unknown[], leadingMatch: Doc | undefined): Doc {
  let cond: Doc
  if (values.some(isRegex)) cond = { $or: values.map((v) => ({ [foreignField]: { $eq: v } })) }
  else if (values.length === 1)
    cond = { [foreignField]: isSimpleScalar(values[0]) && values[0] !== null ? values[0] : { $eq: values[0] } }
  else cond = { [foreignField]: { $in: values } }
  if (!leadingMatch) return cond
  const field = Object.keys(cond)[0]
  if (!(field in leadingMatch)) return { ...cond, ...leadingMatch }
  return { $and: [cond, leadingMatch] }
}

/** Whether the planner can read foreignField's matches from an index (else the join hashes). */
export function hasIndexOn(coll: Collection | undefined, field: string): boolean {
  if (!coll) return false
  for (const ix of coll.indexes.values())
    if (ix.fields[0] === field && ix.spec.key[field] !== 'hashed' && !ix.sparse && !ix.isPartial) return true
  return false
}

/**
 * Groups foreign documents by the values their foreignField equals (each array element and the
 * array itself; null for missing or null), in keyString terms (1, 1.0 and 1L are one key, as in MongoDB).
 */
export function hashForeign(foreign: Doc[], foreignField: string): Map<string, number[]> {
  const byKey = new Map<string, number[]>()
  const add = (k: string, i: number) => {
    const list = byKey.get(k)
    if (!list) byKey.set(k, [i])
    else if (list[list.length - 1] !== i) list.push(i)
  }
  foreign.forEach((d, i) => {
    const v = getPath(d, foreignField)
    if (v === undefined || v === null) return add(keyString(null), i)
    if (Array.isArray(v)) for (const x of v) add(keyString(x ?? null), i)
    add(keyString(v), i)
  })
  return byKey
}

/** The foreign documents (in their order) whose foreignField equals one of the values. */
export function hashMatches(foreign: Doc[], byKey: Map<string, number[]>, values: unknown[]): Doc[] {
  const at = new Set<number>()
  for (const v of values) for (const i of byKey.get(keyString(v)) ?? []) at.add(i)
  return [...at].sort((a, b) => a - b).map((i) => foreign[i])
}

/** Copies of the documents when later stages may change what they are given (stored documents are shared). */
export const maybeCopies = (docs: Doc[], copy: boolean): Doc[] => (copy ? docs.map(clone) : docs)
