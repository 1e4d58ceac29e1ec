// Secondary (and _id) indexes: a sorted array of (key tuple, doc id) entries. Binary search gives equality,
// $in and range lookups and ordered iteration for sorts; splicing keeps it sorted on every write.
import { Query } from 'mingo';
import { compareValues, getPath, isPlainObject, keyString, shellString, type Doc } from './bson-utils.js';
import { MongoError } from './errors.js';

export interface IndexSpec { v?: number; key: Doc; name: string; unique?: boolean; sparse?: boolean;
  partialFilterExpression?: Doc; expireAfterSeconds?: number; [k: string]: unknown }

interface Entry { k: unknown[]; id: string }

export interface Bound { value: unknown; inclusive: boolean }

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  readonly dirs: number[];
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial?: Query;
  multikey = false;
  private entries: Entry[] = [];

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.dirs = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
    this.unique = !!spec.unique;
    this.sparse = !!spec.sparse;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression);
  }

  get isPartial(): boolean { return !!this.partial; }
  get size(): number { return this.entries.length; }

  private cmpKeys(a: unknown[], b: unknown[]): number {
    for (let i = 0; i < a.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c) return c * this.dirs[i];
    }
    return 0;
  }

  private cmpEntry(a: Entry, b: Entry): number {
    const c = this.cmpKeys(a.k, b.k);
    return c || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  /** Key tuples for a document (several when a field holds an array), or [] if the doc is not indexed. */
  keysFor(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField: unknown[][] = [];
    let present = false;
    for (const f of this.fields) {
      const v = getPath(doc, f);
      if (v !== undefined) present = true;
      if (Array.isArray(v)) {
        this.multikey = true;
        perField.push(v.length ? [...new Set(v)] : [undefined]);
      } else perField.push([v === undefined ? null : v]);
    }
    if (this.sparse && !present) return [];
    let out: unknown[][] = [[]];
    for (const vals of perField) out = out.flatMap((prefix) => vals.map((v) => [...prefix, v]));
    return out;
  }

  private lowerBound(e: Entry): number {
    let lo = 0, hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmpEntry(this.entries[mid], e) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** First position whose first-field value is >= v (or > v when `after`), in index order. */
  private firstFieldBound(v: unknown, after: boolean): number {
    let lo = 0, hi = this.entries.length;
    const d = this.dirs[0];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareValues(this.entries[mid].k[0], v) * d;
      if (c < 0 || (after && c === 0)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Throws E11000 if inserting `doc` (stored under `id`) would duplicate a unique key. */
  checkUnique(doc: Doc, id: string, ns: string, skip?: (otherId: string) => boolean): void {
    if (!this.unique) return;
    for (const k of this.keysFor(doc)) {
      let i = this.lowerBound({ k, id: '' });
      for (; i < this.entries.length && this.cmpKeys(this.entries[i].k, k) === 0; i++) {
        const other = this.entries[i].id;
        if (other !== id && !(skip && skip(other))) throw this.dupError(ns, k);
      }
    }
  }

  dupError(ns: string, k: unknown[]): MongoError {
    const keyPattern: Doc = {}, keyValue: Doc = {};
    this.fields.forEach((f, i) => { keyPattern[f] = this.spec.key[f]; keyValue[f] = k[i] === undefined ? null : k[i]; });
    const dk = '{ ' + this.fields.map((f, i) => `${f}: ${shellString(k[i])}`).join(', ') + ' }';
    return new MongoError(11000, `E11000 duplicate key error collection: ${ns} index: ${this.spec.name} dup key: ${dk}`,
      { keyPattern, keyValue });
  }

  add(id: string, doc: Doc): void {
    for (const k of this.keysFor(doc)) {
      const e = { k, id };
      const at = this.lowerBound(e);
      if (at < this.entries.length && this.cmpEntry(this.entries[at], e) === 0) continue;
      this.entries.splice(at, 0, e);
    }
  }

  remove(id: string, doc: Doc): void {
    for (const k of this.keysFor(doc)) {
      const at = this.lowerBound({ k, id });
      if (at < this.entries.length && this.entries[at].id === id && this.cmpKeys(this.entries[at].k, k) === 0) this.entries.splice(at, 1);
    }
  }

  clear(): void { this.entries = []; this.multikey = false; }

  /** Ids whose first key field equals one of `values`. */
  lookupEq(values: unknown[]): string[] {
    const out: string[] = [];
    for (const v of values) {
      for (let i = this.firstFieldBound(v, false); i < this.entries.length && compareValues(this.entries[i].k[0], v) === 0; i++) {
        out.push(this.entries[i].id);
      }
    }
    return out;
  }

  /** Ids whose first key field lies within [lo, hi] (either side optional). */
  lookupRange(lo?: Bound, hi?: Bound): string[] {
    const out: string[] = [];
    const asc = this.dirs[0] === 1;
    const [first, last] = asc ? [lo, hi] : [hi, lo];
    let i = first ? this.firstFieldBound(first.value, asc ? !first.inclusive : !first.inclusive) : 0;
    for (; i < this.entries.length; i++) {
      const v = this.entries[i].k[0];
      if (last) {
        const c = compareValues(v, last.value) * (asc ? 1 : -1);
        if (c > 0 || (c === 0 && !last.inclusive)) break;
      }
      out.push(this.entries[i].id);
    }
    return out;
  }

  /** All ids in index order (or reverse). */
  *ordered(reverse: boolean): Generator<string> {
    if (reverse) for (let i = this.entries.length - 1; i >= 0; i--) yield this.entries[i].id;
    else for (const e of this.entries) yield e.id;
  }
}

export function defaultIndexName(key: Doc): string {
  return Object.entries(key).map(([k, v]) => `${k}_${String(v)}`).join('_');
}

/** Validate a createIndexes spec the way mongod does for the cases we support. */
export function validateSpec(spec: Doc): IndexSpec {
  const key = spec.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) throw new MongoError(67, 'Index keys cannot be an empty object.');
  for (const [f, v] of Object.entries(key)) {
    if (v === 'text' || v === '2dsphere' || v === '2d' || v === 'geoHaystack') {
      throw new MongoError(67, `index type '${String(v)}' on field '${f}' is not supported by the embedded engine`);
    }
    if (v !== 'hashed' && typeof v !== 'number') throw new MongoError(67, `Values in index key pattern must be numbers or 'hashed': ${f}`);
  }
  if (typeof spec.name !== 'string' || !spec.name) throw new MongoError(9, 'The index name must be a non-empty string');
  return spec as IndexSpec;
}

export function sameKey(a: Doc, b: Doc): boolean {
  return keyString(a) === keyString(b) && JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b));
}
