#!/usr/bin/env node
// `npm start`: builds what is missing or out of date (server, and the web client when present),
// then runs the compiled server in this process (SIGTERM/SIGINT reach its graceful shutdown).
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, SERVER_ENTRY, build } from './build.mjs'

try {
  build({ ifStale: true })
} catch (err) {
  console.error(`[start] ${err.message}`)
  process.exit(1)
}
process.chdir(ROOT)
await import(pathToFileURL(path.join(ROOT, SERVER_ENTRY)).href)
