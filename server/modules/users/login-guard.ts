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

/** Throws `auth.locked` when the account or the IP has used up its failures. */
export async function assertNotLocked(config: Config, email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = get(config)
  const [a, i] = await Promise.all([account.peek(email), byIp.peek(ip)])
  const waits = [
    a && a.consumed >= account.points ? a.retryAfterSec : 0,
    i && i.consumed >= byIp.points ? i.retryAfterSec : 0,
  ]
  const wait = Math.max(...waits)
  if (wait > 0) throw locked(wait)
}

/** Counts a failure, then waits a little longer each time (250 ms, 500 ms, 1 s … capped at 2 s). */
export async function recordFailure(config: Config, email: string, ip: string): Promise<void> {
  const { account, ip: byIp } = get(config)
  await Promise.all([account.consume(email).catch(() => {}), byIp.consume(ip).catch(() => {})])
  const state = await account.peek(email)
  const failures = state?.consumed ?? 0
  if (failures >= account.points) await markLocked(email, new Date(Date.now() + (state?.retryAfterSec ?? 0) * 1000))
  if (failures >= 3) await sleep(Math.min(2000, 250 * 2 ** (failures - 3)))
}

export async function recordSuccess(config: Config, email: string): Promise<void> {
  await get(config).account.reset(email)
}
