// Read commands: find, getMore, killCursors, aggregate, count, distinct, explain.
import { Aggregator } from '../mingo-ctx.js'
import { clone, getPath, isPlainObject, keyString, type Doc } from '../bson-utils.js'
import { collatorFor, effectiveCollation } from '../collation.js'
import { MongoError, fromMingo } from '../errors.js'
import { project } from '../query.js'
import { topLevelProjection } from '../projection.js'
import type { StoredDocs } from '../cursors.js'
import type { Collection } from '../collection.js'
import {
  equalityLookup,
  foreignFilter,
  hashForeign,
  hashMatches,
  hasIndexOn,
  localValues,
  maybeCopies,
  type EqualityLookup,
} from '../lookup.js'
import type { CommandEnv, Handler } from './context.js'

function num(v: unknown, dflt?: number): number | undefined {
  if (v === undefined || v === null) return dflt
  const n = Number(v)
  if (!Number.isFinite(n)) throw new MongoError(14, `expected a number, got ${String(v)}`)
  return n
}

interface FindResult {
  docs: Doc[]
  ns: string
  /** Set when `docs` are stored documents and the projection is left to the encoder (cursors.ts). */
  stored?: StoredDocs
}

function runFind(env: CommandEnv, cmd: Doc): FindResult {
  const ns = env.store.ns(env.db, cmd.find)
  const skip = num(cmd.skip, 0)!
  if (skip < 0) throw new MongoError(51024, `BSON field 'skip' value must be >= 0, actual value '${skip}'`)
  let limit = num(cmd.limit, 0)!
  if (limit < 0) limit = -limit
  if (cmd.filter !== undefined && !isPlainObject(cmd.filter))
    throw new MongoError(14, "BSON field 'FindCommandRequest.filter' is the wrong type, expected type 'object'")
  const sort = isPlainObject(cmd.sort) && Object.keys(cmd.sort).length ? cmd.sort : undefined
  const matched = env.ctx.select(env.ctx.coll(ns), cmd.filter as Doc | undefined, {
    sort,
    collation: cmd.collation,
    hint: cmd.hint,
    limit: limit ? skip + limit : undefined,
  })
  const page = matched.slice(skip, limit ? skip + limit : undefined)
  const coll = env.ctx.coll(ns)
  // Stored documents (not a view's computed ones) with a top-level projection or none: encoded from cache.
  const top = coll && !coll.options.viewOn ? topLevelProjection(cmd.projection as Doc | undefined) : undefined
  if (top !== undefined) return { docs: page, ns, stored: { projection: top } }
  return { docs: project(page, cmd.projection as Doc | undefined, cmd.filter as Doc | undefined), ns }
}

const find: Handler = (env) => {
  const { docs, ns, stored } = runFind(env, env.cmd)
  // A negative limit is the legacy "one batch of |limit| docs" request.
  const negative = Number(env.cmd.limit) < 0
  const single = !!env.cmd.singleBatch || negative
  const bs = negative ? docs.length : num(env.cmd.batchSize)
  return { cursor: env.cursors.first(ns, docs, bs, single, stored), ok: 1 }
}

const getMore: Handler = (env) => {
  const ns = env.store.ns(env.db, env.cmd.collection)
  return { cursor: env.cursors.more(Number(env.cmd.getMore), ns, num(env.cmd.batchSize)), ok: 1 }
}

const killCursors: Handler = (env) => env.cursors.kill(((env.cmd.cursors as unknown[]) ?? []).map(Number))

const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$currentOp',
  '$collStats',
  '$indexStats',
  '$listSessions',
  '$planCacheStats',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$geoNear',
  '$changeStream',
  '$listLocalSessions',
])

const READ_ONLY_STAGES = new Set([
  '$match',
  '$group',
  '$count',
  '$sort',
  '$limit',
  '$skip',
  '$sortByCount',
  '$project',
  '$unwind',
])

/**
 * Whether mingo leaves a stage's input documents as they are. `$project` only when it neither names a
 * nested path nor holds a nested specification (mingo removes nested exclusions in place); an equality
 * $lookup run by the engine makes new documents.
 */
