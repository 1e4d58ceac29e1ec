// Update paths the way mongod resolves them: validation, conflict detection (component prefixes, so
// `kids.$[].x` and `kids.$[].y` do not clash), MongoDB 5's processing order, and expansion of a path
// (with `$`, `$[]` and `$[id]`) into the concrete (parent, key) slots an operator changes.
import { Query } from '../mingo-ctx.js'
import { isPlainObject, shellString, type Doc } from '../bson-utils.js'
import { MongoError } from '../errors.js'
import { typeName } from './values.js'

export interface Slot {
  parent: Doc | unknown[]
  key: string | number
}

export interface PathCtx {
  doc: Doc
  /** the update's query filter (for the positional `$`) */
  query: Doc | undefined
  /** compiled array filters by identifier */
  filters: Map<string, Query>
  usedFilters: Set<string>
  positional: Map<string, number>
}

export const isPositional = (p: string): boolean => p === '$' || (p.startsWith('$[') && p.endsWith(']'))

/** Split and validate an update path (mongod's EmptyFieldName / DollarPrefixedFieldName rules). */
export function splitPath(path: string, insert = false): string[] {
  if (path === '') throw new MongoError(56, 'An empty update path is not valid.')
  const parts = path.split('.')
  if (parts.some((p) => p === ''))
    throw new MongoError(56, `The update path '${path}' contains an empty field name, which is not allowed.`)
  if (parts[0].startsWith('$') && !insert)
    throw new MongoError(52, `The dollar ($) prefixed field '${parts[0]}' in '${path}' is not valid for storage.`)
  let dollar = 0
  for (const p of parts) {
    if (p === '$') dollar++
  }
  if (dollar > 1) throw new MongoError(2, `Too many positional (i.e. '$') elements found in path '${path}'`)
  return parts
}

const isIndex = (p: string): boolean => /^(0|[1-9]\d*)$/.test(p)

/** Compare paths component-wise, numeric names in numeric order (MongoDB 5 update order). */
export function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue
    if (isIndex(a[i]) && isIndex(b[i])) return Number(a[i]) - Number(b[i])
    return a[i] < b[i] ? -1 : 1
  }
  return a.length - b.length
}

/** ConflictingUpdateOperators (40) when one path is a prefix of (or equal to) another. */
export function checkConflicts(paths: { path: string; parts: string[] }[]): void {
  const sorted = [...paths].sort((x, y) => comparePaths(x.parts, y.parts))
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1].parts,
      b = sorted[i].parts
    if (a.length <= b.length && a.every((p, j) => p === b[j]))
      throw new MongoError(
        40,
        `Updating the path '${sorted[i].path}' would create a conflict at '${sorted[i - 1].path}'`,
      )
  }
}

function put(parent: Doc | unknown[], key: string | number, v: unknown): void {
  if (Array.isArray(parent)) {
    const i = key as number
    while (parent.length < i) parent.push(null)
    parent[i] = v
  } else if (key === '__proto__')
    Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true })
  else parent[key as string] = v
}

export function getSlot(s: Slot): unknown {
  return Array.isArray(s.parent)
    ? s.parent[s.key as number]
    : Object.hasOwn(s.parent, s.key)
      ? (s.parent as Doc)[s.key as string]
      : undefined
}

export function setSlot(s: Slot, v: unknown): void {
  put(s.parent, s.key, v)
}

export function hasSlot(s: Slot): boolean {
  return Array.isArray(s.parent) ? (s.key as number) < s.parent.length : Object.hasOwn(s.parent, s.key)
}

export function unsetSlot(s: Slot): void {
  if (Array.isArray(s.parent)) {
    if ((s.key as number) < s.parent.length) s.parent[s.key as number] = null
  } else delete (s.parent as Doc)[s.key as string]
}

function notViable(part: string, holder: string, v: unknown): MongoError {
  return new MongoError(28, `Cannot create field '${part}' in element {${holder}: ${shellString(v)}}`)
}

/** Nested document `{a: {b: [elem]}}` for testing query clauses on one array element. */
function wrap(prefix: string[], elem: unknown): Doc {
  const root: Doc = {}
  let cur = root
  prefix.forEach((p, i) => {
    const v = i === prefix.length - 1 ? [elem] : {}
    cur[p] = v
    cur = v as Doc
  })
  return root
}

