// Per-command execution context: reads through the planner (seeing the session's transaction overlay, if
// any) and writes either straight to committed state (journaled when the command finishes) or into the
// transaction's overlay.
import type { Matcher } from './fast-filter.js'
import { Aggregator } from './mingo-ctx.js'
import { clone, getPath, isPlainObject, keyString, type Doc } from './bson-utils.js'
import { collatorFor, effectiveCollation } from './collation.js'
import type { Collection } from './collection.js'
import { MongoError, fromMingo } from './errors.js'
import { sameKey } from './indexes.js'
import { distinctPlan, indexCount, plan, type Plan } from './planner.js'
import { compileFilter, matches, sortDocs } from './query.js'
import type { Op, Storage } from './storage.js'
import { writeConflict, type Sessions, type Txn } from './transactions.js'

export interface Stats {
  scanned: number
  keysExamined: number
  collscans: number
}

export interface SelectOpts {
  sort?: Doc
  /** stop after this many matches (only when order is already known) */ limit?: number
  /** the command's collation (the collection's default applies when absent) */ collation?: unknown
  /** index name or key pattern, or {$natural: 1} */ hint?: unknown
}

/** The index a hint names; BadValue (2) if there is none, as in mongod. '$natural' forces a scan. */
function hintedIndex(c: Collection, hint: unknown): string | undefined {
  if (hint === undefined || hint === null || (typeof hint === 'object' && !Object.keys(hint).length)) return undefined
  if (isPlainObject(hint) && '$natural' in hint) return '$natural'
  for (const ix of c.indexes.values()) {
    if (typeof hint === 'string' ? ix.spec.name === hint : sameKey(ix.spec.key, hint as Doc)) return ix.spec.name
  }
  throw new MongoError(
    2,
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  )
}

/** The version a committed write replaced (undefined: the document did not exist), to roll it back. */
interface Undo {
  c: Collection
  id: string
  before: Doc | undefined
}

/** Put back what the writes changed, newest first, if they could not be journaled. */
function rollBack(store: Storage, undo: Undo[]): void {
  for (let i = undo.length - 1; i >= 0; i--) {
    const { c, id, before } = undo[i]
    if (store.get(c.ns) === c) c.apply(id, before ?? null, ++store.seq)
  }
}

function notJournaled(e: unknown): MongoError {
  return new MongoError(
    1,
    `the write could not be journaled and was not applied: ${(e as Error)?.message ?? String(e)}`,
  )
}

export class Ctx {
  readonly ops: Op[] = []
  private readonly undo: Undo[] = []
  lastPlan: Plan | undefined
  lastScanned = 0
  constructor(
    readonly store: Storage,
    readonly sessions: Sessions,
    readonly txn: Txn | undefined,
    readonly stats: Stats,
  ) {}

  coll(ns: string): Collection | undefined {
    return this.store.get(ns)
  }

  /** Collection for a write; created implicitly (and journaled) like mongod does. */
  collForWrite(ns: string): Collection {
    const c = this.store.get(ns)
    if (c?.options.viewOn) throw new MongoError(166, `Namespace ${ns} is a view, not a collection`)
    if (c) return c
    const created = this.store.create(ns)
    this.ops.push({ op: 'cc', ns, options: {}, uuid: created.uuid.toHexString() })
    return created
  }

  /** Matching documents (stored references: callers must not mutate them), sorted if asked. */
  select(c: Collection | undefined, filter: Doc | undefined, opts: SelectOpts = {}): Doc[] {
    const collation = effectiveCollation(opts.collation, c?.options)
    const coll = collatorFor(collation)
    const q = compileFilter(filter, coll ? collation : undefined)
    if (!c) return []
    if (c.options.viewOn) return this.selectView(c, q, opts)
    // Index keys are in binary order: under a collation, strings compare differently, so scan.
    const hinted = hintedIndex(c, opts.hint)
    const p: Plan =
      coll || hinted === '$natural'
        ? { ids: null, sorted: !opts.sort, stage: 'COLLSCAN' }
        : plan(c, filter ?? {}, opts.sort, opts.limit, hinted)
    this.lastPlan = p
    const ov = this.txn?.overlays.get(c)
    const out: Doc[] = []
    let scanned = 0
    if (p.sorted && p.ids && !ov) {
      for (const id of p.ids) {
        const d = c.docs.get(id)
        if (!d) continue
        scanned++
        if (matches(q, d)) {
          out.push(d)
          if (opts.limit && out.length >= opts.limit) break
        }
      }
      this.count(scanned, p)
      return out
    }
    const early = opts.sort ? 0 : (opts.limit ?? 0)
    if (p.ids) {
      for (const id of p.ids) {
        if (ov?.has(id)) continue
        const d = c.docs.get(id)
        if (!d) continue
        scanned++
        if (matches(q, d)) {
          out.push(d)
          if (early && out.length >= early) break
        }
      }
    } else {
      for (const [id, d] of c.docs) {
        if (ov?.has(id)) continue
        scanned++
        if (matches(q, d)) {
          out.push(d)
          if (early && out.length >= early) break
        }
      }
    }
    if (ov)
      for (const d of ov.values())
        if (d && matches(q, d)) {
          scanned++
          out.push(d)
        }
    this.count(scanned, p)
    return opts.sort ? sortDocs(out, opts.sort, coll, opts.limit) : out
  }

