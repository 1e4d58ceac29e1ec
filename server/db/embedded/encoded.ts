// Stored documents as BSON, encoded once. Stored documents are never changed in place (a write stores a
// new object: see exec.ts), so the bytes of one can be reused by every read that returns it, and a
// projection that keeps or drops top-level fields only is a copy of some of its elements' byte ranges.
// The cache is bounded (least recently used first out) so a scan over a large collection cannot double
// the engine's memory.
import { serialize, type Doc } from './bson-utils.js'

export interface Encoded {
  bytes: Buffer
  /** Top-level elements in document order: name and [start, end) of the whole element (type byte included). */
  names: string[]
  starts: number[]
  ends: number[]
  /** This document under the projections reads have asked for, by TopLevel.key. */
  projected?: Map<string, Buffer>
}

/** A find projection that keeps (or drops) top-level fields only; see projection.ts topLevelProjection(). */
export interface TopLevel {
  inclusion: boolean
  fields: Set<string>
  keepId: boolean
  /** Identifies the projection among those cached for a document. */
  key: string
}

const MAX_BYTES = Number(process.env.KENES_ENGINE_ENCODED_CACHE_MB ?? 32) * 1024 * 1024
const cache = new Map<Doc, Encoded>()
let cached = 0

export function encodedOf(doc: Doc): Encoded {
  const hit = cache.get(doc)
  if (hit) {
    cache.delete(doc)
    cache.set(doc, hit)
    return hit
  }
  const e = index(serialize(doc))
  if (e.bytes.length <= MAX_BYTES / 16) {
    cache.set(doc, e)
    cached += e.bytes.length
    for (const [d, old] of cache) {
      if (cached <= MAX_BYTES) break
      cache.delete(d)
      cached -= sizeOf(old)
    }
  }
  return e
}

/** The document's BSON with a top-level projection applied (`_id` first for an inclusion, as in projection.ts). */
export function encodeProjected(doc: Doc, p: TopLevel | undefined): Buffer {
  const e = encodedOf(doc)
  if (!p) return e.bytes
  const hit = e.projected?.get(p.key)
  if (hit) return hit
  const keep: number[] = []
  const idAt = p.keepId ? e.names.indexOf('_id') : -1
  if (p.inclusion && idAt >= 0) keep.push(idAt)
  for (let i = 0; i < e.names.length; i++) {
    const n = e.names[i]
    if (n === '_id' ? !p.inclusion && p.keepId : p.fields.has(n) === p.inclusion) keep.push(i)
  }
  let size = 5
  for (const i of keep) size += e.ends[i] - e.starts[i]
  const out = Buffer.allocUnsafe(size)
  out.writeInt32LE(size, 0)
  let off = 4
  for (const i of keep) off += e.bytes.copy(out, off, e.starts[i], e.ends[i])
  out[off] = 0
  // Kept with the document (and counted against the cache's bound) while the document stays cached.
  if (cache.get(doc) === e && (e.projected ??= new Map()).size < 8) {
    e.projected.set(p.key, out)
    cached += size
  }
  return out
}

function sizeOf(e: Encoded): number {
  let n = e.bytes.length
  if (e.projected) for (const b of e.projected.values()) n += b.length
  return n
}

/** Offsets of the top-level elements of a BSON document. */
function index(bytes: Uint8Array): Encoded {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const names: string[] = [],
    starts: number[] = [],
    ends: number[] = []
  let off = 4
  const end = buf.length - 1
  while (off < end) {
    const start = off
    const type = buf[off++]
    const nameEnd = buf.indexOf(0, off)
    names.push(buf.toString('utf8', off, nameEnd))
    off = nameEnd + 1
    off += valueSize(buf, type, off)
    starts.push(start)
    ends.push(off)
  }
  return { bytes: buf, names, starts, ends }
}

function valueSize(buf: Buffer, type: number, off: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + buf.readInt32LE(off)
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return buf.readInt32LE(off)
    case 0x05: // binary: int32 length, subtype, bytes
      return 5 + buf.readInt32LE(off)
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // maxKey
    case 0xff: // minKey
      return 0
    case 0x07: // ObjectId
      return 12
    case 0x08: // boolean
      return 1
    case 0x0b: {
      // regex: two cstrings
      const a = buf.indexOf(0, off) + 1
      return buf.indexOf(0, a) + 1 - off
    }
    case 0x0c: // DBPointer: string + ObjectId
      return 4 + buf.readInt32LE(off) + 12
    case 0x10: // int32
      return 4
    case 0x13: // decimal128
      return 16
    default:
      throw new Error(`unknown BSON type 0x${type.toString(16)}`)
  }
}
