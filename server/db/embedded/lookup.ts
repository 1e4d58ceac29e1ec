// $lookup by equality (localField/foreignField, with or without a `pipeline`) run by the engine itself:
// for each input document, the foreign collection is read through the planner with
// `{ foreignField: <local value(s)>, ...the sub-pipeline's leading $match }`, so an index on the
// foreign field is used and a counting sub-pipeline is answered from the index. mingo's own $lookup
// would copy the whole foreign collection for every query. Anything else (`let`, a dotted `as`,
// local values that are documents, regexes or empty arrays) stays with mingo, unchanged.
import { getPath, isPlainObject, isSimpleScalar, type Doc } from './bson-utils.js'

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
 * The values a document's localField is matched by: its scalar, or each element of its array; a
 * missing or null field matches foreign documents whose field is null or missing, as in MongoDB.
 * Undefined when the engine leaves the document to mingo.
 */
export function localValues(doc: Doc, localField: string): unknown[] | undefined {
  const v = getPath(doc, localField)
  if (v === undefined || v === null) return [null]
  if (isSimpleScalar(v)) return [v]
  if (Array.isArray(v) && v.length && v.every(isSimpleScalar)) return [...new Set(v)]
  return undefined
}

/**
 * The foreign filter for one document: the equality on foreignField merged with the sub-pipeline's
 * leading `$match` (kept flat when it can be, so the planner and index counts see plain equalities).
 */
export function foreignFilter(foreignField: string, values: unknown[], leadingMatch: Doc | undefined): Doc {
  const eq = values.length === 1 && values[0] !== null ? values[0] : { $in: values }
  if (!leadingMatch) return { [foreignField]: eq }
  if (!(foreignField in leadingMatch)) return { [foreignField]: eq, ...leadingMatch }
  return { $and: [{ [foreignField]: eq }, leadingMatch] }
}