  /** How many documents match: from an index's entry count when it can tell exactly (planner.ts), else by selecting. */
  countMatches(c: Collection | undefined, filter: Doc | undefined, opts: SelectOpts = {}): number {
    if (c && !c.options.viewOn && !this.txn && opts.hint === undefined) {
      if (!collatorFor(effectiveCollation(opts.collation, c.options))) {
        compileFilter(filter) // the same errors as a select for a malformed filter
        const counted = indexCount(c, filter ?? {})
        if (counted) {
          // Keys are counted, no document is examined (MongoDB's COUNT_SCAN).
          this.lastPlan = counted.index
            ? { ids: null, sorted: true, stage: 'IXSCAN', index: counted.index }
            : { ids: null, sorted: true, stage: 'COLLSCAN' }
          this.lastScanned = 0
          return counted.n
        }
      }
    }
    return this.select(c, filter, opts).length
  }

  /**
   * `distinct` read from an index's sorted entries, one seek per value, without fetching documents
   * (MongoDB's DISTINCT_SCAN) when planner.ts finds an index that gives exactly the values the
   * documents would; undefined otherwise (the caller walks the documents). Only a null key is checked
   * against its documents: the index holds null for a missing field too, and missing is no value.
   */
  distinctFromIndex(
    c: Collection | undefined,
    key: string,
    filter: Doc | undefined,
    opts: SelectOpts = {},
  ): unknown[] | undefined {
    if (!c || c.options.viewOn || this.txn || opts.hint !== undefined) return undefined
    if (collatorFor(effectiveCollation(opts.collation, c.options))) return undefined
    compileFilter(filter) // the same errors as a select for a malformed filter
    const p = distinctPlan(c, key, filter ?? {})
    if (!p) return undefined
    const seen = { keys: 0 }
    let examined = 0
    const out: unknown[] = []
    for (const { value, entries } of p.ix.distinct(p.vals, p.pos, p.bound, seen)) {
      if (value !== null) {
        out.push(value)
        continue
      }
      for (const e of entries) {
        const d = c.docs.get(e.id)
        if (!d) continue
        examined++
        if (getPath(d, key) !== undefined) {
          out.push(null)
          break
        }
      }
    }
    this.lastPlan = { ids: null, sorted: true, stage: 'DISTINCT_SCAN', index: p.ix.spec.name }
    this.lastScanned = examined
    this.stats.scanned += examined
    this.stats.keysExamined += seen.keys
    return out
  }

  /** Read-only views: run the view's pipeline over its source, then filter/sort the output. */
  private selectView(v: Collection, q: Matcher, opts: SelectOpts, depth = 0): Doc[] {
    if (depth > 20) throw new MongoError(1, 'view nesting too deep')
    const src = this.coll(`${v.db}.${String(v.options.viewOn)}`)
    const input = (
      src?.options.viewOn ? this.selectView(src, compileFilter({}), {}, depth + 1) : this.select(src, {})
    ).map(clone)
    let out: Doc[]
    try {
      out = new Aggregator((v.options.pipeline as Doc[]) ?? [], {}).run(input) as Doc[]
    } catch (e) {
      throw fromMingo(e, 'pipeline')
    }
    out = out.filter((d) => matches(q, d))
    return opts.sort ? sortDocs(out, opts.sort, collatorFor(opts.collation)) : out
  }