function clausesFor(filter: Doc, prefix: string, out: Doc[]): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) v.forEach((x) => isPlainObject(x) && clausesFor(x, prefix, out))
    else if (k === prefix || k.startsWith(prefix + '.')) out.push({ [k]: v })
  }
}

/** Index of the first element of `arr` (at `prefix`) that the query's clauses on that array match, or -1. */
export function queryMatchIndex(query: Doc | undefined, prefix: string[], arr: unknown[]): number {
  const key = prefix.join('.')
  const clauses: Doc[] = []
  if (query) clausesFor(query, key, clauses)
  if (!clauses.length) return -1
  const all = new Query({ $and: clauses })
  const found = arr.findIndex((e) => all.test(wrap(prefix, e)))
  if (found >= 0) return found
  const last = new Query(clauses[clauses.length - 1])
  return arr.findIndex((e) => last.test(wrap(prefix, e)))
}

/** Index of the array element the query matched (mongod's positional `$`), or BadValue 2. */
function positionalIndex(ctx: PathCtx, prefix: string[], arr: unknown[]): number {
  const key = prefix.join('.')
  const known = ctx.positional.get(key)
  if (known !== undefined) return known
  const found = queryMatchIndex(ctx.query, prefix, arr)
  if (found < 0) throw new MongoError(2, 'The positional operator did not find the match needed from the query.')
  ctx.positional.set(key, found)
  return found
}

function selectIndexes(ctx: PathCtx, part: string, prefix: string[], arr: unknown[]): number[] {
  if (part === '$') return [positionalIndex(ctx, prefix, arr)]
  if (part === '$[]') return arr.map((_, i) => i)
  const id = part.slice(2, -1)
  const q = ctx.filters.get(id)
  if (!q) throw new MongoError(2, `No array filter found for identifier '${id}' in path '${prefix.join('.')}.${part}'`)
  ctx.usedFilters.add(id)
  const out: number[] = []
  arr.forEach((e, i) => q.test({ [id]: e }) && out.push(i))
  return out
}

/**
 * Expand a path into the slots to change. `create`: intermediate documents are made as needed and a path
 * that cannot exist is PathNotViable (28); otherwise such paths are simply skipped (no-op operators).
 */
export function resolveSlots(ctx: PathCtx, parts: string[], create: boolean): Slot[] {
  const out: Slot[] = []
  const walk = (node: Doc | unknown[], i: number, seen: string[], holder: string): void => {
    const part = parts[i]
    const last = i === parts.length - 1
    if (isPositional(part)) {
      if (part === '$' && !ctx.query)
        throw new MongoError(2, 'The positional operator did not find the match needed from the query.')
      const idx = Array.isArray(node) ? selectIndexes(ctx, part, seen, node) : []
      for (const k of idx) {
        if (last) out.push({ parent: node, key: k })
        else descend(node, k, (node as unknown[])[k], i, [...seen, String(k)], String(k))
      }
      return
    }
    let key: string | number = part
    if (Array.isArray(node)) {
      if (!isIndex(part)) {
        if (create) throw notViable(part, holder, node)
        return
      }
      key = Number(part)
    }
    if (last) {
      out.push({ parent: node, key })
      return
    }
    descend(node, key, getSlot({ parent: node, key }), i, [...seen, part], part)
  }
  const descend = (
    node: Doc | unknown[],
    key: string | number,
    child: unknown,
    i: number,
    seen: string[],
    name: string,
  ): void => {
    const next = parts[i + 1]
    if (child === undefined) {
      if (isPositional(next)) {
        if (create)
          throw new MongoError(
            2,
            `The path '${seen.join('.')}' must exist in the document in order to apply array updates.`,
          )
        return
      }
      if (!create) return
      child = {}
      put(node, key, child)
    }
    if (isPositional(next) && !Array.isArray(child)) {
      if (create || next !== '$')
        throw new MongoError(2, `Cannot apply array updates to non-array element ${name}: ${shellString(child)}`)
      return
    }
    if (Array.isArray(child) || isPlainObject(child)) return walk(child as Doc | unknown[], i + 1, seen, name)
    if (create) throw notViable(next, name, child)
  }
  walk(ctx.doc, 0, [], '')
  return out
}

/** Type name used in mongod's messages for the value at a slot. */
export function slotType(s: Slot): string {
  return typeName(getSlot(s))
}
