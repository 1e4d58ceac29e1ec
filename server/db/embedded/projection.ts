// find/findAndModify projections with MongoDB 4.4+ rules: inclusion or exclusion (never both, `_id` aside),
// `{_id: 1}` alone returns only _id, `$slice` keeps the other fields, `$elemMatch` and positional `a.$`
// (from the query filter). Aggregation-expression projections go to mingo.
import { clone, getPath, isPlainObject, type Doc } from './bson-utils.js'
import { MongoError, fromMingo } from './errors.js'
import { Query } from './mingo-ctx.js'
import type { TopLevel } from './encoded.js'
import { queryMatchIndex } from './update/paths.js'

type Tree = { [k: string]: Tree | true }

interface Spec {
  inclusion: boolean
  keepId: boolean
  tree: Tree
  slices: [string[], unknown][]
  elemMatch: [string, Query][]
  positional: string[][]
}

function addPath(tree: Tree, parts: string[], full: string): void {
  let cur = tree
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    const last = i === parts.length - 1
    if (cur[p] === true || (last && cur[p] !== undefined))
      throw new MongoError(31249, `Path collision at ${full} remaining portion ${parts.slice(i + 1).join('.') || p}`)
    if (last) cur[p] = true
    else cur = (cur[p] ??= Object.create(null) as Tree) as Tree
  }
}

/** Parse a projection, or undefined when it uses expressions (handled by mingo). */
function parse(projection: Doc): Spec | undefined {
  const spec: Spec = {
    inclusion: false,
    keepId: true,
    tree: Object.create(null) as Tree,
    slices: [],
    elemMatch: [],
    positional: [],
  }
  let mode: 'in' | 'ex' | undefined
  const setMode = (m: 'in' | 'ex', field: string): void => {
    if (mode && mode !== m)
      throw m === 'ex'
        ? new MongoError(31254, `Cannot do exclusion on field ${field} in inclusion projection`)
        : new MongoError(31253, `Cannot do inclusion on field ${field} in exclusion projection`)
    mode = m
  }
  const included: string[][] = []
  const excluded: string[][] = []
  for (const [k, v] of Object.entries(projection)) {
    if (k.startsWith('$')) return undefined
    if (isPlainObject(v)) {
      const ks = Object.keys(v)
      if (ks.length === 1 && ks[0] === '$slice') {
        const a = v.$slice
        if (!(typeof a === 'number' || (Array.isArray(a) && a.length === 2 && a.every((x) => typeof x === 'number'))))
          throw new MongoError(28724, 'First argument to $slice must be an array')
        if (Array.isArray(a) && (a[1] as number) <= 0)
          throw new MongoError(28724, 'Second argument to $slice must be a positive number')
        spec.slices.push([k.split('.'), a])
        continue
      }
      if (ks.length === 1 && ks[0] === '$elemMatch') {
        if (k.includes('.')) throw new MongoError(2, 'Cannot use $elemMatch projection on a nested field.')
        if (!isPlainObject(v.$elemMatch)) throw new MongoError(2, '$elemMatch argument must be an object')
        setMode('in', k)
        let q: Query
        try {
          q = new Query({ [k]: { $elemMatch: v.$elemMatch } })
        } catch (e) {
          throw fromMingo(e, 'query')
        }
        spec.elemMatch.push([k, q])
        included.push([k])
        continue
      }
      return undefined
    }
    if (typeof v !== 'number' && typeof v !== 'boolean') return undefined
    const on = !!v
    if (k === '_id') {
      spec.keepId = on
      continue
    }
    if (k.endsWith('.$')) {
      if (!on) throw new MongoError(31395, `positional projection cannot be used with exclusion`)
      setMode('in', k)
      const parts = k.slice(0, -2).split('.')
      spec.positional.push(parts)
      included.push(parts)
      continue
    }
    if (k.split('.').includes('$'))
      throw new MongoError(
        31394,
        `Positional projection '${k}' contains the positional operator in the middle of the path`,
      )
    setMode(on ? 'in' : 'ex', k)
    ;(on ? included : excluded).push(k.split('.'))
  }
  spec.inclusion =
    mode === 'in' || (mode === undefined && projection._id !== undefined && !!projection._id && !spec.slices.length)
  if (spec.inclusion) for (const [parts] of spec.slices) included.push(parts)
  for (const parts of spec.inclusion ? included : excluded) addPath(spec.tree, parts, parts.join('.'))
  return spec
}

