// Helpers for the engine's own tests: start an engine on an ephemeral port with a temp dbPath, and talk
// raw wire protocol when a test needs exact control over frames (handshake, retries, bad input).
import net from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as BSON from 'bson'
import { MongoClient } from 'mongodb'
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/db/embedded/index.js'

export interface TestEngine {
  engine: EmbeddedMongo
  client: MongoClient
  dbPath: string
  stop(): Promise<void>
}

export async function startTestEngine(opts: { fsync?: boolean } = {}): Promise<TestEngine> {
  const dbPath = await mkdtemp(path.join(os.tmpdir(), 'kenes-engine-test-'))
  const engine = await startEmbeddedMongo({ dbPath, port: 0, fsync: opts.fsync ?? false })
  const client = new MongoClient(engine.uri)
  await client.connect()
  return {
    engine,
    client,
    dbPath,
    async stop() {
      await client.close()
      await engine.close()
      await rm(dbPath, { recursive: true, force: true })
    },
  }
}

/** Engine-wide count of documents examined by queries (serverStatus().metrics.queryExecutor.scanned). */
export async function scanned(client: MongoClient): Promise<number> {
  const s = await client.db('admin').command({ serverStatus: 1 })
  return s.metrics.queryExecutor.scanned as number
}

let reqId = 100
export function opMsg(cmd: BSON.Document, flags = 0): Buffer {
  const body = BSON.serialize(cmd)
  const m = Buffer.alloc(21 + body.length)
  m.writeInt32LE(m.length, 0)
  m.writeInt32LE(++reqId, 4)
  m.writeInt32LE(2013, 12)
  m.writeUInt32LE(flags, 16)
  m.set(body, 21)
  return m
}

export function opQuery(ns: string, cmd: BSON.Document): Buffer {
  const body = BSON.serialize(cmd)
  const nsBuf = Buffer.from(ns + '\0')
  const m = Buffer.alloc(16 + 4 + nsBuf.length + 8 + body.length)
  m.writeInt32LE(m.length, 0)
  m.writeInt32LE(++reqId, 4)
  m.writeInt32LE(2004, 12)
  nsBuf.copy(m, 20)
  m.writeInt32LE(-1, 20 + nsBuf.length + 4)
  m.set(body, 20 + nsBuf.length + 8)
  return m
}

/** A raw connection that sends frames and reads whole reply frames. */
export class RawConn {
  private buf = Buffer.alloc(0)
  private waiters: ((f: Buffer) => void)[] = []
  private frames: Buffer[] = []
  readonly closed: Promise<void>
  private constructor(readonly sock: net.Socket) {
    sock.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c])
      while (this.buf.length >= 4 && this.buf.length >= this.buf.readInt32LE(0)) {
        const len = this.buf.readInt32LE(0)
        const f = this.buf.subarray(0, len)
        this.buf = this.buf.subarray(len)
        const w = this.waiters.shift()
        if (w) w(f)
        else this.frames.push(f)
      }
    })
    this.closed = new Promise((r) => sock.once('close', () => r()))
  }
  static async open(port: number): Promise<RawConn> {
    const sock = net.connect(port, '127.0.0.1')
    await new Promise<void>((res, rej) => {
      sock.once('connect', () => res())
      sock.once('error', rej)
    })
    return new RawConn(sock)
  }
  next(): Promise<Buffer> {
    const f = this.frames.shift()
    if (f) return Promise.resolve(f)
    return new Promise((r) => this.waiters.push(r))
  }
  /** Send an OP_MSG command and decode the reply body. */
  async command(cmd: BSON.Document): Promise<BSON.Document> {
    this.sock.write(opMsg(cmd))
    const f = await this.next()
    return BSON.deserialize(f.subarray(21))
  }
  close(): void {
    this.sock.destroy()
  }
}

/** Test documents with arbitrary _id types (the driver's default typing assumes ObjectId). */
export type AnyDoc = { _id?: string | number | BSON.ObjectId | null; [k: string]: any }
