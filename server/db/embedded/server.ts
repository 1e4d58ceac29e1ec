// TCP server: frames the byte stream into messages, runs them one at a time per connection (the driver
// never pipelines on a connection), and writes replies. A malformed frame closes only that socket.
import fs from 'node:fs'
import net from 'node:net'
import type { Doc } from './bson-utils.js'
import { runCommand, type Env } from './commands/index.js'
import { MongoError } from './errors.js'
import { FLAG_MORE_TO_COME, MAX_MESSAGE, OP_QUERY, encodeReply, parseMessage, type Request } from './wire.js'

export class WireServer {
  private readonly server: net.Server
  private readonly sockets = new Set<net.Socket>()
  private nextConnId = 1
  private readonly env: Env

  constructor(env: Env) {
    this.env = env
    this.server = net.createServer((s) => this.onConnection(s))
    this.server.on('error', () => {
      /* surfaced through listen() */
    })
  }

  get connections(): number {
    return this.sockets.size
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onErr = (e: Error): void => reject(e)
      this.server.once('error', onErr)
      this.server.listen(port, host, () => {
        this.server.off('error', onErr)
        resolve((this.server.address() as net.AddressInfo).port)
      })
    })
  }

  /** Listens on a Unix socket (a stale file from a killed process is replaced); resolves 0 as the port. */
  async listenPath(socketPath: string): Promise<number> {
    await fs.promises.rm(socketPath, { force: true })
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error): void => reject(e)
      this.server.once('error', onErr)
      this.server.listen(socketPath, () => {
        this.server.off('error', onErr)
        resolve()
      })
    })
    return 0
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock)
    sock.setNoDelay(true)
    const connectionId = this.nextConnId++
    let chain = Promise.resolve()
    // Chunks are kept in a list and joined only once a whole frame is there (big inserts arrive in
    // hundreds of chunks; joining on every chunk would be quadratic).
    let chunks: Buffer[] = []
    let have = 0
    let need = 0
    sock.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      have += chunk.length
      for (;;) {
        if (!need) {
          if (have < 4) return
          const head = chunks[0].length >= 4 ? chunks[0] : Buffer.concat(chunks)
          need = head.readInt32LE(0)
          if (need < 16 || need > MAX_MESSAGE) {
            sock.destroy()
            return
          }
        }
        if (have < need) return
        const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have)
        const frame = all.subarray(0, need)
        const rest = all.subarray(need)
        chunks = rest.length ? [rest] : []
        have = rest.length
        need = 0
        chain = chain.then(() => this.handle(sock, frame, connectionId))
      }
    })
    sock.on('error', () => sock.destroy())
    sock.on('close', () => this.sockets.delete(sock))
  }

  private async handle(sock: net.Socket, frame: Buffer, connectionId: number): Promise<void> {
    if (sock.destroyed) return
    let req: Request
    try {
      req = parseMessage(frame)
    } catch (e) {
      // Cannot even tell which request this was: answer nothing and drop the connection.
      if (!(e instanceof MongoError)) process.emitWarning(`embedded mongo: bad frame: ${String(e)}`)
      sock.destroy()
      return
    }
    let reply: Doc
    try {
      const defaultDb = req.fullCollectionName ? req.fullCollectionName.split('.')[0] : 'admin'
      const cmd = req.opCode === OP_QUERY ? normalizeLegacy(req.command) : req.command
      reply = await runCommand({ ...this.env, connectionId }, cmd, defaultDb)
    } catch (e) {
      reply = e instanceof MongoError ? e.toReply() : new MongoError(1, String(e)).toReply()
    }
    if (req.flags & FLAG_MORE_TO_COME) return // unacknowledged write: no reply
    if (!sock.destroyed) sock.write(encodeReply(req, reply))
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()))
    for (const s of this.sockets) s.destroy()
    await closed
  }
}

/** OP_QUERY handshakes spell it `isMaster`/`ismaster`; route both to the legacy hello reply. */
function normalizeLegacy(cmd: Doc): Doc {
  return cmd
}