  private count(n: number, p: Plan): void {
    this.lastScanned = n
    this.stats.scanned += n
    if (!p.ids) this.stats.collscans++
  }

  /** Current version of a document as this context sees it. */
  get(c: Collection, id: string): Doc | undefined {
    const ov = this.txn?.overlays.get(c)
    if (ov?.has(id)) return ov.get(id) ?? undefined
    return c.docs.get(id)
  }

  insert(c: Collection, doc: Doc): void {
    const id = keyString(doc._id)
    if (this.txn) {
      if (this.get(c, id)) throw c.indexes.get('_id_')!.dupError(c.ns, [doc._id])
      this.txnWrite(c, id, doc)
      return
    }
    c.insertChecked(doc, ++this.store.seq)
    this.undo.push({ c, id, before: undefined })
    this.ops.push({ op: 'put', ns: c.ns, doc })
  }

  replace(c: Collection, doc: Doc): void {
    const id = keyString(doc._id)
    if (this.txn) return this.txnWrite(c, id, doc)
    const before = c.docs.get(id)
    c.replaceChecked(id, doc, ++this.store.seq)
    this.undo.push({ c, id, before })
    this.ops.push({ op: 'put', ns: c.ns, doc })
  }

  remove(c: Collection, doc: Doc): void {
    const id = keyString(doc._id)
    if (this.txn) return this.txnWrite(c, id, null)
    const before = c.docs.get(id)
    c.apply(id, null, ++this.store.seq)
    this.undo.push({ c, id, before })
    this.ops.push({ op: 'del', ns: c.ns, id: doc._id })
  }

  private txnWrite(c: Collection, id: string, doc: Doc | null): void {
    const t = this.txn!
    this.sessions.lock(c, id, t)
    const ov = t.overlay(c)
    if (doc) {
      c.checkUnique(doc, id, (other) => ov.has(other))
      for (const ix of c.indexes.values()) {
        if (!ix.unique || ix.spec.name === '_id_') continue
        const mine = new Set(ix.keysFor(doc).map((k) => keyString(k)))
        for (const [oid, od] of ov) {
          if (oid === id || !od) continue
          const clash = ix.keysFor(od).find((k) => mine.has(keyString(k)))
          if (clash) throw ix.dupError(c.ns, clash)
        }
      }
    }
    ov.set(id, doc)
  }

  /**
   * Journal this command's committed changes; resolves when durable. If the journal fails, the
   * documents this command changed are put back, so memory never holds a write that is neither
   * acknowledged nor journaled (the storage then refuses further commands: see Storage.failure).
   */
  async finish(): Promise<void> {
    const ops = this.ops.splice(0)
    const undo = this.undo.splice(0)
    try {
      await this.store.log(ops)
    } catch (e) {
      rollBack(this.store, undo)
      throw notJournaled(e)
    }
  }
}

/** Commit a transaction: conflict + unique checks, then apply everything and journal it as one record. */
export async function commitTxn(store: Storage, sessions: Sessions, t: Txn): Promise<void> {
  if (t.state === 'committed') return
  const ops: Op[] = []
  try {
    for (const [c, ov] of t.overlays) {
      if (store.get(c.ns) !== c) continue // collection dropped meanwhile
      for (const [id, d] of ov) {
        if ((c.versions.get(id) ?? 0) > t.startSeq) throw writeConflict()
        if (d) c.checkUnique(d, id, (other) => ov.has(other))
      }
    }
  } catch (e) {
    sessions.abort(t)
    throw e
  }
  const seq = ++store.seq
  const undo: Undo[] = []
  for (const [c, ov] of t.overlays) {
    if (store.get(c.ns) !== c) continue
    for (const [id, d] of ov) {
      const old = c.docs.get(id)
      c.apply(id, d, seq)
      undo.push({ c, id, before: old })
      if (d) ops.push({ op: 'put', ns: c.ns, doc: d })
      else if (old) ops.push({ op: 'del', ns: c.ns, id: old._id })
    }
  }
  t.state = 'committed'
  sessions.release(t)
  try {
    await store.log(ops)
  } catch (e) {
    rollBack(store, undo)
    throw notJournaled(e)
  }
}

export function requireColl(ctx: Ctx, ns: string): Collection {
  const c = ctx.coll(ns)
  if (!c) throw new MongoError(26, `ns does not exist: ${ns}`)
  return c
}
