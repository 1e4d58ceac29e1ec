// Wire protocol framing: OP_QUERY (handshake only), OP_MSG, OP_REPLY. See MongoDB "Wire Protocol" docs.
import { deserialize, isPlainObject, serialize, type Doc } from './bson-utils.js'
import { EncodedBatch } from './cursors.js'
import { MongoError } from './errors.js'

export const OP_REPLY = 1
export const OP_QUERY = 2004
export const OP_COMPRESSED = 2012
export const OP_MSG = 2013
export const MAX_MESSAGE = 48_000_000

const FLAG_CHECKSUM = 1
export const FLAG_MORE_TO_COME = 2

export interface Request {
  requestId: number
  opCode: number
  flags: number
  /** The command document with kind-1 sequences merged in as arrays. */
  command: Doc
  /** OP_QUERY's collection name (`admin.$cmd`), used only to pick the database. */
  fullCollectionName?: string
}

function readCString(buf: Buffer, off: number): [string, number] {
  const end = buf.indexOf(0, off)
  if (end < 0) throw new MongoError(9, 'unterminated cstring in message')
  return [buf.toString('utf8', off, end), end + 1]
}

function readDoc(buf: Buffer, off: number, limit: number): [Doc, number] {
  if (off + 5 > limit) throw new MongoError(9, 'truncated BSON document')
  const len = buf.readInt32LE(off)
  if (len < 5 || off + len > limit) throw new MongoError(9, 'invalid BSON document length')
  return [deserialize(buf.subarray(off, off + len)), off + len]
}

/** Parse one complete frame (header included). Throws MongoError on malformed input. */
export function parseMessage(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4)
  const opCode = frame.readInt32LE(12)
  if (opCode === OP_MSG) {
    const flags = frame.readUInt32LE(16)
    const limit = frame.length - (flags & FLAG_CHECKSUM ? 4 : 0)
    let off = 20
    let command: Doc | undefined
    const seqs: [string, Doc[]][] = []
    while (off < limit) {
      const kind = frame[off++]
      if (kind === 0) {
        ;[command, off] = readDoc(frame, off, limit)
      } else if (kind === 1) {
        const size = frame.readInt32LE(off)
        const end = off + size
        if (size < 5 || end > limit) throw new MongoError(9, 'invalid document sequence size')
        let p = off + 4
        const [id, afterId] = readCString(frame, p)
        p = afterId
        const docs: Doc[] = []
        while (p < end) {
          let d: Doc
          ;[d, p] = readDoc(frame, p, end)
          docs.push(d)
        }
        seqs.push([id, docs])
        off = end
      } else {
        throw new MongoError(9, `unknown OP_MSG section kind ${kind}`)
      }
    }
    if (!command) throw new MongoError(9, 'OP_MSG without a body section')
    for (const [id, docs] of seqs) command[id] = docs
    return { requestId, opCode, flags, command }
  }
  if (opCode === OP_QUERY) {
    const [ns, afterNs] = readCString(frame, 20)
    const [query] = readDoc(frame, afterNs + 8, frame.length) // skip numberToSkip, numberToReturn
    // Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
    const command = (query.$query && typeof query.$query === 'object' ? query.$query : query) as Doc
    return { requestId, opCode, flags: frame.readInt32LE(16), command, fullCollectionName: ns }
  }
  throw new MongoError(9, `unsupported opCode ${opCode}`)
}

let nextId = 1
function header(h: Buffer, len: number, responseTo: number, opCode: number): void {
  h.writeInt32LE(len, 0)
  h.writeInt32LE((nextId = (nextId + 1) & 0x7fffffff), 4)
  h.writeInt32LE(responseTo, 8)
  h.writeInt32LE(opCode, 12)
}

/** Serialize a reply; if the document cannot be encoded, an ok:0 reply is sent instead of crashing. */
function encodeBody(doc: Doc): Uint8Array[] {
  try {
    const c = doc.cursor
    if (isPlainObject(c)) {
      if (c.firstBatch instanceof EncodedBatch) return encodeCursorReply(doc, c, 'firstBatch')
      if (c.nextBatch instanceof EncodedBatch) return encodeCursorReply(doc, c, 'nextBatch')
    }
    return [serialize(doc)]
  } catch (e) {
    return [serialize(new MongoError(1, `failed to encode reply: ${(e as Error).message}`).toReply())]
  }
}

/**
 * A find/aggregate/getMore reply around a batch that cursors.ts already encoded:
 * `{cursor: {<batch>: [..], ...rest of cursor}, ...rest of reply}`, written as parts (no copy of the batch).
 */
function encodeCursorReply(doc: Doc, cursor: Doc, key: 'firstBatch' | 'nextBatch'): Uint8Array[] {
  const batch = cursor[key] as EncodedBatch
  const curRest: Doc = {}
  for (const k of Object.keys(cursor)) if (k !== key) curRest[k] = cursor[k]
  const top: Doc = {}
  for (const k of Object.keys(doc)) if (k !== 'cursor') top[k] = doc[k]
  const curTail = serialize(curRest) // int32 + elements + 0x00: the elements and the 0x00 are reused
  const topTail = serialize(top)
  const curSize = 4 + 1 + key.length + 1 + batch.bytes.length + curTail.length - 4
  const size = 4 + 1 + 'cursor'.length + 1 + curSize + topTail.length - 4
  const head = Buffer.allocUnsafe(4 + 1 + 7 + 4 + 1 + key.length + 1)
  let off = head.writeInt32LE(size, 0)
  head[off++] = 0x03
  off += head.write('cursor\0', off, 'latin1')
  off = head.writeInt32LE(curSize, off)
  head[off++] = 0x04
  head.write(`${key}\0`, off, 'latin1')
  return [head, batch.bytes, curTail.subarray(4), topTail.subarray(4)]
}

function byteLength(parts: Uint8Array[]): number {
  let n = 0
  for (const p of parts) n += p.length
  return n
}

export function encodeReply(req: Request, doc: Doc): Buffer {
  let body = encodeBody(doc)
  let bodyLen = byteLength(body)
  if (bodyLen > MAX_MESSAGE) {
    body = [serialize(new MongoError(10334, 'reply exceeds maximum BSON size').toReply())]
    bodyLen = body[0].length
  }
  const legacy = req.opCode === OP_QUERY
  const len = 16 + (legacy ? 20 : 5) + bodyLen
  const out = Buffer.allocUnsafe(len)
  header(out, len, req.requestId, legacy ? OP_REPLY : OP_MSG)
  let off = 16
  if (legacy) {
    out.fill(0, 16, 36)
    out.writeInt32LE(8, 16) // AwaitCapable
    out.writeInt32LE(1, 32) // numberReturned
    off = 36
  } else {
    out.fill(0, 16, 21) // flags 0, section kind 0
    off = 21
  }
  for (const p of body) {
    out.set(p, off)
    off += p.length
  }
  return out
}
