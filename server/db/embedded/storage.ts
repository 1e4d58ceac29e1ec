// The catalog (databases → collections) plus persistence: dbpath lock (dblock.ts), snapshot + journal replay on start,
// journaling of committed changes, and background compaction of the journal into a new snapshot.
import fs from 'node:fs'
import path from 'node:path'
import { keyString, type Doc } from './bson-utils.js'
import { Collection } from './collection.js'
import { MongoError } from './errors.js'
import type { IndexSpec } from './indexes.js'
import { acquireDbLock, type DbLock } from './dblock.js'
import { Journal, frame, readLog, syncDir } from './journal.js'

/** One logged change. Documents are stored whole (redo log), so replay is idempotent. */
export type Op =
  | { op: 'put'; ns: string; doc: Doc }
  | { op: 'del'; ns: string; id: unknown }
  | { op: 'cc'; ns: string; options: Doc; uuid: string }
  | { op: 'dc'; ns: string }
  | { op: 'co'; ns: string; options: Doc }
  | { op: 'ci'; ns: string; spec: IndexSpec }
  | { op: 'di'; ns: string; name: string }
  | { op: 'ddb'; db: string }

const COMPACT_BYTES = 64 * 1024 * 1024

function splitNs(ns: string): [string, string] {
  const i = ns.indexOf('.')
  return [ns.slice(0, i), ns.slice(i + 1)]
}

export class Storage {
  readonly dbs = new Map<string, Map<string, Collection>>()
  seq = 0
  private journal!: Journal
  private gen = 0
  private compacting = false
  private lock: DbLock | undefined
  readonly dbPath: string
  private readonly fsync: boolean

  constructor(dbPath: string, fsync: boolean) {
    this.dbPath = dbPath
    this.fsync = fsync
  }

  /** True while open() replays the snapshot and journal. */
  private replaying = false

  async open(): Promise<void> {
    fs.mkdirSync(this.dbPath, { recursive: true })
    this.lock = await acquireDbLock(this.dbPath)
    try {
      this.load()
    } catch (e) {
      await this.lock.release()
      this.lock = undefined
      throw e
    }
  }

  private load(): void {
    this.replaying = true
    const files = fs.readdirSync(this.dbPath)
    const gens = (prefix: string): number[] =>
      files
        .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
        .map((f) => Number(f.slice(prefix.length)))
        .sort((a, b) => a - b)
    const snaps = gens('snapshot.')
    const base = snaps.length ? snaps[snaps.length - 1] : 0
    if (snaps.length) for (const rec of readLog(path.join(this.dbPath, `snapshot.${base}`)).records) this.replay(rec)
    const journals = gens('journal.').filter((g) => g >= base)
    for (const g of journals) {
      const file = path.join(this.dbPath, `journal.${g}`)
      const { records, valid, torn } = readLog(file)
      for (const rec of records) this.replay(rec)
      if (torn) fs.truncateSync(file, valid) // drop the torn tail so new records follow intact ones
    }
    // Indexes were not maintained per replayed write: build each once, with one sort.
    this.replaying = false
    for (const colls of this.dbs.values()) for (const c of colls.values()) c.buildIndexes()
    this.gen = journals.length ? journals[journals.length - 1] : base
    this.journal = new Journal(path.join(this.dbPath, `journal.${this.gen}`), this.fsync)
  }

  private replay(ops: Doc[]): void {
    for (const op of ops as Op[]) this.applyOp(op)
  }

  /** Apply a logged op to memory (used by replay only; live writes already changed memory). */
  private applyOp(o: Op): void {
    const seq = ++this.seq
    switch (o.op) {
      case 'put': {
        const c = this.ensure(o.ns)
        c.apply(keyString(o.doc._id), o.doc, seq)
        break
      }
      case 'del': {
        const c = this.get(o.ns)
        c?.apply(keyString(o.id), null, seq)
        break
      }
      case 'cc':
        if (!this.get(o.ns)) this.create(o.ns, o.options, o.uuid)
        break
      case 'dc':
        this.drop(o.ns)
        break
      case 'co': {
        const c = this.get(o.ns)
        if (c) c.options = o.options
        break
      }
      case 'ci': {
        const c = this.ensure(o.ns)
        if (!c.indexes.has(o.spec.name)) c.addIndex(o.spec)
        else Object.assign(c.indexes.get(o.spec.name)!.spec, o.spec) // collMod's index changes
        break
      }
      case 'di':
        this.get(o.ns)?.indexes.delete(o.name)
        break
      case 'ddb':
        this.dbs.delete(o.db)
        break
    }
  }

  get(ns: string): Collection | undefined {
    const [db, name] = splitNs(ns)
    return this.dbs.get(db)?.get(name)
  }

