// Operator-style updates ({$set: …, $inc: …}) applied the way mongod does: every path validated and
// checked for conflicts first, then applied in MongoDB 5's field order to a copy of the document.
import { Query } from '../mingo-ctx.js'
import { clone, isPlainObject, type Doc } from '../bson-utils.js'
import { MongoError, fromMingo } from '../errors.js'
import { OPS } from './ops.js'
import {
  checkConflicts,
  comparePaths,
  getSlot,
  resolveSlots,
  setSlot,
  splitPath,
  unsetSlot,
  type PathCtx,
} from './paths.js'

export interface OpsOptions {
  query?: Doc
  arrayFilters?: Doc[]
  insert?: boolean
}

interface Entry {
  op: string
  path: string
  parts: string[]
  arg: unknown
}

function compileFilters(arrayFilters: Doc[] | undefined): Map<string, Query> {
  const out = new Map<string, Query>()
  if (arrayFilters === undefined) return out
  if (!Array.isArray(arrayFilters))
    throw new MongoError(14, "BSON field 'arrayFilters' is the wrong type, expected array")
  for (const f of arrayFilters) {
    if (!isPlainObject(f)) throw new MongoError(14, 'arrayFilters must be objects')
    let id: string | undefined
    for (const k of Object.keys(f)) {
      const top = k.split('.')[0]
      if (top.startsWith('$')) continue
      if (id !== undefined && id !== top)
        throw new MongoError(
          9,
          `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${top}'`,
        )
      id = top
    }
    if (id === undefined)
      throw new MongoError(9, 'Cannot use an expression without a top-level field name in arrayFilters')
    if (!/^[a-z][a-zA-Z0-9]*$/.test(id))
      throw new MongoError(
        2,
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`,
      )
    if (out.has(id)) throw new MongoError(9, `Found multiple array filters with the same top-level field name ${id}`)
    try {
      out.set(id, new Query(f))
    } catch (e) {
      throw fromMingo(e, 'query')
    }
  }
  return out
}

function rename(ctx: PathCtx, e: Entry, to: string[]): void {
  const fromSlots = resolveSlots(ctx, e.parts, false)
  const src = fromSlots[0]
  if (!src || getSlot(src) === undefined) return
  if (Array.isArray(src.parent))
    throw new MongoError(2, `The source field cannot be an array element, '${e.path}' in doc with ${e.path}`)
  const value = getSlot(src)
  unsetSlot(src)
  const dest = resolveSlots(ctx, to, true)
  for (const d of dest) {
    if (Array.isArray(d.parent))
      throw new MongoError(2, `The destination field cannot be an array element, '${to.join('.')}'`)
    setSlot(d, value)
  }
}

/** Apply an operator update to a copy of `old`; returns the copy (the caller decides if it changed). */
export function applyOps(old: Doc, update: Doc, opts: OpsOptions): Doc {
  const entries: Entry[] = []
  const renames = new Map<Entry, string[]>()
  for (const [op, spec] of Object.entries(update)) {
    if (op === '$setOnInsert' && !opts.insert) {
      for (const p of Object.keys(spec as Doc)) splitPath(p)
    }
    for (const [path, arg] of Object.entries(spec as Doc)) {
      const parts = splitPath(path, opts.insert)
      const e = { op, path, parts, arg }
      if (op === '$rename') {
        if (typeof arg !== 'string')
          throw new MongoError(2, `The 'to' field for $rename must be a string: ${path}: ${String(arg)}`)
        const to = splitPath(arg)
        if (parts.some((p) => p.startsWith('$')) || to.some((p) => p.startsWith('$')))
          throw new MongoError(2, `The source field for $rename may not be dynamic: ${path}`)
        if (path === arg)
          throw new MongoError(2, `The source and target field for $rename must differ: ${path}: "${arg}"`)
        if (path.startsWith(arg + '.') || arg.startsWith(path + '.'))
          throw new MongoError(
            2,
            `The source and target field for $rename must not be on the same path: ${path}: "${arg}"`,
          )
        renames.set(e, to)
        entries.push(e, { op: '$rename-to', path: arg, parts: to, arg: path })
        continue
      }
      if (op === '$setOnInsert' && !opts.insert) continue
      entries.push(e)
    }
  }
  checkConflicts(entries)
  const ctx: PathCtx = {
    doc: clone(old),
    query: opts.query,
    filters: compileFilters(opts.arrayFilters),
    usedFilters: new Set(),
    positional: new Map(),
  }
  for (const e of entries.sort((a, b) => comparePaths(a.parts, b.parts))) {
    if (e.op === '$rename-to') continue
    if (e.op === '$rename') rename(ctx, e, renames.get(e)!)
    else OPS[e.op](ctx, e.parts, e.arg, e.path)
  }
  for (const id of ctx.filters.keys())
    if (!ctx.usedFilters.has(id) && !entries.some((e) => e.parts.includes(`$[${id}]`)))
      throw new MongoError(
        9,
        `The array filter for identifier '${id}' was not used in the update ${JSON.stringify(update)}`,
      )
  return ctx.doc
}
