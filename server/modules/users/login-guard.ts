import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../../core/config.js'
import { AppError } from '../../core/errors.js'
import { createRateLimiter, type RateLimiter } from '../../core/rate-limit.js'
import { markLocked } from './users.service.js'

/**
 * Failed logins are counted per account (the e-mail, whether or not it exists, so a lock says
 * nothing about existence) and per client IP. From the third failure on an account each answer
 * is slowed down; at the limit further attempts get 429 `auth.locked` with `retryAfterSec` until
 * the window ends, even with the right password. A success clears the account's count (not the
 * IP's: one valid account must not let an address keep guessing others).
 */
export const locked = (retryAfterSec: number) =>
  new AppError(429, 'auth.locked', { retryAfterSec }, undefined, { retryAfterSec })

let limiters: { config: Config; account: RateLimiter; ip: RateLimiter } | undefined
function get(config: Config) {
  if (limiters?.config !== config) {
    const { maxFailures, maxFailuresPerIp, lockSec } = config.login
    limiters = {
      config,
      account: createRateLimiter({ name: 'login_fail_account', points: maxFailures, durationSec: lockSec }),
      ip: createRateLimiter({ name: 'login_fail_ip', points: maxFailuresPerIp, durationSec: lockSec }),
    }
  }
  return limiters
}

/**
 * Reserves one attempt on the account and on the IP before the password is checked, atomically in
 * the limiter's store, so N parallel requests evaluate at most the limit (a check-then-record guard
 * lets them all through while the slow hash runs). Throws `auth.locked` when either is used up.
 * The caller gives the attempt back with `recordSuccess` or keeps it with `recordFailure`.
 */
export async function reserveAttempt(config: Config, email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = get(config)
  const [a, i] = await Promise.allSettled([account.consume(email), byIp.consume(ip)])
  if (a.status === 'fulfilled' && i.status === 'fulfilled') return
  // A refused reservation must not cost the other counter a point.
  if (a.status === 'fulfilled') await account.reward(email).catch(() => {})
  if (i.status === 'fulfilled') await byIp.reward(ip).catch(() => {})
  const waits = await Promise.all([account.peek(email), byIp.peek(ip)])
  throw locked(Math.max(1, ...waits.map((w) => w?.retryAfterSec ?? 0)))
}

/** A reserved attempt failed: it stays counted; the account is marked locked at the limit, then the answer is slowed (250 ms, 500 ms, 1 s … capped at 2 s). */
export async function recordFailure(config: Config, email: string): Promise<void> {
  const { account } = get(config)
  const state = await account.peek(email)
  const failures = state?.consumed ?? 0
  if (failures >= account.points) await markLocked(email, new Date(Date.now() + (state?.retryAfterSec ?? 0) * 1000))
  if (failures >= 3) await sleep(Math.min(2000, 250 * 2 ** (failures - 3)))
}

/** A reserved attempt succeeded: the account's failures are forgotten and the IP's point given back. */
export async function recordSuccess(config: Config, email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = get(config)
  await Promise.all([account.reset(email), byIp.reward(ip).catch(() => {})])
}