  create(ns: string, options: Doc = {}, uuid?: string): Collection {
    const [db, name] = splitNs(ns)
    let m = this.dbs.get(db)
    if (!m) this.dbs.set(db, (m = new Map()))
    const c = new Collection(db, name, options, uuid)
    c.deferIndexes = this.replaying
    m.set(name, c)
    return c
  }

  private ensure(ns: string): Collection {
    return this.get(ns) ?? this.create(ns)
  }

  drop(ns: string): boolean {
    const [db, name] = splitNs(ns)
    const m = this.dbs.get(db)
    if (!m?.has(name)) return false
    m.delete(name)
    if (!m.size) this.dbs.delete(db)
    return true
  }

  dropDatabase(db: string): void {
    this.dbs.delete(db)
  }

  /**
   * Set when a journal write or fsync failed. After a failed fsync the file's state is unknown (the
   * kernel may have dropped the dirty pages), so appending more could leave acknowledged records behind
   * a hole that replay stops at: like mongod, the engine stops (every command but the handshake is
   * refused) until it is restarted, which replays what is really on disk.
   */
  failure: Error | undefined

  /** Journal committed ops; resolves when durable. Memory was already changed by the caller (who rolls back on failure). */
  log(ops: Op[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (!ops.length) return Promise.resolve()
    const p = this.journal.append(ops).catch((e: unknown) => {
      if (!this.failure) {
        this.failure = e instanceof Error ? e : new Error(String(e))
        process.emitWarning(
          `embedded mongo: journal write failed, refusing further commands until restart: ${this.failure.message}`,
        )
      }
      throw e
    })
    if (!this.compacting && this.journal.size > COMPACT_BYTES) {
      this.compact().catch((e: unknown) =>
        process.emitWarning(`embedded mongo: compaction failed (journal kept): ${String(e)}`),
      )
    }
    return p
  }

  /** Rotate the journal and write a snapshot of the state at the rotation point. */
  compact(): Promise<void> {
    this.compaction ??= this.doCompact().finally(() => {
      this.compaction = undefined
    })
    return this.compaction
  }

  private compaction: Promise<void> | undefined

  private async doCompact(): Promise<void> {
    this.compacting = true
    try {
      const old = this.journal
      const oldGen = this.gen
      this.gen++
      this.journal = new Journal(path.join(this.dbPath, `journal.${this.gen}`), this.fsync)
      // Capture synchronously: everything up to now is in the snapshot, everything later in the new journal.
      const chunks: Buffer[] = []
      for (const [db, colls] of this.dbs) {
        for (const c of colls.values()) {
          chunks.push(frame([{ op: 'cc', ns: `${db}.${c.name}`, options: c.options, uuid: c.uuid.toHexString() }]))
          const ixOps = c
            .indexSpecs()
            .filter((s) => s.name !== '_id_')
            .map((spec) => ({ op: 'ci', ns: c.ns, spec }))
          let batch: Op[] = []
          for (const d of c.docs.values()) {
            batch.push({ op: 'put', ns: c.ns, doc: d })
            if (batch.length >= 1000) {
              chunks.push(frame(batch))
              batch = []
            }
          }
          if (batch.length) chunks.push(frame(batch))
          if (ixOps.length) chunks.push(frame(ixOps))
        }
      }
      const tmp = path.join(this.dbPath, `snapshot.${this.gen}.tmp`)
      const fh = await fs.promises.open(tmp, 'w')
      for (const ch of chunks) await fh.write(ch)
      if (this.fsync) await fh.sync()
      await fh.close()
      // The snapshot holds writes still queued in the old journal: publish it only if they made it.
      await old.drain()
      const failed = this.failure ?? old.error
      if (failed) {
        await fs.promises.rm(tmp, { force: true })
        throw failed
      }
      await fs.promises.rename(tmp, path.join(this.dbPath, `snapshot.${this.gen}`))
      if (this.fsync) syncDir(this.dbPath)
      await old.close()
      await fs.promises.rm(path.join(this.dbPath, `journal.${oldGen}`), { force: true })
      await fs.promises.rm(path.join(this.dbPath, `snapshot.${oldGen}`), { force: true })
    } finally {
      this.compacting = false
    }
  }

  journalStats(): Doc {
    return { ...this.journal.stats, bytes: this.journal.size, generation: this.gen }
  }

  async close(): Promise<void> {
    if (this.compaction) await this.compaction
    await this.journal.close()
    await this.lock?.release()
    this.lock = undefined
  }

  ns(db: string, coll: unknown): string {
    if (typeof coll !== 'string' || !coll)
      throw new MongoError(73, `Invalid namespace specified '${db}.${String(coll)}'`)
    return `${db}.${coll}`
  }
}
