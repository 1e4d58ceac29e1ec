import type { Request, RequestHandler } from 'express'
import type * as Redis from 'redis'
import mongoose from 'mongoose'
import {
  RateLimiterMemory,
  RateLimiterMongo,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import { currentConfig, type Config } from './config.js'
import { AppError, rateLimited } from './errors.js'
import { log } from './logger.js'
import { CONNECT_MS, within } from './timeout.js'

export interface RateLimiterOptions {
  /** Unique per limiter: the key prefix in the store. */
  name: string
  /** Points per window. */
  points: number
  durationSec: number
  /** Once exhausted, refuse for this long (default: until the window ends). */
  blockSec?: number
  /**
   * Count in Redis when REDIS_URL is set, else in this process's memory, never in the database:
   * for hot paths that only span processes through Redis anyway (chat messages: without Redis
   * the socket server is one process), where a database write per event would be the bottleneck.
   */
  memoryUnlessRedis?: boolean
}

export interface RateLimiter {
  readonly name: string
  readonly points: number
  /** Takes points (default 1); throws `rateLimited(retryAfterSec)` (429 `rate_limited`) when exhausted. */
  consume(key: string, points?: number): Promise<void>
  /** Forgets a key (e.g. a successful login). */
  reset(key: string): Promise<void>
  /** Gives points back (a reserved attempt that turned out fine). */
  reward(key: string, points?: number): Promise<void>
  /** Points used in the current window and the seconds until it (or the block) ends; null when unused. */
  peek(key: string): Promise<{ consumed: number; retryAfterSec: number } | null>
}

/**
 * A named limiter whose store is chosen when it is first used and re-chosen when the database
 * connection changes: Redis when REDIS_URL is set, else the MongoDB collection `rate_limits`
 * (shared by every process using the database), else memory (before the database is up).
 * Modules create limiters at import time; the backend follows the running server.
 */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  let backend: { owner: unknown; limiter: RateLimiterAbstract } | undefined
  const settings = {
    keyPrefix: `rl:${opts.name}`,
    points: opts.points,
    duration: opts.durationSec,
    blockDuration: opts.blockSec ?? 0,
  }
  const get = (): RateLimiterAbstract => {
    let owner = storeOwner()
    if (opts.memoryUnlessRedis && owner !== redis?.client) owner = MEMORY
    if (!backend || backend.owner !== owner) backend = { owner, limiter: buildLimiter(owner, settings) }
    return backend.limiter
  }
  return {
    name: opts.name,
    points: opts.points,
    async consume(key, points = 1) {
      try {
        await get().consume(key, points)
      } catch (err) {
        if (err instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)))
        throw err
      }
    },
    async reset(key) {
      await get().delete(key)
    },
    async reward(key, points = 1) {
      await get().reward(key, points)
    },
    async peek(key) {
      const res = await get().get(key)
      if (!res) return null
      return { consumed: res.consumedPoints, retryAfterSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) }
    },
  }
}

/**
 * A limiter whose points and window come from the configuration of the running server (read on
 * each use, rebuilt when the configuration changes, e.g. another test server): call it to get the
 * limiter. `configuredLimiter('appeals_submit_ip', (c) => ({ points: c.limits.appealsPerIpHour, durationSec: 3600 }))`
 */
export function configuredLimiter(
  name: string,
  settings: (config: Config) => Omit<RateLimiterOptions, 'name'>,
): () => RateLimiter {
  let built: { config: Config; limiter: RateLimiter } | undefined
  return () => {
    const config = currentConfig()
    if (built?.config !== config) built = { config, limiter: createRateLimiter({ name, ...settings(config) }) }
    return built.limiter
  }
}

/**
 * Route middleware: `rateLimit(appealLimiter, (req) => req.ip ?? '')`. The limiter may be given
 * as a function when its settings come from the configuration of the running server.
 */
export function rateLimit(limiter: RateLimiter | (() => RateLimiter), keyOf: (req: Request) => string): RequestHandler {
  return async (req, _res, next) => {
    try {
      await (typeof limiter === 'function' ? limiter() : limiter).consume(keyOf(req))
      next()
    } catch (err) {
      next(err)
    }
  }
}

/**
 * Runs a secret check (an access code, a token) under an attempt budget: one attempt is reserved
 * atomically before `check` runs (429 `rate_limited` when none is left) and given back unless the
 * check failed on a wrong secret. So N parallel guesses evaluate at most the budget, where a
 * check-then-record guard would let them all through while the first ones are still running.
 */
export async function withAttemptBudget<T>(
  limiter: RateLimiter,
  key: string,
  check: () => Promise<T>,
  isWrongSecret: (err: unknown) => boolean,
): Promise<T> {
  await limiter.consume(key)
  try {
    const result = await check()
    await limiter.reward(key).catch(() => {})
    return result
  } catch (err) {
    if (!isWrongSecret(err)) await limiter.reward(key).catch(() => {})
    throw err
  }
}

/**
 * Wrong e-mailed tokens (e-mail verification, password reset, appeal confirmation) per client IP:
 * the tokens are long and random, but guessing must stay bounded all the same.
 */
export const tokenFailures = createRateLimiter({
  name: 'token_failures_ip',
  points: 30,
  durationSec: 900,
  blockSec: 900,
})
/** `withAttemptBudget` for an e-mailed token: a 400 `*.invalid_token` keeps the attempt counted. */
export const checkToken = <T>(ip: string, check: () => Promise<T>): Promise<T> =>
  withAttemptBudget(tokenFailures, ip, check, (err) => err instanceof AppError && /invalid_token$/.test(err.code))

type Settings = { keyPrefix: string; points: number; duration: number; blockDuration: number }
const MEMORY = Symbol('memory')
let redis: { url: string; client: ReturnType<typeof Redis.createClient> } | undefined

/** What the limiter's data lives in right now: the Redis client, the MongoClient, or memory. */
function storeOwner(): unknown {
  if (redis && currentConfig().redisUrl === redis.url) return redis.client
  if (mongoose.connection.readyState === 1) return mongoose.connection.getClient()
  return MEMORY
}

function buildLimiter(owner: unknown, s: Settings): RateLimiterAbstract {
  // If the shared store fails, a per-process memory limiter keeps protecting meanwhile.
  const insuranceLimiter = new RateLimiterMemory(s)
  if (owner === MEMORY) return insuranceLimiter
  if (redis && owner === redis.client)
    return new RateLimiterRedis({ ...s, storeClient: owner, useRedisPackage: true, insuranceLimiter })
  return new RateLimiterMongo({
    ...s,
    storeClient: owner,
    dbName: currentConfig().mongodbDb,
    tableName: 'rate_limits',
    insuranceLimiter,
  })
}

/** Connects the limiters' Redis client when REDIS_URL is set (called by startServer). */
export async function initRateLimitStore(): Promise<void> {
  const url = currentConfig().redisUrl
  if (!url || redis?.url === url) return
  await closeRateLimitStore()
  // Loaded lazily: most single-process set-ups never need it.
  const { createClient } = await import('redis')
  const client = createClient({ url })
  client.on('error', (err) => log.warn({ err }, 'rate-limit redis error'))
  try {
    await within(client.connect(), CONNECT_MS)
  } catch (err) {
    client.destroy()
    throw new Error(`rate limits: cannot use Redis at REDIS_URL (${(err as Error).message})`, { cause: err })
  }
  redis = { url, client }
}

/** Closes the Redis client of the limiters (server shutdown). */
export async function closeRateLimitStore(): Promise<void> {
  const r = redis
  redis = undefined
  if (r) await r.client.quit().catch(() => {})
}
