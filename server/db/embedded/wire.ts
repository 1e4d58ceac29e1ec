// Wire protocol framing: OP_QUERY (handshake only), OP_MSG, OP_REPLY. See MongoDB "Wire Protocol" docs.
import { deserialize, serialize, type Doc } from './bson-utils.js'
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
function header(len: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16)
  h.writeInt32LE(len, 0)
  h.writeInt32LE((nextId = (nextId + 1) & 0x7fffffff), 4)
  h.writeInt32LE(responseTo, 8)
  h.writeInt32LE(opCode, 12)
  return h
}

/** Serialize a reply; if the document cannot be encoded, an ok:0 reply is sent instead of crashing. */
function encodeBody(doc: Doc): Uint8Array {
  try {
    return serialize(doc)
  } catch (e) {
    return serialize(new MongoError(1, `failed to encode reply: ${(e as Error).message}`).toReply())
  }
}

export function encodeReply(req: Request, doc: Doc): Buffer {
  let body = encodeBody(doc)
  if (body.length > MAX_MESSAGE) body = serialize(new MongoError(10334, 'reply exceeds maximum BSON size').toReply())
  if (req.opCode === OP_QUERY) {
    const len = 16 + 20 + body.length
    const meta = Buffer.alloc(20)
    meta.writeInt32LE(8, 0) // AwaitCapable
    meta.writeInt32LE(0, 12)
    meta.writeInt32LE(1, 16)
    return Buffer.concat([header(len, req.requestId, OP_REPLY), meta, body])
  }
  const len = 16 + 5 + body.length
  const meta = Buffer.alloc(5) // flags 0, section kind 0
  return Buffer.concat([header(len, req.requestId, OP_MSG), meta, body])
}
