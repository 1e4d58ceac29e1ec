// Chat fan-out benchmark (issue 6; DESIGN.md §7): 500 connected sockets of council members, one
// 200-member room; messages fanned out to the room. Prints
//   chat.p99_delivery_ms      p99 send → receipt at each recipient, Kenes /chat   (target < 100 ms)
//   chat.vs_raw_ws            delivered messages/s of Kenes ÷ a raw `ws` broadcast server doing the
//                             same fan-out (no persistence), same run, same clients   (target ≥ 0.5)
// Topology (2 cores): the embedded database engine, the Kenes server and the raw ws server each run
// in their own child process; all clients run in this process (the same for both servers).
// Run: npx tsx scripts/bench/chat.ts   (bounded: exits 2 after 4 minutes; removes its temp dirs)
//   --engine-thread: the engine in a worker thread of the Kenes server (as `npm start` runs it).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mongoose from 'mongoose'
import { connectChatClients } from './chat-clients.js'
import { WebSocket, WebSocketServer } from 'ws'

const SOCKETS = 500
const ROOM_MEMBERS = 200
const SENDERS = 50
const LATENCY_MESSAGES = 100
/** Senders of the latency round (others than the throughput round's, for the per-user rate limit). */
const LATENCY_SENDERS = 10
const LATENCY_FIRST = 150
/** Throughput rounds per server (senders 0..149 across rounds; latency 150..159; warm-up 180..199). */
const ROUNDS = 3
const MESSAGES_PER_SENDER = 10 // 10 per sender stays under the 20 / 10 s per-user limit
const PASSWORD = 'bench-password-0123456789'
const WATCHDOG_MS = 240_000
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const now = () => performance.now()

// ---------- the raw ws baseline server (runs as a child: `chat.ts --ws-baseline-server`) ----------
function wsBaselineServer(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  const room = new Set<WebSocket>()
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data))
      if (msg.t === 'join') {
        room.add(ws)
        ws.send(JSON.stringify({ t: 'joined' }))
      } else if (msg.t === 'send') {
        const out = JSON.stringify({
          t: 'message:new',
          message: { id: msg.clientId, roomId: 'r', text: msg.text, clientId: msg.clientId },
        })
        for (const peer of room) if (peer !== ws) peer.send(out)
        ws.send(JSON.stringify({ t: 'ack', clientId: msg.clientId }))
      }
    })
    ws.on('close', () => room.delete(ws))
  })
  wss.on('listening', () => process.stdout.write(`listening ${(wss.address() as { port: number }).port}\n`))
  process.on('SIGTERM', () => wss.close(() => process.exit(0)))
}

// ---------- helpers ----------
function startChild(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  what: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} not ready in 60 s:\n${out.slice(-1500)}`)), 60_000)
    child.stdout!.on('data', (c: Buffer) => {
      out += c
      const m = out.match(ready)
      if (m) {
        clearTimeout(timer)
        child.stdout!.removeAllListeners('data')
        child.stdout!.resume()
        resolve({ child, match: m })
      }
    })
    child.stderr!.on('data', (c: Buffer) => (out += c))
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}):\n${out.slice(-1500)}`)))
  })
}

const children: ChildProcess[] = []
async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve()
          c.once('exit', () => resolve())
          c.kill('SIGTERM')
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref()
        }),
    ),
  )
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN
}

interface Round {
  deliveries: number
  expected: number
  seconds: number
  perSec: number
  p50: number
  p99: number
}

/**
 * Every sender sends MESSAGES_PER_SENDER messages one after another (the next once the previous
 * is acknowledged); each text carries its send time, recipients record the latency.
 */
async function measure(
  send: (sender: number, i: number, text: string) => Promise<void>,
  latencies: number[],
  expected: number,
  delivered: () => number,
): Promise<Round> {
  latencies.length = 0
  const base = delivered()
  const start = now()
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, s) => {
      for (let i = 0; i < MESSAGES_PER_SENDER; i++) await send(s, i, `${now().toFixed(3)}|${'сәлем '.repeat(12)}`)
    }),
  )
  const until = Date.now() + 60_000
  while (delivered() - base < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
  const seconds = (now() - start) / 1000
  const sorted = [...latencies].sort((a, b) => a - b)
  const deliveries = delivered() - base
  return {
    deliveries,
    expected,
    seconds,
    perSec: deliveries / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  }
}

