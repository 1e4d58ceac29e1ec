/**
 * The JavaScript a first visit to the home page downloads, gzipped (level 9): builds the web client
 * into a temporary directory (client/dist is left alone), then sums the entry with its static
 * imports and the language's texts (each language is its own chunk), as the Vite manifest lists
 * them. The same sum as test/e2e/bundle-size.test.ts.
 *
 *   npx tsx scripts/bench/first-load.ts
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { viteBuild } from '../vite-build.js'

const TARGET_KB = 100

interface Chunk {
  file: string
  imports?: string[]
  isEntry?: boolean
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kenes-first-load-'))
try {
  viteBuild(['--outDir', out, '--emptyOutDir'])
  const manifest = JSON.parse(fs.readFileSync(path.join(out, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    Chunk
  >
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(key)) return seen
    seen.add(key)
    for (const dep of manifest[key]?.imports ?? []) closure(dep, seen)
    return seen
  }
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!
  for (const lng of ['kk', 'ru']) {
    const keys = new Set([...closure(entry), ...closure(`src/locales/${lng}.ts`)])
    const files = [...new Set([...keys].map((k) => manifest[k].file).filter((f) => f.endsWith('.js')))]
    const rows = files
      .map((f) => ({ f, gz: zlib.gzipSync(fs.readFileSync(path.join(out, f)), { level: 9 }).length }))
      .sort((a, b) => b.gz - a.gz)
    const total = rows.reduce((n, r) => n + r.gz, 0)
    for (const r of rows) console.log(`  ${(r.gz / 1024).toFixed(1).padStart(6)} KB  ${r.f}`)
    const kb = total / 1024
    console.log(
      `first_load.home_${lng}_gzip_kb: ${kb.toFixed(1)} (target <= ${TARGET_KB})${kb <= TARGET_KB ? '' : ' MISSED'}`,
    )
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true })
}
