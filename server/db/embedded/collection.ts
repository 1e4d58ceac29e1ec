// One collection: documents keyed by the canonical string of their _id, plus indexes kept in step.
// Stored documents are never mutated in place (updates swap in a new object), so cursors and
// transactions can hold references safely without deep copies.
import { randomUUID } from 'node:crypto'
import { BSON, keyString, type Doc } from './bson-utils.js'
import { MongoError } from './errors.js'
import { Index, type IndexSpec } from './indexes.js'

export class Collection {
  readonly db: string
  readonly name: string
  options: Doc
  readonly uuid: BSON.UUID
  readonly docs = new Map<string, Doc>()
  /** Sequence number of the last committed write per document: transactions detect write conflicts with it. */
  readonly versions = new Map<string, number>()
  readonly indexes = new Map<string, Index>()
  /** While the journal is replayed indexes are not maintained per write; `buildIndexes()` builds them once at the end. */
  deferIndexes = false

  constructor(db: string, name: string, options: Doc = {}, uuid?: string) {
    this.db = db
    this.name = name
    this.options = options
    this.uuid = new BSON.UUID(uuid ?? randomUUID())
    this.indexes.set('_id_', new Index({ v: 2, key: { _id: 1 }, name: '_id_', unique: true }))
  }

  get ns(): string {
    return `${this.db}.${this.name}`
  }

  /** Unique checks for a new version of a document; `skip` hides ids a transaction has overlaid. */
  checkUnique(doc: Doc, id: string, skip?: (other: string) => boolean): void {
    for (const ix of this.indexes.values()) {
      if (ix.spec.name === '_id_') continue
      ix.checkUnique(doc, id, this.ns, skip)
    }
  }

  /** Apply a committed write (doc === null deletes). Callers have run unique checks already. */
  apply(id: string, doc: Doc | null, seq: number): void {
    const old = this.docs.get(id)
    const ixs = this.deferIndexes ? [] : this.indexes.values()
    if (old) for (const ix of ixs) ix.remove(id, old)
    if (doc) {
      this.docs.set(id, doc)
      for (const ix of this.deferIndexes ? [] : this.indexes.values()) ix.add(id, doc)
    } else {
      this.docs.delete(id)
    }
    this.versions.set(id, seq)
  }

  /** Non-transactional insert: _id clash and unique indexes are checked before anything changes. */
  insertChecked(doc: Doc, seq: number): void {
    const id = keyString(doc._id)
    if (this.docs.has(id)) throw this.indexes.get('_id_')!.dupError(this.ns, [doc._id])
    this.checkUnique(doc, id)
    this.apply(id, doc, seq)
  }

  replaceChecked(id: string, doc: Doc, seq: number): void {
    this.checkUnique(doc, id)
    this.apply(id, doc, seq)
  }

  addIndex(spec: IndexSpec): void {
    const ix = new Index(spec)
    if (!this.deferIndexes) {
      ix.build(this.docs)
      if (ix.unique) {
        const clash = ix.firstDuplicate()
        if (clash) {
          const e = ix.dupError(this.ns, clash)
          throw new MongoError(11000, `Index build failed: ${e.message}`, e.extra)
        }
      }
    }
    this.indexes.set(spec.name, ix)
  }

  /** Build every index over the current documents (after replay). */
  buildIndexes(): void {
    this.deferIndexes = false
    for (const ix of this.indexes.values()) ix.build(this.docs)
  }

  clearDocs(): void {
    this.docs.clear()
    this.versions.clear()
    for (const ix of this.indexes.values()) ix.clear()
  }

  info(): Doc {
    if (this.options.viewOn) return { name: this.name, type: 'view', options: this.options, info: { readOnly: true } }
    return {
      name: this.name,
      type: 'collection',
      options: this.options,
      info: { readOnly: false, uuid: this.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((ix) => ix.spec)
  }
}
