/**
 * CPU cost of the public reads on the embedded engine (issue 20, part 2), independent of the machine's load.
 *
 *   npx tsx scripts/bench/engine-reads.ts          # BENCH_READS=2000 per endpoint, after a warm-up of each
 *
 * Seeds the same database as public-reads.ts (264 councils, 10,000 published news: its `--seed` child),
 * starts the engine in its worker thread as the application does, and makes, one request at a time through
 * the official driver, the database reads of the driver floor of public-reads.ts: the council list page
 * (21 documents; also as Kenes sends it, under the Kazakh collation), a council profile (the council, two counts, the appeal-stats pipeline) and the news list
 * page (21 documents). For each it prints the CPU time per request of the engine thread and of the
 * driver's (main) thread, read from /proc/<pid>/task/<tid>/schedstat (nanoseconds of CPU, so the figure
 * does not depend on how many other processes share the cores).
 *
 * BENCH_DATA_DIR=<dir> reuses (or seeds once into) that directory instead of a temporary one.
 * BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the engine thread's measured reads into <dir>.
 * Target (issue 20): engine-thread CPU ≤ 0.25 ms per 20-document page. Exit 1 when missed, 2 on an error.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MongoClient, type Document } from 'mongodb'
import { startEmbeddedMongoInWorker } from '../../server/db/embedded/thread.js'
import { engineSocketPath } from '../../server/db/embedded/socket-path.js'
import { LIST_FIELDS as COUNCIL_FIELDS } from '../../server/modules/councils/councils.service.js'
import { LIST_FIELDS as NEWS_FIELDS } from '../../server/modules/news/news.view.js'
import { councilWithStatsPipeline } from '../../server/modules/councils/council-stats.js'
// The modules register the profile's stats (news, videos, appeals) at import.
import '../../server/modules/index.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const READS = Number(process.env.BENCH_READS ?? 2000)
const WARMUP = Math.max(200, Math.round(READS / 5))
const PAGE_TARGET_MS = 0.25

/** CPU nanoseconds a thread of this process has used (first field of schedstat). */
function threadCpuNs(tid: number | 'thread-self'): number {
  const file = tid === 'thread-self' ? '/proc/thread-self/schedstat' : `/proc/self/task/${tid}/schedstat`
  return Number(readFileSync(file, 'utf8').split(' ')[0])
}

async function seed(dir: string): Promise<void> {
  const script = path.join(ROOT, 'scripts/bench/public-reads.ts')
  const proc = spawn(process.execPath, ['--import', 'tsx', script, '--seed', dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  proc.stdout.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((r) => proc.once('exit', r))
  if (code !== 0 || !out.includes('SEEDED')) throw new Error(`seeding failed (exit ${code})`)
}

async function main(): Promise<number> {
  const keep = process.env.BENCH_DATA_DIR
  const dir = keep ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-engine-reads-')))
  try {
    const seeded = await fs.stat(path.join(dir, 'db')).then(
      () => true,
      () => false,
    )
    if (!seeded) await seed(dir)
    const profDir = process.env.BENCH_CPU_PROF
    const engine = await startEmbeddedMongoInWorker({
      dbPath: path.join(dir, 'db'),
      port: 0,
      host: '127.0.0.1',
      socketPath: engineSocketPath(path.join(dir, 'db')),
    })
    const tid = engine.tid
    if (!tid) throw new Error('the engine thread did not report its OS thread id (Linux only)')
    const client = await MongoClient.connect(engine.uri, { maxPoolSize: 1 })
    try {
      const db = client.db(process.env.MONGODB_DB ?? 'kenes')
      const councils = db.collection('councils')
      const news = db.collection('news')
      const council = await councils.findOne({ slug: 'bench-council-30', archivedAt: null })
      if (!council) throw new Error('seeded council missing')
      const cases: [string, boolean, () => Promise<unknown>][] = [
        [
          'council_list',
          true,
          async () => {
            const docs = await councils
              .find({ archivedAt: null }, { projection: COUNCIL_FIELDS })
              .sort({ levelRank: 1, sortName: 1, _id: 1 })
              .limit(21)
              .toArray()
            if (docs.length !== 21) throw new Error(`council list: ${docs.length} documents`)
          },
        ],
        [
          // What Kenes itself sends for the list (councils.service.ts): the same read under the Kazakh collation.
          'council_list_kk',
          true,
          async () => {
            const docs = await councils
              .find({ archivedAt: null }, { projection: COUNCIL_FIELDS, collation: { locale: 'kk' } })
              .sort({ levelRank: 1, sortName: 1, _id: 1 })
              .limit(21)
              .toArray()
            if (docs.length !== 21) throw new Error(`council list (kk): ${docs.length} documents`)
          },
        ],
        [
          'council_profile',
          false,
          async () => {
            // As getCouncilProfile(): the council and its stats in one aggregate (one round trip).
            const pipeline = councilWithStatsPipeline(
              { slug: 'bench-council-30', archivedAt: null },
              { searchTokens: 0 },
              new Date(),
            )
            const [joined] = await councils.aggregate(pipeline as Document[]).toArray()
            if (!joined || !Array.isArray(joined.__stats_news)) throw new Error('council profile: no stats joined')
          },
        ],
        [
          'news_list',
          true,
          async () => {
            const docs = await news
              .find({ status: 'published', councilArchived: false }, { projection: NEWS_FIELDS })
              .sort({ publishedAt: -1, _id: -1 })
              .limit(21)
              .toArray()
            if (docs.length !== 21) throw new Error(`news list: ${docs.length} documents`)
          },
        ],
      ]
      let missed = false
      console.log(
        `engine_reads.load_average: ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      )
      // Warm-up of every case first: the JIT, and the garbage the journal replay left for the collector.
      for (const [, , run] of cases) for (let i = 0; i < WARMUP; i++) await run()
      for (const [name, page, run] of cases) {
        if (profDir) await engine.profile?.('start')
        const e0 = threadCpuNs(tid)
        const m0 = threadCpuNs('thread-self')
        for (let i = 0; i < READS; i++) await run()
        const engineMs = (threadCpuNs(tid) - e0) / 1e6 / READS
        const mainMs = (threadCpuNs('thread-self') - m0) / 1e6 / READS
        if (profDir) await engine.profile?.('stop', path.join(profDir, `engine-${name}.cpuprofile`))
        const verdict = page ? (engineMs <= PAGE_TARGET_MS ? ' (target ≤ 0.25)' : ' MISSED (target ≤ 0.25)') : ''
        if (page && engineMs > PAGE_TARGET_MS) missed = true
        console.log(
          `engine_reads.${name}: engine thread ${engineMs.toFixed(3)} ms CPU per request${verdict}; driver thread ${mainMs.toFixed(3)} ms (${READS} reads)`,
        )
      }
      return missed ? 1 : 0
    } finally {
      await client.close()
      await engine.close()
    }
  } finally {
    if (!keep) await fs.rm(dir, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(2)
  },
)
