// Server-side cursors: the remaining results of a find/aggregate, handed out in batches by getMore.
import { BSON, type Doc } from './bson-utils.js'
import { MongoError } from './errors.js'

interface Cursor {
  ns: string
  docs: Doc[]
  pos: number
  lastUsed: number
}

const IDLE_MS = 10 * 60_000
const BATCH_BYTES = 8 * 1024 * 1024

export class Cursors {
  private readonly open = new Map<number, Cursor>()
  private next = Math.floor(Math.random() * 1e9) + 1

  /** Build the `cursor` field of a find/aggregate reply, registering the rest if there is any. */
  first(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch: boolean): Doc {
    this.sweep()
    const batch = take(docs, 0, batchSize ?? 101)
    let id = 0
    if (!singleBatch && batch.length < docs.length) {
      id = this.next++
      this.open.set(id, { ns, docs, pos: batch.length, lastUsed: Date.now() })
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
    const batch = take(c.docs, c.pos, batchSize ?? Number.MAX_SAFE_INTEGER)
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

/** A batch of at most `n` docs that also stays well below the 16 MB reply limit. */
function take(docs: Doc[], from: number, n: number): Doc[] {
  const out: Doc[] = []
  let bytes = 0
  for (let i = from; i < docs.length && out.length < (n || Number.MAX_SAFE_INTEGER); i++) {
    bytes += BSON.calculateObjectSize(docs[i])
    if (bytes > BATCH_BYTES && out.length) break
    out.push(docs[i])
  }
  return out
}