/**
 * "One message fanned out to the room": messages one at a time, the next once every recipient
 * has the previous one. Latency over all deliveries; `ackMs` is the sender's wait for its ack.
 */
async function oneAtATime(
  send: (sender: number, i: number, text: string) => Promise<void>,
  latencies: number[],
  count: number,
  delivered: () => number,
): Promise<{ p50: number; p99: number; ackP50: number }> {
  latencies.length = 0
  const acks: number[] = []
  for (let i = 0; i < count; i++) {
    const base = delivered()
    const t = now()
    await send(i % LATENCY_SENDERS, 100 + Math.floor(i / LATENCY_SENDERS), `${t.toFixed(3)}|${'сәлем '.repeat(12)}`)
    acks.push(now() - t)
    const until = Date.now() + 10_000
    while (delivered() - base < ROOM_MEMBERS - 1 && Date.now() < until) await new Promise((r) => setImmediate(r))
  }
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ackP50: percentile(
      acks.sort((a, b) => a - b),
      50,
    ),
  }
}

const latencyOf = (text: string) => now() - Number(text.slice(0, text.indexOf('|')))

// ---------- the run ----------
async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`chat bench: over ${WATCHDOG_MS / 1000} s, giving up`)
    void stopChildren().finally(() => process.exit(2))
  }, WATCHDOG_MS)
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-bench-chat-'))
  let exit = 0
  try {
    exit = await run(tmp)
  } catch (err) {
    console.error(err)
    exit = 2
  } finally {
    await mongoose.disconnect().catch(() => {})
    await stopChildren()
    await fs.rm(tmp, { recursive: true, force: true })
    clearTimeout(watchdog)
  }
  process.exit(exit)
}