function isReadOnlyStage(stage: Doc): boolean {
  const name = Object.keys(stage)[0]
  if (equalityLookup(stage)) return true
  if (!READ_ONLY_STAGES.has(name)) return false
  if (name !== '$project' || !isPlainObject(stage.$project)) return true
  return Object.entries(stage.$project).every(
    ([k, v]) => !k.includes('.') && !(isPlainObject(v) && Object.keys(v).some((op) => !op.startsWith('$'))),
  )
}

/** Whether a filter uses `$expr` anywhere (then mingo evaluates the whole $match). */
function hasExpr(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasExpr)
  if (!isPlainObject(v)) return false
  for (const k in v) if (k === '$expr' || hasExpr(v[k])) return true
  return false
}

function isCountGroup(stage: Doc): boolean {
  const g = stage.$group
  if (!isPlainObject(g) || g._id !== 1 || Object.keys(g).length !== 2 || !isPlainObject(g.n)) return false
  const n = g.n as Doc
  return Object.keys(n).length === 1 && n.$sum === 1
}

function runAggregate(env: CommandEnv, cmd: Doc, now = Date.now()): { docs: Doc[]; ns: string } {
  if (!Array.isArray(cmd.pipeline)) throw new MongoError(14, "'pipeline' option must be specified as an array")
  const pipeline = cmd.pipeline as Doc[]
  for (const st of pipeline) {
    if (!isPlainObject(st) || Object.keys(st).length !== 1)
      throw new MongoError(40323, 'A pipeline stage specification object must contain exactly one field.')
    const name = Object.keys(st)[0]
    if (UNSUPPORTED_STAGES.has(name)) throw new MongoError(115, `${name} is not supported by the embedded engine`)
  }
  if (typeof cmd.aggregate !== 'string') {
    // Database-level aggregate ({aggregate: 1}): a pipeline that starts with $documents.
    if (cmd.aggregate !== 1 || !pipeline.length || !('$documents' in pipeline[0]))
      throw new MongoError(
        cmd.aggregate === 1 ? 73 : 14,
        cmd.aggregate === 1
          ? `{aggregate: 1} is not valid for '${Object.keys(pipeline[0] ?? { '(empty)': 1 })[0]}'; a collection is required.`
          : "'aggregate' must be a string or the number 1",
      )
    try {
      const agg = new Aggregator(pipeline, { variables: cmd.let as Doc | undefined, now })
      return { docs: agg.run([]) as Doc[], ns: `${env.db}.$cmd.aggregate` }
    } catch (e) {
      throw fromMingo(e, 'pipeline')
    }
  }
  const ns = env.store.ns(env.db, cmd.aggregate)
  let rest = pipeline
  let input: Doc[]
  const c = env.ctx.coll(ns)
  if (pipeline.length && isPlainObject(pipeline[0].$match) && !hasExpr(pipeline[0].$match)) {
    // Leading $match goes through the planner so aggregate uses indexes too.
    const sort = isPlainObject(pipeline[1]?.$sort) ? (pipeline[1].$sort as Doc) : undefined
    // A $limit right after (the $sort) lets the scan stop early; the stage itself still runs below.
    const lim = pipeline[sort ? 2 : 1]?.$limit
    const limit = typeof lim === 'number' && lim > 0 ? lim : undefined
    rest = pipeline.slice(sort ? 2 : 1)
    // countDocuments() is [$match, {$group: {_id: 1, n: {$sum: 1}}}]: answer it without mingo, from an
    // index's entry count where that is exact.
    if (rest.length === 1 && isCountGroup(rest[0])) {
      const opts = { collation: cmd.collation, hint: cmd.hint }
      const n = sort
        ? env.ctx.select(c, pipeline[0].$match as Doc, opts).length
        : env.ctx.countMatches(c, pipeline[0].$match as Doc, opts)
      return { docs: n ? [{ _id: 1, n }] : [], ns }
    }
    input = env.ctx.select(c, pipeline[0].$match as Doc, { sort, limit, collation: cmd.collation, hint: cmd.hint })
  } else {
    input = env.ctx.select(c, {}, { hint: cmd.hint })
  }
  return { docs: runStages(env, cmd, c, rest, input, now), ns }
}

