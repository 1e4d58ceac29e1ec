// Benchmark of GET /api/v1/stats/indicators on a realistic year (issue 15):
//   indicators.uncached_ms   median (and max) latency of the whole endpoint, computed live every time
//                            (no server-side cache exists), on the real server and its embedded engine,
//                            with: 264 councils, 4,000 council members, 50,000 active users and
//                            500,000 user-days in the year (+ the previous year's 45,000 active users),
//                            20,000 dialogue-room participation days, 300 published videos   (target < 1000 ms)
// Run: npx tsx scripts/bench/indicators.ts   (exit 1 when the target is missed; 3-5 minutes, mostly seeding)
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import mongoose from 'mongoose'

const COUNCILS = 264
const MEMBERS = 4_000
const ACTIVE = 50_000
const USER_DAYS = 500_000
const PREV_ACTIVE = 45_000
const PARTICIPATION_DAYS = 20_000
const VIDEOS = 300
const YEAR = 2026
const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const BATCH = 10_000
const ALMATY_OFFSET_MS = 5 * 3600_000

const { loadConfig } = await import('../../server/core/config.js')
const { startServer } = await import('../../server/core/server.js')
const { modules } = await import('../../server/modules/index.js')

/** A small deterministic generator: the same data on every run. */
let seed = 42
const rand = () => {
  // mulberry32: integer arithmetic only (an LCG in doubles loses precision and cycles)
  seed = (seed + 0x6d2b79f5) | 0
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296
}
const pick = (n: number) => Math.floor(rand() * n)
const dayKey = (d: number) => new Date(Date.UTC(YEAR, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)

async function insert(name: string, docs: Iterable<Record<string, unknown>>): Promise<number> {
  const coll = mongoose.connection.db!.collection(name)
  let batch: Record<string, unknown>[] = []
  let n = 0
  for (const d of docs) {
    batch.push(d)
    if (batch.length === BATCH) {
      n += (await coll.insertMany(batch, { ordered: false })).insertedCount
      batch = []
    }
  }
  if (batch.length) n += (await coll.insertMany(batch, { ordered: false })).insertedCount
  console.log(`  ${name}: +${n}`)
  return n
}

async function seedYear(): Promise<void> {
  const oid = () => new mongoose.Types.ObjectId()
  const councils = Array.from({ length: COUNCILS }, oid)
  await insert(
    'councils',
    councils.map((_id, i) => ({
      _id,
      slug: `bench-${i}`,
      name: { kk: `Кеңес ${i}`, ru: `Совет ${i}` },
      level: 'district',
    })),
  )
  const members = Array.from({ length: MEMBERS }, oid)
  await insert(
    'users',
    members.map((_id, i) => ({
      _id,
      email: `member${i}@bench.kz`,
      passwordHash: 'x',
      displayName: `Member ${i}`,
      roles: ['council_member'],
      councilIds: [councils[i % COUNCILS]],
      locale: 'kk',
      disabled: false,
    })),
  )
  // 50,000 active users, 10 days each on average (500,000 user-days), spread over the year.
  const users = Array.from({ length: ACTIVE }, (_, i) => (i < MEMBERS ? members[i] : oid()))
  const days = new Map<number, Set<number>>()
  let total = 0
  while (total < USER_DAYS) {
    const u = pick(ACTIVE)
    const d = pick(365)
    const set = days.get(u) ?? new Set<number>()
    if (set.has(d)) continue
    set.add(d)
    days.set(u, set)
    total++
  }
  console.log(`  generated ${total} user-days of ${days.size} users`)
  const expiresAt = new Date(Date.UTC(YEAR + 2, 0, 1))
  function* dayDocs() {
    for (const [u, set] of days) for (const d of set) yield { userId: users[u], day: dayKey(d), expiresAt }
  }
  function* yearDocs() {
    for (const [u, set] of days)
      yield { userId: users[u], year: YEAR, firstMonth: Number(dayKey(Math.min(...set)).slice(5, 7)) }
    for (let i = 0; i < PREV_ACTIVE; i++) yield { userId: users[i], year: YEAR - 1, firstMonth: 1 + pick(12) }
  }
  const t0 = performance.now()
  const n = await insert('user_activity_days', dayDocs())
  const years = [...yearDocs()]
  const y = await insert('user_activity_years', years)
  // The counters the users module keeps next to the user-years (one $inc per inserted user-year).
  const counters = new Map<string, number>()
  for (const d of years) {
    const key = `${d.year}-${String(d.firstMonth).padStart(2, '0')}`
    counters.set(key, (counters.get(key) ?? 0) + 1)
  }
  await insert(
    'user_activity_counters',
    [...counters].map(([_id, firstActive]) => ({ _id, firstActive })),
  )
  console.log(`seeded ${n} user-days, ${y} user-years in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  function* participation() {
    for (let i = 0; i < PARTICIPATION_DAYS; i++) {
      const at = new Date(Date.UTC(YEAR, 0, 1) - ALMATY_OFFSET_MS + pick(365) * 86_400_000 + 3600_000 * 10)
      yield {
        roomId: oid(),
        userId: members[pick(MEMBERS * 0.6)],
        councilId: null,
        day: at.toISOString().slice(0, 10),
        firstAt: at,
        lastAt: at,
      }
    }
  }
  await insert('chat_participation', participation())
  await insert(
    'videos',
    Array.from({ length: VIDEOS }, (_, i) => {
      const at = new Date(Date.UTC(YEAR, 0, 1) + pick(365) * 86_400_000)
      return { councilId: councils[i % COUNCILS], status: 'published', publishedAt: at, firstPublishedAt: at }
    }),
  )
}

async function main(): Promise<number> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-bench-indicators-'))
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: path.join(root, 'data'),
    UPLOADS_DIR: path.join(root, 'uploads'),
    JOBS_ENABLED: 'false',
    PUBLIC_CACHE: 'false',
    LOG_LEVEL: 'warn',
    MONGODB_URI: '',
  })
  await fs.mkdir(config.uploadsDir, { recursive: true })
  const server = await startServer(config, modules)
  try {
    console.log(`${os.cpus().length} cpu; seeding a realistic year …`)
    await seedYear()
    const url = `${server.url}/api/v1/stats/indicators?year=${YEAR}`
    const first = await fetch(url)
    if (first.status !== 200) throw new Error(`GET ${url} → ${first.status} ${await first.text()}`)
    const body = (await first.json()) as { indicators: { key: string; value: number | null; details?: object }[] }
    for (const i of body.indicators) console.log(`  ${i.key}: ${i.value} ${i.details ? JSON.stringify(i.details) : ''}`)
    const times: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now()
      const res = await fetch(url)
      await res.arrayBuffer()
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)]
    const max = times[times.length - 1]
    const ok = median < 1000 && max < 1000
    console.log(
      `indicators.uncached_ms: median ${median.toFixed(0)}, max ${max.toFixed(0)} over ${RUNS} requests (target < 1000)${ok ? '' : ' MISSED'}`,
    )
    return ok ? 0 : 1
  } finally {
    await server.close()
    await fs.rm(root, { recursive: true, force: true })
  }
}

process.exitCode = await main().catch((err) => {
  console.error(err)
  return 2
})
