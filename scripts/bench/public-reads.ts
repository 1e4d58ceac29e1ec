/**
 * Public reads benchmark (issue 4): council list, one council profile, news list.
 *
 *   npx tsx scripts/bench/public-reads.ts
 *
 * Seeds a temporary embedded database with 264 councils and 10,000 published news (insertMany in
 * batches of 1,000), then measures, in the same run, with autocannon (50 connections, 10 s per case
 * after 2 s of unmeasured warm-up), each server in its own child
 * process so the load generator does not share its event loop:
 *   (a) raw node:http returning the same JSON from memory (pre-serialized),
 *   (b) a bare Express route returning the same JSON (res.json of the object in memory),
 *   (c) Kenes with PUBLIC_CACHE=false (full middleware chain + database),
 *   (d) Kenes with the public response cache,
 *   (e) the driver floor: raw node:http + the official mongodb driver doing the same database reads
 *       as (c) on its own engine thread (no Express, mongoose or middleware) and shaping the same JSON.
 *       No target: it is the most any DB-backed route can reach here, printed beside (c).
 * All five run at once and each endpoint's five cases are measured back to back (a ratio compares one
 * time window of a noisy machine); the server CPU time per request (all threads, and the main thread
 * alone) is printed beside each figure.
 * Prints (c)/(b) and (d)/(a) per endpoint (targets ≥ 0.5) and p99 (target < 50 ms).
 * Exit 0 when all targets are met, 1 when one is missed, 2 on an error or the 5-minute bound
 * (a run takes about 3 minutes).
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CouncilDoc } from '../../server/modules/councils/council.model.js'
import type { NewsDoc } from '../../server/modules/news/news.model.js'

const SELF = fileURLToPath(import.meta.url)
const ROOT = path.resolve(path.dirname(SELF), '..', '..')
const COUNCILS = 264
const NEWS = 10_000
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 10)
/** Unmeasured load before each case: JIT, connection pools and (for the cached server) the cache warm up. */
const WARMUP = Number(process.env.BENCH_WARMUP_SEC ?? 2)
const CONNECTIONS = 50
const BOUND_MS = 5 * 60_000

const mode = process.argv[2]
if (mode === '--seed') await seedChild(process.argv[3])
else if (mode === '--serve' && process.argv[3] === 'floor') await serveFloor(process.argv[4])
else if (mode === '--serve') await serveChild(process.argv[3] as Target, process.argv[4])
else await main()

type Target = 'raw' | 'express' | 'kenes'

async function seedChild(dataDir: string): Promise<void> {
  const { loadConfig, setActiveConfig } = await import('../../server/core/config.js')
  const { connectDatabase } = await import('../../server/core/db.js')
  const { indexTokens, normalize } = await import('../../server/core/search.js')
  const { Council } = await import('../../server/modules/councils/council.model.js')
  const { News } = await import('../../server/modules/news/news.model.js')
  const { seedRegions, listRegions } = await import('../../server/modules/regions/regions.service.js')
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
  setActiveConfig(config)
  const db = await connectDatabase(config)
  await seedRegions()
  const regions = await listRegions('ru')
  const levels = ['republican', 'oblast', 'city', 'district'] as const
  const councils = Array.from({ length: COUNCILS }, (_, i) => {
    const level = i < 24 ? 'republican' : levels[1 + (i % 3)]
    const region = level === 'republican' ? null : regions[i % regions.length]
    const name = {
      kk: `${region?.name.kk ?? 'Республикалық'} ${i}-қоғамдық кеңесі`,
      ru: `Общественный совет №${i} ${region?.name.ru ?? 'республиканский'}`,
    }
    const stateBody = { kk: `${i}-мемлекеттік орган`, ru: `Государственный орган №${i}` }
    return {
      slug: `bench-council-${i}`,
      name,
      level,
      regionId: region?.id ?? null,
      stateBody,
      description: { kk: 'Кеңес туралы қысқаша мәлімет.', ru: 'Краткие сведения о совете.' },
      members: [{ fullName: { kk: 'Айгүл Серікқызы', ru: 'Айгуль Сериковна' }, position: 'chair', order: 0 }],
      levelRank: levels.indexOf(level),
      sortName: normalize(name.kk),
      searchTokens: indexTokens(name, stateBody, region?.name),
    }
  })
  const inserted = await Council.insertMany(councils)
  const start = Date.UTC(2025, 0, 1)
  for (let b = 0; b < NEWS; b += 1000) {
    const batch = Array.from({ length: Math.min(1000, NEWS - b) }, (_, j) => {
      const i = b + j
      const c = inserted[i % inserted.length]
      const title = { kk: `Кеңестің отырысы №${i}`, ru: `Заседание совета №${i}` }
      const summary = {
        kk: 'Кеңес мүшелері азаматтардың өтініштерін қарады.',
        ru: 'Члены совета рассмотрели обращения граждан.',
      }
      return {
        councilId: c._id,
        regionId: c.regionId,
        slug: `bench-news-${i}`,
        title,
        summary,
        body: { kk: '<p>Отырыстың толық мәтіні.</p>', ru: '<p>Полный текст заседания.</p>' },
        tags: ['отырыс', 'заседание'],
        status: 'published',
        publishedAt: new Date(start + i * 3_600_000),
        searchTokens: indexTokens(title, summary),
      }
    })
    await News.insertMany(batch)
  }
  await db.close()
  process.stdout.write('SEEDED\n')
}

