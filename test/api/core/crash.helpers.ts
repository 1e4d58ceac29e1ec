import fs from 'node:fs/promises'
import path from 'node:path'
import { Agent } from '../../helpers/agent.js'
import { readOutbox, type Mail } from '../../helpers/outbox.js'
import type { TestServer } from '../../helpers/server.js'

/** The crash tests' kit: a seeded RNG, the outbox of a data directory, a bounded wait, the files left in uploads. */

/** mulberry32: the same seed gives the same kill delays on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export const outboxOf = (dataDir: string, filter: { to?: string; template?: string } = {}): Promise<Mail[]> =>
  readOutbox({ config: { outboxDir: path.join(dataDir, 'outbox') } } as TestServer, filter)

/** Polls `check` (no fixed sleeps: each try waits for the previous answer) until it returns a value or time runs out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > until)
      throw new Error(`eventually: ${what} not reached in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Every file and directory under `root`, as paths relative to it. */
export async function walk(root: string, rel = ''): Promise<string[]> {
  let entries: import('node:fs').Dirent[]
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true })
  } catch {
    return []
  }
  const out: string[] = []
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name
    out.push(p)
    if (e.isDirectory()) out.push(...(await walk(root, p)))
  }
  return out
}

/** A signed-in agent: registers (201) or logs in. */
export async function account(
  url: string,
  email: string,
  password: string,
  displayName: string,
): Promise<Agent & { user: NonNullable<Agent['user']> }> {
  const a = new Agent(url)
  const reg = await a.post('/api/v1/auth/register', { email, password, displayName })
  if (reg.status !== 201 && reg.status !== 409) throw new Error(`register ${email}: ${reg.status} ${reg.text}`)
  const res = await a.post('/api/v1/auth/login', { email, password })
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`)
  a.user = res.body.user
  return a as Agent & { user: NonNullable<Agent['user']> }
}

/** Re-points a signed-in agent at a restarted server (sessions live in the database: the cookie still works). */
export function moved<A extends Agent>(agent: A, url: string): A {
  const next = new Agent(url, agent.opts) as A
  for (const [k, v] of agent.cookies) next.cookies.set(k, v)
  next.user = agent.user
  return next
}

/** True for the errors of a request cut off by the kill (connection reset or refused). */
export const cutOff = (err: unknown) => err instanceof Error
