import crypto from 'node:crypto'
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server'
import { log } from '../../core/logger.js'
import { CONNECT_MS, within } from '../../core/timeout.js'

/**
 * The tus upload lock shared by every server process through Redis (used when REDIS_URL is set):
 * a PATCH, HEAD or DELETE of an upload holds it, whichever process the request reached, so two
 * processes never write one upload at once and a HEAD never reads an offset that another process
 * is still moving.
 *
 * - Taken with `SET key token NX PX ttl`; while held it is renewed every ttl/3 (compare-and-extend),
 *   so a process that died frees it after at most `ttlMs`. Released with compare-and-delete: only
 *   the holder's token removes it.
 * - tus asks the holder to let go when another request wants the lock (a client that resumes after
 *   a dropped connection should not wait for the old request's timeout). Across processes that
 *   request is a message on `<prefix>:release`; the holding process calls its `requestRelease`
 *   (tus then ends the old request gracefully and unlocks). Unlocking announces `<prefix>:released`,
 *   which wakes the waiters at once; they also retry every `retryMs` in case the announcement was
 *   missed or the lock expired.
 * - A lock whose renewal finds it gone (Redis lost the key, or it expired during a stall) asks its
 *   request to stop as if another request wanted it.
 * - Gives up with tus's ERR_LOCK_TIMEOUT after `acquireTimeoutMs` or when the request is aborted.
 */
export interface RedisLockerOptions {
  url: string
  /** Key and channel prefix, e.g. `kenes:<db>:tus-lock` (two deployments on one Redis stay apart). */
  prefix: string
  ttlMs?: number
  acquireTimeoutMs?: number
  retryMs?: number
}

type Client = ReturnType<typeof import('redis').createClient>

interface Held {
  token: string
  requestRelease: RequestRelease
  renewal: NodeJS.Timeout
}

const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export class RedisLocker implements Locker {
  private readonly held = new Map<string, Held>()
  private readonly waiters = new Map<string, Set<() => void>>()
  readonly ttlMs: number
  readonly acquireTimeoutMs: number
  readonly retryMs: number

  private constructor(
    private readonly client: Client,
    private readonly sub: Client,
    readonly prefix: string,
    opts: RedisLockerOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 30_000
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? 30_000
    this.retryMs = opts.retryMs ?? 250
  }

  /** Connects both clients and subscribes to the release channels; throws if Redis does not answer. */
  static async connect(opts: RedisLockerOptions): Promise<RedisLocker> {
    const { createClient } = await import('redis')
    const client = createClient({ url: opts.url })
    const sub = client.duplicate()
    for (const c of [client, sub]) c.on('error', (err) => log.warn({ err }, 'tus lock: redis error'))
    const locker = new RedisLocker(client, sub, opts.prefix, opts)
    try {
      // The client retries an unreachable server for ever: a start must fail instead of hanging.
      await within(Promise.all([client.connect(), sub.connect()]), CONNECT_MS)
      await sub.subscribe(locker.channel('release'), (id) => void locker.held.get(id)?.requestRelease())
      await sub.subscribe(locker.channel('released'), (id) => locker.wake(id))
    } catch (err) {
      await locker.close()
      throw new Error(`tus lock: cannot use Redis at REDIS_URL (${(err as Error).message})`, { cause: err })
    }
    return locker
  }

  newLock(id: string): Lock {
    return new RedisLock(this, id)
  }

  /** Stops every renewal and closes the clients (locks still held expire after ttlMs). */
  async close(): Promise<void> {
    for (const h of this.held.values()) clearInterval(h.renewal)
    this.held.clear()
    await Promise.allSettled(
      [this.client, this.sub].map((c) => (c.isOpen ? c.close() : Promise.resolve()).finally(() => c.destroy())),
    )
  }

  key(id: string): string {
    return `${this.prefix}:${id}`
  }

  channel(kind: 'release' | 'released'): string {
    return `${this.prefix}:${kind}`
  }

  /** One attempt: true when this process now holds the lock. */
  async tryAcquire(id: string, token: string, requestRelease: RequestRelease): Promise<boolean> {
    const ok = await this.client.set(this.key(id), token, {
      condition: 'NX',
      expiration: { type: 'PX', value: this.ttlMs },
    })
    if (ok !== 'OK') return false
    const renewal = setInterval(() => void this.renew(id, token), Math.max(10, Math.floor(this.ttlMs / 3)))
    renewal.unref()
    this.held.set(id, { token, requestRelease, renewal })
    return true
  }

  /** Asks whichever process holds `id` to let go (tus cancels that request after its drain time). */
  async askRelease(id: string): Promise<void> {
    await this.client.publish(this.channel('release'), id)
  }

  /** Resolves when `id` is announced released, after `ms`, or when `signal` aborts. */
  waitRelease(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set()
      this.waiters.set(id, set)
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        set.delete(done)
        if (!set.size && this.waiters.get(id) === set) this.waiters.delete(id)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
      set.add(done)
    })
  }

  async release(id: string, token: string): Promise<void> {
    const h = this.held.get(id)
    if (h?.token === token) {
      clearInterval(h.renewal)
      this.held.delete(id)
    }
    await this.client.eval(RELEASE, { keys: [this.key(id)], arguments: [token] })
    await this.client.publish(this.channel('released'), id)
  }

  private wake(id: string): void {
    for (const w of [...(this.waiters.get(id) ?? [])]) w()
  }

  private async renew(id: string, token: string): Promise<void> {
    const h = this.held.get(id)
    if (h?.token !== token) return
    try {
      const extended = await this.client.eval(EXTEND, { keys: [this.key(id)], arguments: [token, String(this.ttlMs)] })
      if (extended === 1 || this.held.get(id) !== h) return
      log.warn({ uploadId: id }, 'tus lock lost before release: stopping its request')
      clearInterval(h.renewal)
      this.held.delete(id)
      await h.requestRelease()
    } catch (err) {
      log.warn({ err, uploadId: id }, 'tus lock: renewal failed')
    }
  }
}

class RedisLock implements Lock {
  private token: string | undefined

  constructor(
    private readonly locker: RedisLocker,
    private readonly id: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const token = crypto.randomUUID()
    const deadline = Date.now() + this.locker.acquireTimeoutMs
    for (;;) {
      if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT
      if (await this.locker.tryAcquire(this.id, token, requestRelease)) {
        this.token = token
        return
      }
      const left = deadline - Date.now()
      if (left <= 0) throw ERRORS.ERR_LOCK_TIMEOUT
      // Listen before asking, so an answer that comes quickly is not missed.
      const released = this.locker.waitRelease(this.id, Math.min(this.locker.retryMs, left), signal)
      await this.locker.askRelease(this.id)
      await released
    }
  }

  async unlock(): Promise<void> {
    const token = this.token
    if (!token) throw new Error('Releasing an unlocked lock!')
    this.token = undefined
    await this.locker.release(this.id, token)
  }
}