async function run(tmp: string): Promise<number> {
  // 1. The Kenes server, and its database engine: by default in its own process over TCP (the
  //    topology of the earlier figures); `--engine-thread`: as `npm start` runs it, in a worker
  //    thread of the server reached through a Unix socket (the URI comes from the server's log).
  const engineThread = process.argv.includes('--engine-thread')
  const engineUri = engineThread
    ? undefined
    : (
        await startChild(
          ['server/db/embedded/cli.ts', '--port', '0', '--dbpath', path.join(tmp, 'db')],
          {},
          /(mongodb:\/\/\S+)/,
          'engine',
        )
      ).match[1]
  const kenes = await startChild(
    ['server/main.ts'],
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
      PORT: '0',
      HOST: '127.0.0.1',
      ...(engineUri ? { MONGODB_URI: engineUri } : {}),
      DATA_DIR: path.join(tmp, 'data'),
      UPLOADS_DIR: path.join(tmp, 'uploads'),
      JOBS_ENABLED: 'false',
      REDIS_URL: '',
    },
    engineThread
      ? /"uri":"(mongodb:[^"]+)"[\s\S]*"url":"(http:\/\/127\.0\.0\.1:\d+)"/
      : /"url":"(http:\/\/127\.0\.0\.1:\d+)"/,
    'Kenes server',
  )
  const uri = engineUri ?? kenes.match[1]
  const url = engineThread ? kenes.match[2] : kenes.match[1]

  // 2. Fixtures straight into the database through the services: councils of 4 regions, 500
  //    council members; the 200-member room is a dialogue platform of the first two councils.
  await mongoose.connect(uri, { dbName: 'kenes' })
  const { listRegions } = await import('../../server/modules/regions/regions.service.js')
  const { Council } = await import('../../server/modules/councils/council.model.js')
  const { createUserDirect } = await import('../../server/modules/users/users.service.js')
  const regions = await listRegions()
  const councils = await Promise.all(
    [0, 1, 2, 3].map(async (i) =>
      String(
        (
          await Council.create({
            slug: `bench-${i}-${Date.now()}`,
            name: { kk: `Кеңес ${i}`, ru: `Совет ${i}` },
            level: 'oblast',
            regionId: regions[i].id,
          })
        )._id,
      ),
    ),
  )
  const councilOf = (u: number) => (u < ROOM_MEMBERS ? councils[u % 2] : councils[2 + (u % 2)])
  const t0 = now()
  const users: { id: string; email: string }[] = new Array(SOCKETS)
  for (let batch = 0; batch < SOCKETS; batch += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, SOCKETS - batch) }, async (_, k) => {
        const u = batch + k
        const user = await createUserDirect({
          email: `bench-${u}@kenes.test`,
          password: PASSWORD,
          displayName: `Мүше ${u}`,
          roles: ['council_member'],
          councilIds: [councilOf(u)],
          emailVerified: true,
        })
        users[u] = { id: user.id, email: user.email }
      }),
    )
  }
  console.log(`setup: ${SOCKETS} users in ${((now() - t0) / 1000).toFixed(1)} s`)

  // 3. Sign everyone in over HTTP (the real session cookie) and connect 500 sockets.
  const cookies: string[] = new Array(SOCKETS)
  for (let batch = 0; batch < SOCKETS; batch += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, SOCKETS - batch) }, async (_, k) => {
        const u = batch + k
        const res = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: users[u].email, password: PASSWORD }),
        })
        if (res.status !== 200) throw new Error(`login ${u}: ${res.status} ${await res.text()}`)
        cookies[u] = res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ')
      }),
    )
  }
  const mod = users[0]
  const roomRes = await fetch(`${url}/api/v1/chat/rooms`, {
    method: 'POST',
    headers: await csrfHeaders(url, cookies[0]),
    body: JSON.stringify({
      kind: 'dialogue',
      councilIds: [councils[0], councils[1]],
      title: { kk: 'Бенчмарк алаңы' },
      topic: { kk: 'Жүктеме' },
    }),
  })
  if (roomRes.status !== 201) throw new Error(`room: ${roomRes.status} ${await roomRes.text()}`)
  const roomId = (await roomRes.json()).room.id as string
  void mod
  console.log(`setup: ${SOCKETS} logins in ${((now() - t0) / 1000).toFixed(1)} s`)

  let delivered = 0
  const latencies: number[] = []
  const sockets = await connectChatClients(url, cookies.slice(0, SOCKETS))
  await Promise.all(
    sockets.slice(0, ROOM_MEMBERS).map(async (s) => {
      const ack = await s.timeout(20_000).emitWithAck('room:join', { roomId })
      if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack.error)}`)
    }),
  )
  for (const s of sockets.slice(0, ROOM_MEMBERS))
    s.on('message:new', (p: { message: { text: string } }) => {
      delivered++
      latencies.push(latencyOf(p.message.text))
    })
  console.log(`setup: ${SOCKETS} sockets connected, ${ROOM_MEMBERS} in the room, ${((now() - t0) / 1000).toFixed(1)} s`)

  const sendKenes = async (sender: number, i: number, text: string) => {
    const ack = await sockets[sender].timeout(30_000).emitWithAck('message:send', {
      roomId,
      text,
      clientId: `bench-${sender}-${i}-${Math.random().toString(36).slice(2, 10)}`,
    })
    if (!ack.ok) throw new Error(`send: ${JSON.stringify(ack.error)}`)
  }
  const expected = SENDERS * MESSAGES_PER_SENDER * (ROOM_MEMBERS - 1)
  // Warm-up with other senders (the rate limit is per user), then the measured round.
  await Promise.all(
    Array.from({ length: 20 }, (_, k) => sendKenes(ROOM_MEMBERS - 1 - k, 0, `${now().toFixed(3)}|warm-up`)),
  )
  while (delivered < 20 * (ROOM_MEMBERS - 1)) await new Promise((r) => setTimeout(r, 5))
  const kLat = await oneAtATime(
    (sender, i, text) => sendKenes(LATENCY_FIRST + sender, i, text),
    latencies,
    LATENCY_MESSAGES,
    () => delivered,
  )

  // 4. The same clients' work against a raw ws broadcast server.
  const ws = await startChild(
    [fileURLToPath(import.meta.url), '--ws-baseline-server'],
    {},
    /listening (\d+)/,
    'ws baseline',
  )
  const wsUrl = `ws://127.0.0.1:${ws.match[1]}`
  let wsDelivered = 0
  const acks = new Map<string, () => void>()
  const clients: WebSocket[] = []
  for (let batch = 0; batch < SOCKETS; batch += 50) {
    clients.push(
      ...(await Promise.all(
        Array.from(
          { length: Math.min(50, SOCKETS - batch) },
          () =>
            new Promise<WebSocket>((resolve, reject) => {
              const c = new WebSocket(wsUrl, { perMessageDeflate: false })
              c.once('open', () => resolve(c))
              c.once('error', reject)
            }),
        ),
      )),
    )
  }
  await Promise.all(
    clients.slice(0, ROOM_MEMBERS).map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('message', () => resolve())
          c.send(JSON.stringify({ t: 'join' }))
        }),
    ),
  )
  for (const c of clients.slice(0, ROOM_MEMBERS))
    c.on('message', (data) => {
      const msg = JSON.parse(String(data))
      if (msg.t === 'message:new') {
        wsDelivered++
        latencies.push(latencyOf(msg.message.text))
      } else if (msg.t === 'ack') acks.get(msg.clientId)?.()
    })
  const sendWs = (sender: number, i: number, text: string) =>
    new Promise<void>((resolve) => {
      const clientId = `bench-${sender}-${i}-${Math.random().toString(36).slice(2, 10)}`
      acks.set(clientId, () => {
        acks.delete(clientId)
        resolve()
      })
      clients[sender].send(JSON.stringify({ t: 'send', roomId: 'r', text, clientId }))
    })
  await Promise.all(
    Array.from({ length: 20 }, (_, j) => sendWs(ROOM_MEMBERS - 1 - j, 0, `${now().toFixed(3)}|warm-up`)),
  )
  while (wsDelivered < 20 * (ROOM_MEMBERS - 1)) await new Promise((r) => setTimeout(r, 5))
  const wLat = await oneAtATime(
    (sender, i, text) => sendWs(LATENCY_FIRST + sender, i, text),
    latencies,
    LATENCY_MESSAGES,
    () => wsDelivered,
  )

  // 5. Throughput, alternating Kenes and ws rounds (the machine is shared: the best of each is
  //    the least disturbed); each Kenes round uses fresh senders for the per-user rate limit.
  const kRounds: Round[] = []
  const wRounds: Round[] = []
  for (let r = 0; r < ROUNDS; r++) {
    kRounds.push(
      await measure(
        (sender, i, text) => sendKenes(r * SENDERS + sender, i, text),
        latencies,
        expected,
        () => delivered,
      ),
    )
    wRounds.push(
      await measure(
        (sender, i, text) => sendWs(r * SENDERS + sender, i, text),
        latencies,
        expected,
        () => wsDelivered,
      ),
    )
  }
  for (const s of sockets) s.close()
  for (const c of clients) c.close()
  const best = (rs: Round[]) => rs.reduce((a, b) => (b.perSec > a.perSec ? b : a))
  const k = best(kRounds)
  const w = best(wRounds)

  const ratio = k.perSec / w.perSec
  const line = (name: string, r: Round) =>
    `  ${name}: ${r.deliveries}/${r.expected} delivered in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSec)} msg/s (latency at saturation p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms)`
  const lat = (name: string, r: { p50: number; p99: number; ackP50: number }) =>
    `  ${name}: delivery p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; sender's ack p50 ${r.ackP50.toFixed(1)} ms`
  console.log(`${SOCKETS} sockets connected, a room of ${ROOM_MEMBERS}`)
  console.log(`one message at a time, ${LATENCY_MESSAGES} messages × ${ROOM_MEMBERS - 1} recipients:`)
  console.log(lat('kenes /chat', kLat))
  console.log(lat('raw ws     ', wLat))
  console.log(
    `throughput, ${SENDERS} senders × ${MESSAGES_PER_SENDER} messages, each acked before the next (${expected} deliveries), best of ${ROUNDS} (all: kenes ${kRounds.map((r) => Math.round(r.perSec)).join(', ')}; ws ${wRounds.map((r) => Math.round(r.perSec)).join(', ')} msg/s):`,
  )
  console.log(line('kenes /chat', k))
  console.log(line('raw ws     ', w))
  const p99ok = kLat.p99 < 100 && k.deliveries === expected
  const ratioOk = ratio >= 0.5
  console.log(`chat.p99_delivery_ms: ${kLat.p99.toFixed(1)} (target < 100)${p99ok ? '' : ' MISSED'}`)
  console.log(`chat.vs_raw_ws: ${ratio.toFixed(2)} (target >= 0.5)${ratioOk ? '' : ' MISSED'}`)
  return p99ok && ratioOk ? 0 : 1
}

/** JSON + the session's CSRF token for an unsafe request. */
async function csrfHeaders(url: string, cookie: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/v1/auth/csrf`, { headers: { cookie } })
  const { csrfToken } = await res.json()
  return { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }
}

if (process.argv.includes('--ws-baseline-server')) wsBaselineServer()
else await main()
