// Query planner: picks an index from the filter (equality, $in, ranges on the index's first field) or from
// the sort, returning a SUPERSET of candidate ids; the full filter is always re-applied by mingo, so the
// planner only decides how much is examined, never what matches.
import { isPlainObject, type Doc } from './bson-utils.js';
import type { Collection } from './collection.js';
import type { Bound, Index } from './indexes.js';

export interface Plan {
  /** Candidate ids; null means a collection scan. */
  ids: Iterable<string> | null;
  index?: string;
  /** True when `ids` already come in the requested sort order. */
  sorted: boolean;
  stage: 'IXSCAN' | 'COLLSCAN' | 'IDHACK';
}

interface FieldCond { eq?: unknown[]; lo?: Bound; hi?: Bound }

function indexable(v: unknown): boolean {
  return !(Array.isArray(v) || v instanceof RegExp || (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))));
}

function collect(filter: Doc, out: Map<string, FieldCond>): void {
  for (const [f, c] of Object.entries(filter)) {
    if (f === '$and' && Array.isArray(c)) { for (const sub of c) if (isPlainObject(sub)) collect(sub, out); continue; }
    if (f.startsWith('$')) continue;
    const fc = out.get(f) ?? {};
    if (isPlainObject(c) && Object.keys(c).some((k) => k.startsWith('$'))) {
      if ('$eq' in c && indexable(c.$eq)) fc.eq = [c.$eq];
      if (Array.isArray(c.$in) && c.$in.every(indexable)) fc.eq = c.$in;
      if ('$gt' in c) fc.lo = { value: c.$gt, inclusive: false };
      if ('$gte' in c) fc.lo = { value: c.$gte, inclusive: true };
      if ('$lt' in c) fc.hi = { value: c.$lt, inclusive: false };
      if ('$lte' in c) fc.hi = { value: c.$lte, inclusive: true };
    } else if (indexable(c)) {
      fc.eq = [c];
    }
    if (fc.eq || fc.lo || fc.hi) out.set(f, fc);
  }
}

function usable(ix: Index, fc: FieldCond): boolean {
  if (ix.isPartial) return false;
  if (ix.sparse && (!fc.eq || fc.eq.some((v) => v === null))) return false;
  if (ix.spec.key[ix.fields[0]] === 'hashed' && !fc.eq) return false;
  return true;
}

function sortIndex(coll: Collection, sort: Doc): { ix: Index; reverse: boolean } | null {
  const keys = Object.keys(sort);
  if (!keys.length) return null;
  for (const ix of coll.indexes.values()) {
    if (ix.isPartial || ix.sparse || ix.multikey || ix.fields.length < keys.length) continue;
    let fwd = true, rev = true;
    keys.forEach((k, i) => {
      const d = sort[k] === -1 ? -1 : 1;
      if (ix.fields[i] !== k || typeof sort[k] !== 'number') { fwd = false; rev = false; }
      if (d !== ix.dirs[i]) fwd = false;
      if (d !== -ix.dirs[i]) rev = false;
    });
    if (fwd || rev) return { ix, reverse: rev && !fwd };
  }
  return null;
}

export function plan(coll: Collection, filter: Doc, sort?: Doc): Plan {
  const conds = new Map<string, FieldCond>();
  collect(filter, conds);
  let best: { ix: Index; fc: FieldCond; score: number } | null = null;
  for (const ix of coll.indexes.values()) {
    const fc = conds.get(ix.fields[0]);
    if (!fc || !usable(ix, fc)) continue;
    const score = fc.eq ? (ix.unique && ix.fields.length === 1 ? 3 : 2) + (ix.spec.name === '_id_' ? 1 : 0) : 1;
    if (!best || score > best.score) best = { ix, fc, score };
  }
  if (best) {
    const { ix, fc } = best;
    let ids: string[];
    if (fc.eq) ids = ix.lookupEq(fc.eq);
    else if (ix.multikey) ids = ix.lookupRange(fc.lo ?? undefined, fc.lo ? undefined : fc.hi);
    else ids = ix.lookupRange(fc.lo, fc.hi);
    const dedupe = ix.multikey || (fc.eq && fc.eq.length > 1);
    return { ids: dedupe ? new Set(ids) : ids, index: ix.spec.name, sorted: false, stage: ix.spec.name === '_id_' && fc.eq?.length === 1 ? 'IDHACK' : 'IXSCAN' };
  }
  const s = sort ? sortIndex(coll, sort) : null;
  if (s) return { ids: s.ix.ordered(s.reverse), index: s.ix.spec.name, sorted: true, stage: 'IXSCAN' };
  return { ids: null, sorted: false, stage: 'COLLSCAN' };
}
