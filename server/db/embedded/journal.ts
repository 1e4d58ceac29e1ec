// Write-ahead journal. Each record is [u32 length][u32 crc32][payload], the payload being the record's ops
// as consecutive BSON documents (one record = one atomic unit, e.g. a whole transaction; encoding op by op
// keeps big batches clear of bson's 16 MB single-document limit). Appends are queued and
// written + fdatasync'd in groups (group commit): every writer waiting at that moment shares one fsync.
// A record whose length or crc does not check out ends the log (torn tail after a crash) and is cut off.
import fs from 'node:fs'
import { crc32 } from 'node:zlib'
import { BSON, DESER, type Doc } from './bson-utils.js'

interface Pending {
  buf: Buffer
  resolve: () => void
  reject: (e: Error) => void
}

export function frame(ops: Doc[]): Buffer {
  const parts = ops.map((o) => BSON.serialize(o, { checkKeys: false }))
  const body = parts.length === 1 ? parts[0] : Buffer.concat(parts)
  const out = Buffer.allocUnsafe(8 + body.length)
  out.writeUInt32LE(body.length, 0)
  out.writeUInt32LE(crc32(body), 4)
  out.set(body, 8)
  return out
}

/** Read all intact records of a log file; `valid` is the byte length up to the last intact record. */
export function readLog(path: string): { records: Doc[][]; valid: number; torn: boolean } {
  let data: Buffer
  try {
    data = fs.readFileSync(path)
  } catch {
    return { records: [], valid: 0, torn: false }
  }
  const records: Doc[][] = []
  let off = 0
  while (off + 8 <= data.length) {
    const len = data.readUInt32LE(off)
    const crc = data.readUInt32LE(off + 4)
    if (len < 5 || off + 8 + len > data.length) break
    const body = data.subarray(off + 8, off + 8 + len)
    if (crc32(body) !== crc) break
    try {
      records.push(splitOps(body))
    } catch {
      break
    }
    off += 8 + len
  }
  return { records, valid: off, torn: off !== data.length }
}

function splitOps(body: Buffer): Doc[] {
  const ops: Doc[] = []
  for (let p = 0; p < body.length;) {
    const len = body.readInt32LE(p)
    if (len < 5 || p + len > body.length) throw new Error('bad op length')
    ops.push(BSON.deserialize(body.subarray(p, p + len), DESER) as Doc)
    p += len
  }
  return ops
}

export class Journal {
  readonly path: string
  size: number
  private readonly fd: number
  private readonly fsync: boolean
  private pending: Pending[] = []
  private flushing: Promise<void> | null = null
  private closed = false
  private failed: Error | undefined
  /** Bytes known to be written and synced: the file is cut back to this after a failure. */
  private durable: number
  /** Number of fsyncs and records, exposed in serverStatus for the group-commit benchmark. */
  stats = { syncs: 0, records: 0 }

  constructor(path: string, fsync: boolean) {
    this.path = path
    this.fsync = fsync
    this.fd = fs.openSync(path, 'a')
    this.size = fs.fstatSync(this.fd).size
    this.durable = this.size
  }

  /** Resolves once the record is durable (fsync'd unless fsync is off). */
  append(ops: Doc[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'))
    if (this.failed) return Promise.reject(this.failed)
    const buf = frame(ops)
    this.size += buf.length
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ buf, resolve, reject })
      if (!this.flushing) this.flushing = this.flushLoop()
    })
  }

  private async flushLoop(): Promise<void> {
    // Yield once so writers arriving in the same tick join this group.
    await new Promise<void>((r) => setImmediate(r))
    while (this.pending.length) {
      const group = this.pending
      this.pending = []
      try {
        const buf = group.length === 1 ? group[0].buf : Buffer.concat(group.map((p) => p.buf))
        await writeAll(this.fd, buf)
        if (this.fsync) await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (e) => (e ? rej(e) : res())))
        this.durable += buf.length
        this.stats.syncs++
        this.stats.records += group.length
        for (const p of group) p.resolve()
      } catch (e) {
        // Nothing may follow a record that did not reach the disk (replay stops there): fail this group
        // and every later append.
        this.failed = e instanceof Error ? e : new Error(String(e))
        // Best effort: cut the unacknowledged records off, so a restart does not bring back writes that
        // were reported as failed.
        try {
          fs.ftruncateSync(this.fd, this.durable)
        } catch {
          /* the disk is failing: replay decides */
        }
        for (const p of [...group, ...this.pending.splice(0)]) p.reject(this.failed)
      }
    }
    this.flushing = null
  }

  /** The write or fsync error that stopped this journal, if any. */
  get error(): Error | undefined {
    return this.failed
  }

  /** Wait for queued records to be durable. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  async close(): Promise<void> {
    await this.drain()
    this.closed = true
    fs.closeSync(this.fd)
  }
}

function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      fs.write(fd, buf, off, buf.length - off, null, (err, n) => {
        if (err) return reject(err)
        if (off + n < buf.length) step(off + n)
        else resolve()
      })
    }
    step(0)
  })
}

/** fsync a directory so a rename/create inside it survives a crash. */
export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
  } catch {
    /* not supported on every fs */
  }
}