async function serveChild(target: Target, arg: string): Promise<void> {
  if (target === 'kenes') {
    const { loadConfig } = await import('../../server/core/config.js')
    const { startServer } = await import('../../server/core/server.js')
    const { modules } = await import('../../server/modules/index.js')
    const config = loadConfig({
      ...process.env,
      DATA_DIR: arg,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    })
    const server = await startServer(config, modules)
    process.stdout.write(`LISTENING ${server.port}\n`)
    process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
    return
  }
  const bodies = JSON.parse(await fs.readFile(arg, 'utf8')) as Record<string, unknown>
  let server: http.Server
  if (target === 'raw') {
    const buffers = new Map(Object.entries(bodies).map(([u, b]) => [u, Buffer.from(JSON.stringify(b))]))
    server = http.createServer((req, res) => {
      const body = buffers.get(req.url ?? '')
      if (!body) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
      res.end(body)
    })
  } else {
    const { default: express } = await import('express')
    const app = express()
    for (const [u, b] of Object.entries(bodies))
      app.get(new URL(u, 'http://x').pathname, (_req, res) => void res.json(b))
    server = http.createServer(app)
  }
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`LISTENING ${(server.address() as { port: number }).port}\n`),
  )
}

/**
 * (e) The driver floor: the reads of (c) through the official driver alone, straight from node:http,
 * shaped by the same view functions. What it spends per request is what the driver and the engine
 * cost; (c) minus (e) is what Express, mongoose and the middleware chain add.
 */
async function serveFloor(dataDir: string): Promise<void> {
  const { MongoClient } = await import('mongodb')
  const { startEmbeddedMongoInWorker } = await import('../../server/db/embedded/thread.js')
  const { engineSocketPath } = await import('../../server/db/embedded/socket-path.js')
  const { encodeCursor } = await import('../../server/core/http.js')
  const { LIST_FIELDS: COUNCIL_FIELDS } = await import('../../server/modules/councils/councils.service.js')
  const { toListItem: councilItem, toProfile } = await import('../../server/modules/councils/councils.view.js')
  const { LIST_FIELDS: NEWS_FIELDS, toListItem: newsItem } = await import('../../server/modules/news/news.view.js')
  // The modules register the profile's stats (news, videos, appeals) at import.
  await import('../../server/modules/index.js')
  const { councilWithStatsPipeline, splitStats } = await import('../../server/modules/councils/council-stats.js')
  const engine = await startEmbeddedMongoInWorker({
    dbPath: path.join(dataDir, 'db'),
    port: 0,
    host: '127.0.0.1',
    socketPath: engineSocketPath(path.join(dataDir, 'db')),
  })
  const client = await MongoClient.connect(engine.uri)
  const db = client.db(process.env.MONGODB_DB ?? 'kenes')
  const councils = db.collection<CouncilDoc>('councils')
  const news = db.collection<NewsDoc>('news')
  const PAGE = 20
  const routes: Record<string, () => Promise<unknown>> = {
    '/api/v1/councils': async () => {
      const docs = await councils
        .find({ archivedAt: null }, { projection: COUNCIL_FIELDS })
        .sort({ levelRank: 1, sortName: 1, _id: 1 })
        .limit(PAGE + 1)
        .toArray()
      const last = docs[PAGE - 1]
      return {
        items: docs.slice(0, PAGE).map(councilItem),
        nextCursor: docs.length > PAGE ? encodeCursor([last.levelRank, last.sortName, String(last._id)]) : null,
      }
    },
    '/api/v1/councils/bench-council-30': async () => {
      // As getCouncilProfile(): the council and its stats in one aggregate (one round trip).
      const [joined] = await councils
        .aggregate(
          councilWithStatsPipeline({ slug: 'bench-council-30', archivedAt: null }, { searchTokens: 0 }, new Date()),
        )
        .toArray()
      // The bench seeds no appeals, so no median query follows (it needs an answered one).
      const { doc, stats } = await splitStats(joined as CouncilDoc)
      const profile = toProfile(doc, stats)
      // As getCouncilProfile() answers a guest: members without their linked user ids.
      return { ...profile, members: profile.members.map(({ userId: _userId, ...m }) => m) }
    },
    '/api/v1/news': async () => {
      const docs = await news
        .find({ status: 'published', councilArchived: false }, { projection: NEWS_FIELDS })
        .sort({ publishedAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray()
      const last = docs[PAGE - 1]
      return {
        items: docs.slice(0, PAGE).map(newsItem),
        nextCursor:
          docs.length > PAGE ? encodeCursor([new Date(last.publishedAt!).toISOString(), String(last._id)]) : null,
      }
    },
  }
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? '']
    if (!route) return void res.writeHead(404).end()
    route().then(
      (body) => {
        const json = JSON.stringify(body)
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(json),
        })
        res.end(json)
      },
      (err) => {
        console.error(err)
        res.writeHead(500).end()
      },
    )
  })
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`LISTENING ${(server.address() as { port: number }).port}\n`),
  )
  process.on(
    'SIGTERM',
    () =>
      void client
        .close()
        .then(() => engine.close())
        .then(() => process.exit(0)),
  )
}

