// Soak (issue 21): N socket.io clients of council members in chat rooms sending messages, plus M
// HTTP connections looping over public and member routes, for a fixed time against one Kenes server.
// Prints errors, p99 latencies and the server's memory:
//   soak.errors                 failed HTTP requests, refused acks, socket errors/disconnects   (target 0)
//   soak.http_p99_ms            p99 of every HTTP request of the run (after warm-up)
//   soak.chat_p99_ms            p99 send → `message:new` at each recipient (after warm-up)
//   soak.rss_mb                 server RSS: start (after setup), at rest after warm-up, under load
//                               (median, peak), at rest at the end
//   soak.heap_used_mb           the server's V8 heap in use (from /metrics), the same moments
//   soak.rss_growth_pct         at rest at the end ÷ at rest after warm-up − 1   (target < 10)
// "At rest": the traffic pauses for 10 s (clients stay connected and in their rooms); halfway a full
// GC is forced through the server's inspector (loopback, ephemeral port), and the figure is the
// median of the samples after it.
// Topology: the embedded engine and the Kenes server (no Redis) in child processes, all clients here,
// everything on 127.0.0.1 (the servers bind loopback only). Exits 1 when a target is missed, 2 on an
// error or the time bound (duration + 5 min); removes its temporary directory.
//
//   npx tsx scripts/soak.ts [--duration=60] [--warmup=10] [--sockets=500] [--http=50] [--rooms=5]
//                           [--message-interval=10]
// or the same as SOAK_DURATION_SEC, SOAK_WARMUP_SEC, SOAK_SOCKETS, SOAK_HTTP, SOAK_ROOMS, SOAK_MESSAGE_INTERVAL_SEC.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mongoose from 'mongoose'
import type { Socket } from 'socket.io-client'
import { connectChatClients } from './bench/chat-clients.js'
import { WebSocket } from 'ws'

