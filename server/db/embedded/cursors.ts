// Server-side cursors: the remaining results of a find/aggregate, handed out in batches by getMore.
// A batch leaves here already encoded (each document serialized once, its size known from that), and
// wire.ts writes those bytes into the reply as they are: no sizing pass, no second serialization.
import { BSON, serialize, type Doc } from './bson-utils.js'
import { encodeProjected, type TopLevel } from './encoded.js'
import { MongoError } from './errors.js'

/**
 * Documents that are stored references (never changed in place), with the top-level projection still to
 * apply (null: none): their encoding is cached and projected as bytes (encoded.ts).
 */
export interface StoredDocs {
  projection: TopLevel | null
}

interface Cursor {
  ns: string
  docs: Doc[]
  stored?: StoredDocs
  pos: number
  lastUsed: number
}

const IDLE_MS = 10 * 60_000
const BATCH_BYTES = 8 * 1024 * 1024

/** A batch of documents as the bytes of a BSON array (wire.ts embeds them in the reply unchanged). */
export class EncodedBatch {
  constructor(
    readonly bytes: Buffer,
    readonly length: number,
  ) {}
}

export class Cursors {
  private readonly open = new Map<number, Cursor>()
  private next = Math.floor(Math.random() * 1e9) + 1

  /** Build the `cursor` field of a find/aggregate reply, registering the rest if there is any. */
  first(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch: boolean, stored?: StoredDocs): Doc {
    this.sweep()
    const batch = take(docs, 0, batchSize ?? 101, stored)
    let id = 0
    if (!singleBatch && batch.length < docs.length) {
      id = this.next++
      this.open.set(id, { ns, docs, stored, pos: batch.length, lastUsed: Date.now() })
    }
    return { firstBatch: batch, id: BSON.Long.fromNumber(id), ns }
  }

  more(id: number, ns: string, batchSize: number | undefined): Doc {
    const c = this.open.get(id)
    if (!c) throw new MongoError(43, `cursor id ${id} not found`)
    if (c.ns !== ns)
      throw new MongoError(
        13,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
      )
    const batch = take(c.docs, c.pos, batchSize ?? Number.MAX_SAFE_INTEGER, c.stored)
    c.pos += batch.length
    c.lastUsed = Date.now()
    let outId = id
    if (c.pos >= c.docs.length) {
      this.open.delete(id)
      outId = 0
    }
    return { nextBatch: batch, id: BSON.Long.fromNumber(outId), ns }
  }

  kill(ids: number[]): Doc {
    const killed: BSON.Long[] = [],
      notFound: BSON.Long[] = []
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(BSON.Long.fromNumber(id))
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 }
  }

  get size(): number {
    return this.open.size
  }

  private sweep(): void {
    const now = Date.now()
    for (const [id, c] of this.open) if (now - c.lastUsed > IDLE_MS) this.open.delete(id)
  }
}

/** A batch of at most `n` docs that also stays well below the 16 MB reply limit, encoded. */
function take(docs: Doc[], from: number, n: number, stored: StoredDocs | undefined): EncodedBatch {
  const parts: Uint8Array[] = []
  let bytes = 0
  const max = n || Number.MAX_SAFE_INTEGER
  for (let i = from; i < docs.length && parts.length < max; i++) {
    const b = stored ? encodeProjected(docs[i], stored.projection ?? undefined) : serialize(docs[i])
    if (bytes + b.length > BATCH_BYTES && parts.length) break
    parts.push(b)
    bytes += b.length
  }
  return encodeArray(parts)
}

/** BSON array of already-encoded documents: int32 size, then per element 0x03 "<index>" 0x00 <doc>, 0x00. */
function encodeArray(parts: Uint8Array[]): EncodedBatch {
  let size = 5
  for (let i = 0; i < parts.length; i++) size += 2 + digits(i) + parts[i].length
  const out = Buffer.allocUnsafe(size)
  out.writeInt32LE(size, 0)
  let off = 4
  for (let i = 0; i < parts.length; i++) {
    out[off++] = 0x03
    off = writeIndex(out, off, i)
    out[off++] = 0
    out.set(parts[i], off)
    off += parts[i].length
  }
  out[off] = 0
  return new EncodedBatch(out, parts.length)
}

/** The decimal digits of an array index as a key (ASCII), without making a string. */
function writeIndex(out: Buffer, off: number, i: number): number {
  const n = digits(i)
  for (let k = n - 1, v = i; k >= 0; k--, v = Math.floor(v / 10)) out[off + k] = 48 + (v % 10)
  return off + n
}

function digits(i: number): number {
  let n = 1
  for (let v = i; v >= 10; v = Math.floor(v / 10)) n++
  return n
}
