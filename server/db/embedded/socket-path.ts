// Apart from index.ts so the application's thread can use it without loading the engine.
import crypto from 'node:crypto'
import os from 'node:os'
import path from 'node:path'

/**
 * Where the application reaches its own engine: a Unix socket, which costs both ends of a round trip
 * less kernel work than TCP on loopback. `<dbPath>/engine.sock`, else (the driver lower-cases host
 * names, and sun_path is short) `<tmpdir>/kenes-<hash of dbPath>.sock`; undefined (TCP) when neither
 * fits or on Windows. Only the engine holding dbPath's lock listens there, so no two engines share one.
 */
export function engineSocketPath(dbPath: string): string | undefined {
  if (process.platform === 'win32') return undefined
  const abs = path.resolve(dbPath)
  const hash = crypto.createHash('sha256').update(abs).digest('hex').slice(0, 16)
  const fits = (p: string): boolean => p === p.toLowerCase() && Buffer.byteLength(p) < 100
  return [path.join(abs, 'engine.sock'), path.join(os.tmpdir(), `kenes-${hash}.sock`)].find(fits)
}