function include(doc: Doc, tree: Tree, out: Doc = {}): Doc {
  for (const k in doc) {
    if (!Object.hasOwn(doc, k)) continue
    const t = tree[k]
    if (t === undefined) continue
    if (t === true) out[k] = doc[k]
    else {
      const v = doc[k]
      if (isPlainObject(v)) out[k] = include(v, t)
      else if (Array.isArray(v)) out[k] = includeArray(v, t)
    }
  }
  return out
}

function includeArray(arr: unknown[], t: Tree): unknown[] {
  const out: unknown[] = []
  for (const e of arr) {
    if (isPlainObject(e)) out.push(include(e, t))
    else if (Array.isArray(e)) out.push(includeArray(e, t))
  }
  return out
}

function exclude(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) return v.map((e) => (isPlainObject(e) || Array.isArray(e) ? exclude(e, tree) : e))
  if (!isPlainObject(v)) return v
  const out: Doc = {}
  for (const k of Object.keys(v)) {
    const t = tree[k]
    if (t === true) continue
    out[k] = t === undefined ? v[k] : exclude(v[k], t)
  }
  return out
}

function sliceArr(arr: unknown[], a: unknown): unknown[] {
  if (typeof a === 'number') return a >= 0 ? arr.slice(0, a) : arr.slice(Math.max(0, arr.length + a))
  const [skip, limit] = a as [number, number]
  const start = skip >= 0 ? Math.min(skip, arr.length) : Math.max(0, arr.length + skip)
  return arr.slice(start, start + limit)
}

/** Replace the value at `parts` (through documents and arrays of documents) by fn(value). */
function mapAt(v: unknown, parts: string[], fn: (x: unknown[]) => unknown): unknown {
  if (!parts.length) return Array.isArray(v) ? fn(v) : v
  if (Array.isArray(v)) return v.map((e) => (isPlainObject(e) ? mapAt(e, parts, fn) : e))
  if (!isPlainObject(v) || !(parts[0] in v)) return v
  return { ...v, [parts[0]]: mapAt(v[parts[0]], parts.slice(1), fn) }
}

function applySpec(stored: Doc, spec: Spec, filter: Doc | undefined): Doc {
  let out: Doc
  if (spec.inclusion && spec.keepId && stored._id !== undefined && !Object.hasOwn(spec.tree, '_id')) {
    // _id first, then the included fields in document order (one object, no re-spread).
    out = include(stored, spec.tree, { _id: stored._id })
  } else {
    out = spec.inclusion ? include(stored, spec.tree) : (exclude(stored, spec.tree) as Doc)
    if (spec.keepId && stored._id !== undefined && !('_id' in out)) out = { _id: stored._id, ...out }
  }
  if (!spec.keepId) delete out._id
  for (const [parts, a] of spec.slices) out = mapAt(out, parts, (arr) => sliceArr(arr, a)) as Doc
  for (const [k, q] of spec.elemMatch) {
    const arr = stored[k]
    const hit = Array.isArray(arr) ? arr.find((e) => q.test({ [k]: [e] })) : undefined
    if (hit === undefined) delete out[k]
    else out[k] = [hit]
  }
  for (const parts of spec.positional) {
    const arr = getPath(stored, parts.join('.'))
    if (!Array.isArray(arr)) continue
    const i = queryMatchIndex(filter, parts, arr)
    if (i < 0)
      throw new MongoError(
        51246,
        "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
      )
    out = mapAt(out, parts, () => [arr[i]]) as Doc
  }
  return out
}

export function project(docs: Doc[], projection: Doc | undefined, filter?: Doc): Doc[] {
  if (!projection || !isPlainObject(projection) || Object.keys(projection).length === 0) return docs
  const spec = parse(projection)
  if (spec) return docs.map((d) => applySpec(d, spec, filter))
  try {
    return new Query({}).find(docs.map(clone), projection).all() as Doc[]
  } catch (e) {
    throw fromMingo(e, 'query')
  }
}

/**
 * The projection as a choice of top-level fields (encoded.ts copies those elements' bytes), or undefined when
 * it needs project(): dotted paths, $slice, $elemMatch, positional or expressions. `null`: no projection.
 */
export function topLevelProjection(projection: Doc | undefined): TopLevel | null | undefined {
  if (!projection || !isPlainObject(projection) || Object.keys(projection).length === 0) return null
  const spec = parse(projection)
  if (!spec || spec.slices.length || spec.elemMatch.length || spec.positional.length) return undefined
  const fields = new Set<string>()
  for (const k in spec.tree) {
    if (spec.tree[k] !== true) return undefined
    fields.add(k)
  }
  const key = `${spec.inclusion ? 'in' : 'ex'}${spec.keepId ? '+' : '-'}${[...fields].join('\0')}`
  return { inclusion: spec.inclusion, fields, keepId: spec.keepId, key }
}
