// Sessions, multi-document transactions and retryable-write dedupe.
// A transaction keeps its writes in a private overlay (other sessions only ever see committed data); at
// commit the overlay is checked for write conflicts and applied + journaled as ONE record, so it is atomic
// in memory and on disk. Abort just drops the overlay.
import { BSON, type Doc } from './bson-utils.js'
import type { Collection } from './collection.js'
import { MongoError } from './errors.js'

export const TXN_LIFETIME_MS = 60_000

export class Txn {
  readonly lsid: string
  readonly txnNumber: number
  readonly startSeq: number
  readonly overlays = new Map<Collection, Map<string, Doc | null>>()
  state: 'active' | 'committed' | 'aborted' = 'active'
  lastUsed: number
  constructor(lsid: string, txnNumber: number, startSeq: number, now: number) {
    this.lastUsed = now
    this.lsid = lsid
    this.txnNumber = txnNumber
    this.startSeq = startSeq
  }
  overlay(c: Collection): Map<string, Doc | null> {
    let m = this.overlays.get(c)
    if (!m) this.overlays.set(c, (m = new Map()))
    return m
  }
}

export function lsidKey(lsid: unknown): string | undefined {
  if (!lsid || typeof lsid !== 'object') return undefined
  const id = (lsid as Doc).id
  if (id instanceof BSON.Binary) return Buffer.from(id.buffer).toString('hex')
  return JSON.stringify(BSON.EJSON.serialize(lsid as Doc))
}

export function writeConflict(): MongoError {
  return new MongoError(
    112,
    'WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.',
    {},
    ['TransientTransactionError'],
  )
}

export function noSuchTxn(n: number, aborted = false): MongoError {
  return new MongoError(
    251,
    aborted
      ? `Transaction with { txnNumber: ${n} } has been aborted.`
      : `Given transaction number ${n} does not match any in-progress transactions. The active transaction number is -1`,
    {},
    ['TransientTransactionError'],
  )
}

export class Sessions {
  /** Latest transaction per session. */
  readonly txns = new Map<string, Txn>()
  /** Document ids ("ns\0id") written by an active transaction, for write-conflict detection. */
  readonly locks = new Map<string, Txn>()
  /** Replies of completed retryable writes, keyed "lsid:txnNumber". */
  private readonly retries = new Map<string, Promise<Doc>>()

  /** Resolve the transaction a command runs in, starting one if asked. */
  forCommand(cmd: Doc, seq: number): Txn | undefined {
    if (cmd.autocommit === undefined) return undefined
    const key = lsidKey(cmd.lsid)
    const n = Number(cmd.txnNumber)
    if (!key || !Number.isFinite(n)) throw new MongoError(50768, 'Transaction requires a session id and txnNumber')
    if (cmd.autocommit !== false) throw new MongoError(50768, 'autocommit must be false when specified')
    const cur = this.txns.get(key)
    if (cmd.startTransaction) {
      if (cur && cur.txnNumber > n)
        throw new MongoError(
          225,
          `Cannot start transaction ${n} on session because a newer transaction ${cur.txnNumber} has already started`,
        )
      if (cur && cur.txnNumber === n) throw new MongoError(251, `Transaction ${n} has already been started`, {}, [])
      if (cur?.state === 'active') this.abort(cur)
      const t = new Txn(key, n, seq, this.now())
      this.txns.set(key, t)
      return t
    }
    if (!cur || cur.txnNumber !== n) throw noSuchTxn(n)
    if (cur.state === 'aborted') throw noSuchTxn(n, true)
    if (cur.state === 'committed') {
      const name = Object.keys(cmd)[0]
      if (name !== 'commitTransaction') throw new MongoError(256, `Transaction ${n} has been committed.`)
    }
    cur.lastUsed = this.now()
    return cur
  }

  lock(c: Collection, id: string, t: Txn): void {
    const k = `${c.ns}\0${id}`
    const holder = this.locks.get(k)
    if (holder && holder !== t && holder.state === 'active') throw writeConflict()
    if ((c.versions.get(id) ?? 0) > t.startSeq) throw writeConflict()
    this.locks.set(k, t)
  }

  /** A non-transactional write to a document an active transaction holds conflicts, as in mongod. */
  lockedByTxn(c: Collection, id: string): boolean {
    const holder = this.locks.get(`${c.ns}\0${id}`)
    return !!holder && holder.state === 'active'
  }

  release(t: Txn): void {
    for (const [c, ov] of t.overlays)
      for (const id of ov.keys()) {
        const k = `${c.ns}\0${id}`
        if (this.locks.get(k) === t) this.locks.delete(k)
      }
  }

  abort(t: Txn): void {
    if (t.state !== 'active') return
    t.state = 'aborted'
    this.release(t)
    t.overlays.clear()
  }

  /** Test hook (command `_kenesAdvanceClock`): lets tests expire transactions without sleeping 60 s. */
  clockSkewMs = 0

  now(): number {
    return Date.now() + this.clockSkewMs
  }

  /** Abort transactions idle for longer than the transaction lifetime. */
  expire(now = this.now()): void {
    for (const t of this.txns.values()) if (t.state === 'active' && now - t.lastUsed > TXN_LIFETIME_MS) this.abort(t)
  }

  endSession(lsid: unknown): void {
    const key = lsidKey(lsid)
    if (!key) return
    const t = this.txns.get(key)
    if (t) this.abort(t)
    this.txns.delete(key)
  }

  /** Retryable writes: run `exec` once per (lsid, txnNumber); a retry gets the first reply. */
  retryable(cmd: Doc, exec: () => Promise<Doc>): Promise<Doc> {
    const key = lsidKey(cmd.lsid)
    if (!key || cmd.txnNumber === undefined || cmd.autocommit !== undefined) return exec()
    const k = `${key}:${String(cmd.txnNumber)}`
    const prev = this.retries.get(k)
    if (prev) return prev
    const p = exec()
    this.retries.set(k, p)
    // Failed attempts may be retried for real; bound the cache so it cannot grow without limit.
    p.then(
      (r) => {
        if (r.ok !== 1 && !r.writeErrors) this.retries.delete(k)
      },
      () => this.retries.delete(k),
    )
    if (this.retries.size > 50_000) this.retries.delete(this.retries.keys().next().value as string)
    return p
  }
}