function opt(flag: string, env: string, def: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${flag}=`))
  const v = Number(a ? a.slice(flag.length + 3) : (process.env[env] ?? def))
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${flag} / ${env}: a positive number, got ${a ?? process.env[env]}`)
  return v
}
const DURATION_SEC = opt('duration', 'SOAK_DURATION_SEC', 60)
const WARMUP_SEC = Math.min(opt('warmup', 'SOAK_WARMUP_SEC', 10), DURATION_SEC / 2)
const SOCKETS = Math.round(opt('sockets', 'SOAK_SOCKETS', 500))
const HTTP = Math.round(opt('http', 'SOAK_HTTP', 50))
const ROOMS = Math.round(opt('rooms', 'SOAK_ROOMS', 5))
/** Each client sends one message about every this many seconds (the per-user limit is 20 / 10 s). */
const MESSAGE_INTERVAL_SEC = opt('message-interval', 'SOAK_MESSAGE_INTERVAL_SEC', 10)
const PASSWORD = 'soak-password-0123456789'
/** The pause after warm-up and after the run in which memory is measured at rest. */
const IDLE_SEC = 10
const WATCHDOG_MS = (DURATION_SEC + 300) * 1000
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const now = () => performance.now()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const children: ChildProcess[] = []
/** The server's inspector (loopback, ephemeral port): used only to force a full GC at rest. */
let inspectorUrl: string | undefined
function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => {
    if (inspectorUrl) return
    stderr += c
    inspectorUrl = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stderr)?.[1]
  })
  // Logs are JSON lines on stdout: the first server errors (level 50/60) are shown.
  child.stdout!.on('data', (c: Buffer) => {
    if (errors.logged < 5 && /"level":(50|60)/.test(String(c))) {
      errors.logged++
      console.error(`server log: ${String(c).slice(0, 500)}`)
    }
  })
  return child
}
/** A full garbage collection in the server (HeapProfiler.collectGarbage over the inspector). */
async function collectGarbage(): Promise<void> {
  if (!inspectorUrl) throw new Error('the server printed no inspector URL')
  const ws = new WebSocket(inspectorUrl)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  for (let id = 1; id <= 2; id++) {
    const done = new Promise<void>((resolve) => ws.on('message', (m) => JSON.parse(String(m)).id === id && resolve()))
    ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }))
    await done
  }
  ws.close()
}
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}
function startChild(args: string[], env: Record<string, string>, ready: RegExp, what: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  return new Promise<{ child: ChildProcess; match: RegExpMatchArray }>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} not ready in 90 s:\n${out.slice(-1500)}`)), 90_000)
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

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024
}
/** The server's V8 heap in use (prom-client's default `nodejs_heap_size_used_bytes`), in MB. */
async function heapUsedMb(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer soak-metrics-token' } })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`GET /metrics → ${res.status} ${text.slice(0, 200)}`)
  const m = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text)
  return m ? Number(m[1]) / 1024 ** 2 : NaN
}
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN
}
const median = (v: number[]) => percentile(v, 50)

const errors = { http: 0, ack: 0, socket: 0, logged: 0, samples: [] as string[] }
function error(kind: 'http' | 'ack' | 'socket', what: string): void {
  errors[kind]++
  if (errors.samples.length < 10) errors.samples.push(`${kind}: ${what}`)
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`soak: over ${WATCHDOG_MS / 1000} s, giving up`)
    void stopChildren().finally(() => process.exit(2))
  }, WATCHDOG_MS)
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-soak-'))
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
  console.log(
    `soak: ${SOCKETS} sockets in ${ROOMS} rooms (a message per client every ~${MESSAGE_INTERVAL_SEC} s), ` +
      `${HTTP} HTTP connections, ${DURATION_SEC} s (warm-up ${WARMUP_SEC} s); load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  )
  const engine = await startChild(
    ['server/db/embedded/cli.ts', '--host', '127.0.0.1', '--port', '0', '--dbpath', path.join(tmp, 'db')],
    {},
    /(mongodb:\/\/\S+)/,
    'engine',
  )
  const uri = engine.match[1]
  // LOG_LEVEL=warn (no per-request lines), so readiness is polled on /health rather than read from the log.
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const kenes = spawnChild(['server/main.ts'], {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'soak-session-secret-0123456789abcdef',
    PORT: String(port),
    HOST: '127.0.0.1',
    MONGODB_URI: uri,
    DATA_DIR: path.join(tmp, 'data'),
    UPLOADS_DIR: path.join(tmp, 'uploads'),
    JOBS_ENABLED: 'false',
    REDIS_URL: '',
    METRICS_TOKEN: 'soak-metrics-token',
  })
  for (let i = 0; ; i++) {
    if (kenes.exitCode !== null) throw new Error(`Kenes server exited (${kenes.exitCode})`)
    if (i > 900) throw new Error('Kenes server not ready in 90 s')
    const ok = await fetch(`${url}/api/v1/health`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) break
    await sleep(100)
  }
  const serverPid = kenes.pid!
  const t0 = now()

  // Fixtures through the services: 2 councils per room (their members share the room), 500
  // members spread over them, a few published news for the public routes.
  await mongoose.connect(uri, { dbName: 'kenes' })
  const { listRegions } = await import('../server/modules/regions/regions.service.js')
  const { Council } = await import('../server/modules/councils/council.model.js')
  const { createUserDirect } = await import('../server/modules/users/users.service.js')
  const regions = await listRegions()
  const councils: { id: string; slug: string }[] = []
  for (let i = 0; i < ROOMS * 2; i++) {
    const slug = `soak-${i}`
    const c = await Council.create({
      slug,
      name: { kk: `Кеңес ${i}`, ru: `Совет ${i}` },
      level: 'oblast',
      regionId: regions[i % regions.length].id,
    })
    councils.push({ id: String(c._id), slug })
  }
  const councilOf = (u: number) => councils[u % councils.length].id
  const users: { email: string }[] = new Array(SOCKETS)
  for (let batch = 0; batch < SOCKETS; batch += 25)
    await Promise.all(
      Array.from({ length: Math.min(25, SOCKETS - batch) }, async (_, k) => {
        const u = batch + k
        const user = await createUserDirect({
          email: `soak-${u}@kenes.test`,
          password: PASSWORD,
          displayName: `Мүше ${u}`,
          roles: ['council_member'],
          councilIds: [councilOf(u)],
          emailVerified: true,
        })
        users[u] = { email: user.email }
      }),
    )
  await mongoose.disconnect()
  const cookies: string[] = new Array(SOCKETS)
  for (let batch = 0; batch < SOCKETS; batch += 20)
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
  const csrf = async (u: number) => {
    const res = await fetch(`${url}/api/v1/auth/csrf`, { headers: { cookie: cookies[u] } })
    return { 'content-type': 'application/json', cookie: cookies[u], 'x-csrf-token': (await res.json()).csrfToken }
  }
  // Rooms: a dialogue of councils 2r and 2r+1, created by one of their members.
  const roomIds: string[] = []
  for (let r = 0; r < ROOMS; r++) {
    const res = await fetch(`${url}/api/v1/chat/rooms`, {
      method: 'POST',
      headers: await csrf(2 * r),
      body: JSON.stringify({
        kind: 'dialogue',
        councilIds: [councils[2 * r].id, councils[2 * r + 1].id],
        title: { kk: `Сынақ алаңы ${r}` },
        topic: { kk: 'Ұзақ жүктеме' },
      }),
    })
    if (res.status !== 201) throw new Error(`room ${r}: ${res.status} ${await res.text()}`)
    roomIds.push((await res.json()).room.id)
  }
  for (let n = 0; n < 3; n++)
    for (let c = 0; c < Math.min(councils.length, 4); c++) {
      const res = await fetch(`${url}/api/v1/councils/${councils[c].id}/news`, {
        method: 'POST',
        headers: await csrf(c),
        body: JSON.stringify({ title: { kk: `Жаңалық ${c}-${n}` }, body: { kk: '<p>мәтін</p>' }, status: 'published' }),
      })
      if (res.status !== 201) throw new Error(`news: ${res.status} ${await res.text()}`)
    }
  const roomOf = (u: number) => roomIds[Math.floor((u % councils.length) / 2)]

  // Sockets, each in its council's room.
  const sockets: Socket[] = []
  let measuring = false
  let stopping = false
  const chatLatencies: number[] = []
  let delivered = 0
  sockets.push(...(await connectChatClients(url, cookies.slice(0, SOCKETS))))
  await Promise.all(
    sockets.map(async (s, u) => {
      const ack = await s.timeout(30_000).emitWithAck('room:join', { roomId: roomOf(u) })
      if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack.error)}`)
    }),
  )
  sockets.forEach((s) => {
    s.on('message:new', (p: { message: { text: string } }) => {
      delivered++
      const sent = Number(p.message.text.slice(0, p.message.text.indexOf('|')))
      if (measuring && Number.isFinite(sent)) chatLatencies.push(now() - sent)
    })
    s.on('disconnect', (reason) => !stopping && error('socket', `disconnect: ${reason}`))
    s.on('connect_error', (e) => error('socket', `connect_error: ${e.message}`))
  })
  const rssStart = await rssMb(serverPid)
  const heapStart = await heapUsedMb(url)
  console.log(`setup: ${SOCKETS} users signed in, ${ROOMS} rooms joined in ${((now() - t0) / 1000).toFixed(1)} s`)

  // `end` moves on by the idle pause after warm-up, so the load itself lasts DURATION_SEC.
  let end = now() + DURATION_SEC * 1000
  /** Set during the idle pause after warm-up: senders and HTTP loops wait on it. */
  let paused: Promise<void> | null = null
  const httpLatencies: number[] = []
  let httpCount = 0
  let sent = 0

  // Socket senders: each client one message every ~MESSAGE_INTERVAL_SEC (jittered), acked.
  const senders = sockets.map(async (s, u) => {
    await sleep(Math.random() * MESSAGE_INTERVAL_SEC * 1000)
    let i = 0
    while (now() < end) {
      if (paused) await paused
      try {
        const ack = await s.timeout(30_000).emitWithAck('message:send', {
          roomId: roomOf(u),
          text: `${now().toFixed(3)}|${'сәлем '.repeat(8)}`,
          clientId: `soak-${u}-${i++}`,
        })
        sent++
        if (!ack.ok) error('ack', JSON.stringify(ack.error))
      } catch (e) {
        error('ack', (e as Error).message)
      }
      await sleep(MESSAGE_INTERVAL_SEC * 1000 * (0.5 + Math.random()))
    }
  })

  // HTTP connections: half on public routes as a guest, half on member routes with a session.
  const publicPaths = [
    '/api/v1/councils',
    '/api/v1/news',
    ...councils.slice(0, 4).map((c) => `/api/v1/councils/${c.slug}`),
    '/api/v1/regions',
    '/api/v1/health',
  ]
  const memberPaths = (u: number) => [
    '/api/v1/auth/me',
    '/api/v1/chat/rooms',
    `/api/v1/chat/rooms/${roomOf(u)}`,
    `/api/v1/chat/rooms/${roomOf(u)}/messages`,
  ]
  const loops = Array.from({ length: HTTP }, async (_, c) => {
    const member = c % 2 === 1
    // More HTTP loops than signed-in users: the members' loops share their sessions.
    const u = c % SOCKETS
    const paths = member ? memberPaths(u) : publicPaths
    let i = c
    while (now() < end) {
      if (paused) await paused
      const p = paths[i++ % paths.length]
      const t = now()
      try {
        const res = await fetch(`${url}${p}`, { headers: member ? { cookie: cookies[u] } : {} })
        await res.arrayBuffer()
        if (res.status !== 200) error('http', `${p} → ${res.status}`)
      } catch (e) {
        error('http', `${p}: ${(e as Error).message}`)
      }
      if (measuring) httpLatencies.push(now() - t)
      httpCount++
    }
  })

  // Memory is compared at rest, not under load (where it follows the GC's sawtooth and the queues):
  // after warm-up the traffic pauses for IDLE_SEC (clients stay connected) and RSS and heap are the
  // median of the samples of its second half; the same after the run. Under load they are sampled
  // every second too (median and peak printed).
  const sample = async () => ({ mb: await rssMb(serverPid), heap: await heapUsedMb(url) })
  const atRest = async () => {
    await sleep((IDLE_SEC / 2) * 1000) // in-flight requests and deliveries finish
    await collectGarbage()
    const got: { mb: number; heap: number }[] = []
    while (got.length < IDLE_SEC / 2) {
      got.push(await sample())
      await sleep(1000)
    }
    return { mb: median(got.map((g) => g.mb)), heap: median(got.map((g) => g.heap)) }
  }
  const underLoad: { mb: number; heap: number }[] = []
  let restWarm = { mb: NaN, heap: NaN }
  const sampler = (async () => {
    await sleep(WARMUP_SEC * 1000)
    let release!: () => void
    paused = new Promise<void>((r) => (release = r))
    const t = now()
    restWarm = await atRest()
    end += now() - t
    paused = null
    release()
    measuring = true
    while (now() < end) {
      underLoad.push(await sample())
      await sleep(1000)
    }
  })()
  await Promise.all([...senders, ...loops, sampler])
  stopping = true
  const restEnd = await atRest()
  const growth = (restEnd.mb / restWarm.mb - 1) * 100
  const errorCount = errors.http + errors.ack + errors.socket
  for (const s of sockets) s.close()

  console.log(
    `traffic: ${httpCount} HTTP requests (${(httpCount / DURATION_SEC).toFixed(0)}/s), ${sent} chat messages sent, ` +
      `${delivered} delivered; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  )
  for (const s of errors.samples) console.log(`  error sample: ${s}`)
  const lines: [string, string, boolean][] = [
    [
      'soak.errors',
      `${errorCount} (http ${errors.http}, ack ${errors.ack}, socket ${errors.socket}) (target 0)`,
      errorCount === 0,
    ],
    ['soak.http_p99_ms', `${percentile(httpLatencies, 99).toFixed(1)} (p50 ${median(httpLatencies).toFixed(1)})`, true],
    ['soak.chat_p99_ms', `${percentile(chatLatencies, 99).toFixed(1)} (p50 ${median(chatLatencies).toFixed(1)})`, true],
    [
      'soak.rss_mb',
      `start ${rssStart.toFixed(1)}, at rest after warm-up ${restWarm.mb.toFixed(1)}, under load median ` +
        `${median(underLoad.map((u) => u.mb)).toFixed(1)} peak ${Math.max(...underLoad.map((u) => u.mb)).toFixed(1)}, ` +
        `at rest at the end ${restEnd.mb.toFixed(1)}`,
      true,
    ],
    [
      'soak.heap_used_mb',
      `start ${heapStart.toFixed(1)}, at rest after warm-up ${restWarm.heap.toFixed(1)}, under load median ` +
        `${median(underLoad.map((u) => u.heap)).toFixed(1)} peak ${Math.max(...underLoad.map((u) => u.heap)).toFixed(1)}, ` +
        `at rest at the end ${restEnd.heap.toFixed(1)}`,
      true,
    ],
    ['soak.rss_growth_pct', `${growth.toFixed(1)} (target < 10)`, growth < 10],
  ]
  let missed = false
  for (const [name, value, ok] of lines) {
    console.log(`${name}: ${value}${ok ? '' : ' MISSED'}`)
    missed ||= !ok
  }
  return missed ? 1 : 0
}

await main()