function child(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; ready: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    proc.stdout!.on('data', (d) => {
      out += d
      const m = /(LISTENING \d+|SEEDED)/.exec(out)
      if (m) resolve(m[1])
    })
    proc.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)))
  })
  return { proc, ready }
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
  if (proc.exitCode === null) proc.kill('SIGKILL')
}

interface Run {
  rps: number
  p99: number
  non2xx: number
  /** server CPU per request, ms, all threads and the main (event-loop) thread alone; NaN without /proc */
  cpuMs: number
  mainCpuMs: number
}

/** User + system CPU time of a process (or, with `thread`, of its main thread) in ms (Linux /proc), NaN elsewhere. */
async function cpuOf(pid: number, thread = false): Promise<number> {
  try {
    const f = (await fs.readFile(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8'))
      .split(') ')[1]
      .split(' ')
    return (Number(f[11]) + Number(f[12])) * (1000 / 100) // clock ticks of 10 ms (USER_HZ)
  } catch {
    return NaN
  }
}
// autocannon ships no type declarations: the little used here is typed locally.
type Autocannon = (o: { url: string; connections: number; duration: number }) => Promise<{
  requests: { average: number; total: number }
  latency: { p99: number }
  non2xx: number
  errors: number
  timeouts: number
}>
async function load(url: string, pid: number): Promise<Run> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon
  if (WARMUP > 0) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP })
  const [c0, m0] = [await cpuOf(pid), await cpuOf(pid, true)]
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION })
  const n = Math.max(1, r.requests.total)
  const cpuMs = ((await cpuOf(pid)) - c0) / n
  const mainCpuMs = ((await cpuOf(pid, true)) - m0) / n
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts, cpuMs, mainCpuMs }
}

