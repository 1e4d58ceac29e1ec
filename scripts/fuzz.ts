// Fuzz, the long run (issue 21): the property-based suite of `test/api/core/fuzz.test.ts` (same
// generators, `test/helpers/fuzz.ts`) with more cases per operation and several seeds, one mocha run
// per seed against a fresh test server. `npm test` runs it with 8 cases and one seed.
//
//   npx tsx scripts/fuzz.ts [--runs=100] [--seed=1] [--seeds=3]
// or the same as FUZZ_RUNS, FUZZ_SEED (first seed), FUZZ_SEEDS (how many consecutive seeds).
// Exits 1 when a seed finds a failure (its output names the operation, the request and the seed).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function opt(flag: string, env: string, def: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${flag}=`))
  const v = Number(a ? a.slice(flag.length + 3) : (process.env[env] ?? def))
  if (!Number.isInteger(v)) throw new Error(`--${flag} / ${env}: an integer, got ${a ?? process.env[env]}`)
  return v
}

const runs = opt('runs', 'FUZZ_RUNS', 100)
const first = opt('seed', 'FUZZ_SEED', 1)
const seeds = opt('seeds', 'FUZZ_SEEDS', 3)
let failed = 0
for (let seed = first; seed < first + seeds; seed++) {
  console.log(`fuzz: seed ${seed}, ${runs} cases per operation and role`)
  const started = Date.now()
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'), '--timeout', '0', 'test/api/core/fuzz.test.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
    },
  )
  console.log(
    `fuzz: seed ${seed} ${result.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`,
  )
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