/**
 * Runs `stages` over `input` (documents of `c`, stored ones shared with the store): equality
 * $lookups here (lookup.ts), the stages between them in mingo. `now` is the command's one `$$NOW`.
 */
function runStages(
  env: CommandEnv,
  cmd: Doc,
  c: Collection | undefined,
  stages: Doc[],
  input: Doc[],
  now: number,
): Doc[] {
  if (!stages.length) return input
  const resolver = (name: string): Doc[] => env.ctx.select(env.ctx.coll(`${env.db}.${name}`), {}).map(clone)
  // mingo may modify its input in place; stored docs are shared, so copy unless every stage only reads.
  let docs = stages.every(isReadOnlyStage) ? input : input.map(clone)
  const runMingo = (part: Doc[]): void => {
    if (!part.length) return
    try {
      const agg = new Aggregator(part, {
        collectionResolver: resolver,
        variables: cmd.let as Doc | undefined,
        collation: effectiveCollation(cmd.collation, c?.options) as never,
        now,
      })
      docs = agg.run(docs) as Doc[]
    } catch (e) {
      throw fromMingo(e, 'pipeline')
    }
  }
  let from = 0
  for (let i = 0; i < stages.length; i++) {
    const lookup = equalityLookup(stages[i])
    if (!lookup) continue
    runMingo(stages.slice(from, i))
    // The joined documents are the store's own unless a later stage may change them.
    docs = runLookup(env, cmd, c, lookup, docs, !stages.slice(i + 1).every(isReadOnlyStage), now)
    from = i + 1
  }
  runMingo(stages.slice(from))
  return docs
}

const SIMPLE_COLLATION = { locale: 'simple' }

/**
 * One equality $lookup over `docs` (see lookup.ts): through the planner per document when the foreign
 * field has an index, else one read of the foreign collection hashed by that field (under a
 * non-simple collation, per document: hashing compares binary). The equality follows the aggregate's
 * collation (the command's, else the local collection's), as in MongoDB.
 */
function runLookup(
  env: CommandEnv,
  cmd: Doc,
  local: Collection | undefined,
  lookup: EqualityLookup,
  docs: Doc[],
  copy: boolean,
  now: number,
): Doc[] {
  const collation = effectiveCollation(cmd.collation, local?.options) ?? SIMPLE_COLLATION
  const [first, ...more] = lookup.pipeline
  const leading = first && isPlainObject(first.$match) && !hasExpr(first.$match) ? (first.$match as Doc) : undefined
  const tail = leading ? more : lookup.pipeline
  const sub = (pipeline: Doc[]) => ({ aggregate: lookup.from, pipeline, collation, let: cmd.let })
  const plan = env.ctx.lastPlan // explain reports the outer read's plan, not the last join's
  try {
    const foreignColl = env.ctx.coll(env.store.ns(env.db, lookup.from))
    if (!collatorFor(collation) && !hasIndexOn(foreignColl, lookup.foreignField)) {
      const foreign = runAggregate(env, sub(leading ? [{ $match: leading }] : []), now).docs
      const byKey = hashForeign(foreign, lookup.foreignField)
      return docs.map((d) => {
        const matched = hashMatches(foreign, byKey, localValues(d, lookup.localField))
        const joined = runStages(env, sub(tail), foreignColl, tail, matched, now)
        return { ...d, [lookup.as]: maybeCopies(joined, copy) }
      })
    }
    return docs.map((d) => {
      const filter = foreignFilter(lookup.foreignField, localValues(d, lookup.localField), leading)
      const joined = runAggregate(env, sub([{ $match: filter }, ...tail]), now).docs
      return { ...d, [lookup.as]: maybeCopies(joined, copy) }
    })
  } finally {
    env.ctx.lastPlan = plan
  }
}

const aggregate: Handler = (env) => {
  if (env.cmd.explain) return explainOf(env, env.cmd, () => runAggregate(env, env.cmd).docs.length)
  if (!isPlainObject(env.cmd.cursor) && !env.cmd.explain)
    throw new MongoError(9, "The 'cursor' option is required, except for aggregate with the explain argument")
  const { docs, ns } = runAggregate(env, env.cmd)
  const bs = (env.cmd.cursor as Doc).batchSize
  return { cursor: env.cursors.first(ns, docs, num(bs), false), ok: 1 }
}

