import crypto from 'node:crypto'
import type { Config } from './config.js'
import { log } from './logger.js'
import { CONNECT_MS, within } from './timeout.js'

/**
 * With REDIS_URL, the public cache's invalidations (core/cache.ts) reach every server process:
 * each process publishes its own on one channel, named after the database like the socket
 * adapter's keys, and applies the others'. Writes publish after they commit, so a process gets the
 * message either before it stores an answer computed from older data (the cache's generation check
 * drops that answer) or after (the message removes it). If Redis is unreachable a message is lost
 * and the short TTL is the safety net, as with one process and no Redis.
 */
export interface CacheBus {
  publish(tags: readonly string[]): void
  close(): Promise<void>
}

interface Message {
  origin: string
  tags: readonly string[]
}

export async function connectCacheBus(
  config: Config,
  applyRemote: (tags: readonly string[]) => void,
): Promise<CacheBus | undefined> {
  if (!config.redisUrl) return undefined
  const { createClient } = await import('redis')
  const channel = `kenes:${config.mongodbDb}:public-cache`
  // Our own messages come back to us too: the origin tells them apart.
  const origin = crypto.randomUUID()
  const pub = createClient({ url: config.redisUrl })
  const sub = pub.duplicate()
  for (const c of [pub, sub]) c.on('error', (err) => log.warn({ err }, 'public cache bus: redis error'))
  // Both clients, whatever state they reached: graceful if Redis answers soon, else dropped.
  const close = async () => {
    await Promise.allSettled(
      [pub, sub].map((c) =>
        (c.isOpen ? within(c.close(), CLOSE_MS) : Promise.resolve()).catch(() => {}).finally(() => c.destroy()),
      ),
    )
  }
  try {
    // The client retries an unreachable server forever: a start must fail instead of hanging.
    await within(Promise.all([pub.connect(), sub.connect()]), CONNECT_MS)
    await sub.subscribe(channel, (raw) => {
      const m = parse(raw)
      if (m && m.origin !== origin) applyRemote(m.tags)
    })
  } catch (err) {
    await close()
    throw new Error(`public cache bus: cannot use Redis at REDIS_URL (${(err as Error).message})`, { cause: err })
  }
  return {
    publish(tags) {
      if (!tags.length) return
      pub
        .publish(channel, JSON.stringify({ origin, tags } satisfies Message))
        .catch((err: unknown) => log.warn({ err }, 'public cache bus: publish failed'))
    },
    close,
  }
}

const CLOSE_MS = 2_000

/** Anyone who can reach the Redis channel can publish to it: only a well-formed message is applied. */
function parse(raw: string): Message | undefined {
  try {
    const m = JSON.parse(raw) as Partial<Message>
    if (typeof m.origin !== 'string' || !Array.isArray(m.tags)) return undefined
    const tags = m.tags.filter((t): t is string => typeof t === 'string' && t.length <= 100).slice(0, 50)
    return tags.length ? { origin: m.origin, tags } : undefined
  } catch {
    return undefined
  }
}
