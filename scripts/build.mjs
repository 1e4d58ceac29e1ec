#!/usr/bin/env node
// Builds what `npm start` serves: the server (tsc → dist/) always, the web client (Vite →
// client/dist/, and its server renderer → client/dist-ssr/) only when client/ has an index.html and a vite.config.ts. With --if-stale, each part
// is rebuilt only when its output is missing or older than its sources.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)

/** Newest modification time under the given paths (files or directories), skipping outputs. */
function newest(paths) {
  let max = 0
  const walk = (p) => {
    let st
    try {
      st = fs.statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) {
      const base = path.basename(p)
      if (base === 'node_modules' || base === 'dist' || base === 'dist-ssr' || base.startsWith('.')) return
      for (const e of fs.readdirSync(p)) walk(path.join(p, e))
    } else max = Math.max(max, st.mtimeMs)
  }
  for (const p of paths) walk(path.join(ROOT, p))
  return max
}
const mtime = (p) => {
  try {
    return fs.statSync(path.join(ROOT, p)).mtimeMs
  } catch {
    return 0
  }
}

export const SERVER_ENTRY = 'dist/server/main.js'
export const hasClient = () =>
  fs.existsSync(path.join(ROOT, 'client', 'index.html')) && fs.existsSync(path.join(ROOT, 'client', 'vite.config.ts'))

export function serverStale() {
  const out = mtime(SERVER_ENTRY)
  return out === 0 || newest(['server', 'shared', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) > out
}
export const SSR_ENTRY = 'client/dist-ssr/entry-server.js'
export function clientStale() {
  if (!hasClient()) return false
  const out = Math.min(mtime('client/dist/index.html'), mtime(SSR_ENTRY))
  return out === 0 || newest(['client', 'shared']) > out
}

function run(cmd, args, what) {
  console.log(`[build] ${what}: ${path.basename(cmd)} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' })
  return r.status ?? 1
}

export function buildServer() {
  const status = run(bin('tsc'), ['-p', 'tsconfig.build.json'], 'server')
  // tsc still emits on type errors; only a missing entry point is fatal here (`npm run typecheck` is the gate).
  if (status !== 0 && mtime(SERVER_ENTRY) === 0) throw new Error('server build failed')
  if (status !== 0) console.warn('[build] server: type errors reported above; the emitted JavaScript is used')
  fs.utimesSync(path.join(ROOT, SERVER_ENTRY), new Date(), new Date())
}
export function buildClient() {
  if (!hasClient()) {
    console.log('[build] client: no client/index.html + client/vite.config.ts, skipped')
    return
  }
  if (run(bin('vite'), ['build', '--config', 'client/vite.config.ts'], 'client') !== 0)
    throw new Error('client build failed')
  // The server renderer of the public pages (server/core/ssr.ts); without it they are sent as the shell.
  if (
    run(bin('vite'), ['build', '--config', 'client/vite.config.ts', '--ssr', 'src/entry-server.tsx'], 'client ssr') !==
    0
  )
    throw new Error('client SSR build failed')
}

export function build({ ifStale = false } = {}) {
  if (!ifStale || serverStale()) buildServer()
  if (!ifStale || clientStale()) buildClient()
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build({ ifStale: process.argv.includes('--if-stale') })
  } catch (err) {
    console.error(`[build] ${err.message}`)
    process.exit(1)
  }
}