const count: Handler = (env) => {
  const ns = env.store.ns(env.db, env.cmd.count)
  const c = env.ctx.coll(ns)
  const q = env.cmd.query as Doc | undefined
  let n: number
  if (c && !c.options.viewOn && !env.ctx.txn && (!q || Object.keys(q).length === 0)) n = c.docs.size
  else n = env.ctx.countMatches(c, q ?? {}, { collation: env.cmd.collation, hint: env.cmd.hint })
  const skip = num(env.cmd.skip, 0)!
  n = Math.max(0, n - skip)
  const limit = Math.abs(num(env.cmd.limit, 0)!)
  if (limit) n = Math.min(n, limit)
  return { n, ok: 1 }
}

function runDistinct(env: CommandEnv, cmd: Doc): unknown[] {
  const ns = env.store.ns(env.db, cmd.distinct)
  const key = cmd.key
  if (typeof key !== 'string') throw new MongoError(14, "BSON field 'distinct.key' is missing but a required field")
  const c = env.ctx.coll(ns)
  const query = (cmd.query ?? {}) as Doc
  // From an index alone where that gives the same values (exec.ts, planner.ts); else from the documents.
  const fromIndex = env.ctx.distinctFromIndex(c, key, query, { collation: cmd.collation, hint: cmd.hint })
  if (fromIndex) return fromIndex
  const seen = new Map<string, unknown>()
  const coll = collatorFor(effectiveCollation(cmd.collation, c?.options))
  for (const d of env.ctx.select(c, query, { collation: cmd.collation })) {
    const v = getPath(d, key)
    for (const x of Array.isArray(v) ? v : [v]) {
      if (x === undefined) continue
      const k = keyString(x)
      if (seen.has(k)) continue
      // Under a collation, strings equal to one already seen ('Алма' and 'алма' at strength 2) are one value.
      if (coll && typeof x === 'string' && [...seen.values()].some((y) => typeof y === 'string' && coll(x, y) === 0))
        continue
      seen.set(k, x)
    }
  }
  return [...seen.values()]
}

const distinct: Handler = (env) => ({ values: runDistinct(env, env.cmd), ok: 1 })

function explainOf(env: CommandEnv, inner: Doc, run: () => number): Doc {
  const before = env.stats.scanned
  const keysBefore = env.stats.keysExamined
  const nReturned = run()
  const p = env.ctx.lastPlan
  const stage = p?.stage ?? 'COLLSCAN'
  const winningPlan: Doc =
    stage === 'COLLSCAN'
      ? { stage }
      : stage === 'DISTINCT_SCAN' // values come from the keys; only null keys fetch their documents
        ? { stage: 'PROJECTION_COVERED', inputStage: { stage, indexName: p?.index } }
        : { stage: 'FETCH', inputStage: { stage, indexName: p?.index } }
  const docs = env.stats.scanned - before
  return {
    queryPlanner: { namespace: `${env.db}.${String(Object.values(inner)[0])}`, winningPlan, rejectedPlans: [] },
    executionStats: {
      executionSuccess: true,
      nReturned,
      totalDocsExamined: docs,
      totalKeysExamined: stage === 'DISTINCT_SCAN' ? env.stats.keysExamined - keysBefore : docs,
    },
    ok: 1,
  }
}

const explain: Handler = (env) => {
  const inner = env.cmd.explain
  if (!isPlainObject(inner)) throw new MongoError(9, 'explain command requires a nested object')
  const name = Object.keys(inner)[0]
  if (name === 'find') return explainOf(env, inner, () => runFind(env, inner).docs.length)
  if (name === 'aggregate') return explainOf(env, inner, () => runAggregate(env, inner).docs.length)
  if (name === 'distinct') return explainOf(env, inner, () => runDistinct(env, inner).length)
  if (name === 'count')
    return explainOf(
      env,
      inner,
      () => env.ctx.select(env.ctx.coll(env.store.ns(env.db, inner[name])), (inner.query ?? {}) as Doc).length,
    )
  throw new MongoError(115, `explain of '${name}' is not supported by the embedded engine`)
}

export const readCommands: Record<string, Handler> = { find, getMore, killCursors, aggregate, count, distinct, explain }