async function main(): Promise<void> {
  const bound = setTimeout(() => {
    console.error(`public-reads: exceeded the ${BOUND_MS / 60_000}-minute bound`)
    process.exit(2)
  }, BOUND_MS)
  bound.unref()
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-bench-reads-'))
  const dataDir = path.join(dir, 'data')
  const procs: ChildProcess[] = []
  try {
    const t0 = Date.now()
    const load1 = () =>
      os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')
    console.log(`${os.cpus().length} cpu, load average ${load1()}; seeding ${COUNCILS} councils and ${NEWS} news …`)
    const seeding = child(['--seed', dataDir])
    procs.push(seeding.proc)
    await seeding.ready
    console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`)

    const endpoints = {
      'council list': '/api/v1/councils',
      'council profile': '/api/v1/councils/bench-council-30',
      'news list': '/api/v1/news',
    }
    const results: Record<string, Record<string, Run>> = {}
    // All five servers run at once (idle ones cost nothing) and each endpoint's five cases are measured
    // back to back, so a ratio compares figures from the same ~1-minute window of a noisy machine.
    const dataCopy = path.join(dir, 'data-cached')
    const dataFloor = path.join(dir, 'data-floor')
    // one engine per data directory (dbpath lock)
    await Promise.all([fs.cp(dataDir, dataCopy, { recursive: true }), fs.cp(dataDir, dataFloor, { recursive: true })])
    const ports: Record<string, number> = {}
    const pids: Record<string, number> = {}
    const start = async (target: string, args: string[], env: Record<string, string> = {}) => {
      const s = child(args, env)
      procs.push(s.proc)
      ports[target] = Number((await s.ready).split(' ')[1])
      pids[target] = s.proc.pid!
    }
    await Promise.all([
      start('kenes-uncached', ['--serve', 'kenes', dataDir], { PUBLIC_CACHE: 'false' }),
      start('kenes-cached', ['--serve', 'kenes', dataCopy], { PUBLIC_CACHE: 'true' }),
      start('floor', ['--serve', 'floor', dataFloor]),
    ])
    const bodies: Record<string, unknown> = {}
    for (const u of Object.values(endpoints)) {
      const res = await fetch(`http://127.0.0.1:${ports['kenes-uncached']}${u}`)
      if (res.status !== 200) throw new Error(`${u} → ${res.status}`)
      bodies[u] = await res.json()
      // The floor must do the same work: the same reads, shaped into the very same JSON.
      const floor = await fetch(`http://127.0.0.1:${ports.floor}${u}`)
      assert.deepStrictEqual(
        floor.status === 200 ? await floor.json() : floor.status,
        bodies[u],
        `the driver floor's ${u} differs from Kenes's`,
      )
    }
    const bodiesFile = path.join(dir, 'bodies.json')
    await fs.writeFile(bodiesFile, JSON.stringify(bodies))
    await Promise.all([
      start('raw', ['--serve', 'raw', bodiesFile]),
      start('express', ['--serve', 'express', bodiesFile]),
    ])
    for (const [name, u] of Object.entries(endpoints)) {
      for (const target of ['raw', 'express', 'kenes-uncached', 'floor', 'kenes-cached']) {
        ;(results[name] ??= {})[target] = await load(`http://127.0.0.1:${ports[target]}${u}`, pids[target])
      }
    }

    let missed = false
    const line = (label: string, value: string, target: string, ok: boolean) => {
      if (!ok) missed = true
      console.log(`${label}: ${value} (target ${target})${ok ? '' : ' MISSED'}`)
    }
    console.log(
      `\n${CONNECTIONS} connections, ${DURATION} s per case after ${WARMUP} s of warm-up; load average now ${load1()}; total ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    )
    console.log('requests/s (p99 ms; server CPU ms per request: all threads / main thread)')
    for (const [name, r] of Object.entries(results)) {
      const fmt = (x: Run) =>
        `${Math.round(x.rps)} (${x.p99}; ${x.cpuMs.toFixed(2)}/${x.mainCpuMs.toFixed(2)})${x.non2xx ? ` [${x.non2xx} non-2xx/errors]` : ''}`
      console.log(
        `${name}: raw ${fmt(r.raw)} · express ${fmt(r.express)} · kenes uncached ${fmt(r['kenes-uncached'])} · driver floor ${fmt(r.floor)} · kenes cached ${fmt(r['kenes-cached'])}`,
      )
      const key = name.replace(/ /g, '_')
      line(
        `public_reads.${key}.uncached_vs_express`,
        (r['kenes-uncached'].rps / r.express.rps).toFixed(2),
        '≥ 0.5',
        r['kenes-uncached'].rps / r.express.rps >= 0.5,
      )
      // Context, no target: the same reads with no Express/mongoose/middleware at all.
      console.log(
        `public_reads.${key}.driver_floor_vs_express: ${(r.floor.rps / r.express.rps).toFixed(2)} (no target: the ceiling for (c) here; kenes uncached ÷ floor ${(r['kenes-uncached'].rps / r.floor.rps).toFixed(2)})`,
      )
      line(
        `public_reads.${key}.cached_vs_raw`,
        (r['kenes-cached'].rps / r.raw.rps).toFixed(2),
        '≥ 0.5',
        r['kenes-cached'].rps / r.raw.rps >= 0.5,
      )
      line(`public_reads.${key}.p99_uncached_ms`, String(r['kenes-uncached'].p99), '< 50', r['kenes-uncached'].p99 < 50)
      line(`public_reads.${key}.p99_cached_ms`, String(r['kenes-cached'].p99), '< 50', r['kenes-cached'].p99 < 50)
      if (Object.values(r).some((x) => x.non2xx)) missed = true
    }
    process.exitCode = missed ? 1 : 0
  } catch (err) {
    console.error(err)
    process.exitCode = 2
  } finally {
    for (const p of procs) await stop(p)
    await fs.rm(dir, { recursive: true, force: true })
    clearTimeout(bound)
  }
}
