import crypto from 'node:crypto'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Response } from 'express'
import type { Lang } from '../../shared/schemas/common.js'
import { answer, encoded, encodingFor, KEEP_ON_304, varyOf, type Entry } from './cache-answer.js'
import { fromAcceptLanguage } from './i18n.js'

/**
 * The public response cache: hot anonymous GETs (council list and profiles, news lists, feeds, and
 * the server-rendered public pages' HTML, core/ssr.ts) are
 * answered from memory by a listener placed in front of the Express app, so a hit costs one Map
 * lookup and one write, not the middleware chain (logging, helmet, session, CSRF, routing, DB).
 *
 * - A route opts in with `cachePublicResponse(res, tags)`; only 200 answers without Set-Cookie,
 *   to requests without a session cookie, are stored.
 * - Key: method-independent URL (path + raw query) + the language the app would pick (same rules:
 *   ?lng=, then the lng cookie, then Accept-Language); a URL whose language is ambiguous is not cached.
 * - Stored: status, headers (Content-Type, Content-Language, Vary, ETag, Cache-Control, helmet's) and
 *   body. If-None-Match → 304.
 * - Invalidation: every write calls `invalidatePublicCache(tags)`; a response computed while an
 *   invalidation happened is not stored (generation check), so no stale answer outlives a write.
 * - Concurrent misses of one key are computed once: the others wait for that answer (or, if it was not
 *   stored, go to the app themselves).
 * - Bounded: LRU by entries and bytes. With several processes behind a load balancer, REDIS_URL
 *   carries each invalidation to the others (core/cache-bus.ts); without Redis, or if a message is
 *   lost, another process may serve a stale entry until its TTL (PUBLIC_CACHE_TTL_SEC, 10 s by
 *   default) runs out: that short TTL is the safety net.
 */
export interface PublicCacheOptions {
  enabled: boolean
  ttlMs: number
  maxEntries?: number
  maxBytes?: number
}

const SESSION_COOKIE = 'kenes.sid='
const DROP_HEADERS = new Set([
  'set-cookie',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-request-id',
  'content-length',
])
class PublicCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  generation = 0
  readonly maxEntries: number
  readonly maxBytes: number

  constructor(readonly opts: PublicCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 2000
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024
  }

  get(key: string): Entry | undefined {
    const e = this.entries.get(key)
    if (!e) return undefined
    if (e.expires <= Date.now()) {
      this.remove(key, e)
      return undefined
    }
    // LRU: the most recently read entry goes to the end of the Map's order.
    this.entries.delete(key)
    this.entries.set(key, e)
    return e
  }

  /** The live entry, without touching its place in the LRU order. */
  peek(key: string): Entry | undefined {
    const e = this.entries.get(key)
    return e && e.expires > Date.now() ? e : undefined
  }

  set(key: string, e: Entry): void {
    const old = this.entries.get(key)
    if (old) this.remove(key, old)
    if (e.body.length > this.maxBytes / 4) return
    this.entries.set(key, e)
    this.bytes += e.body.length
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.remove(k, v)
    }
  }

  invalidate(tags: readonly string[]): void {
    this.generation++
    if (!tags.length) return
    for (const [k, v] of this.entries) if (v.tags.some((t) => tags.includes(t))) this.remove(k, v)
  }

  clear(): void {
    this.generation++
    this.entries.clear()
    this.bytes = 0
  }

  get size(): number {
    return this.entries.size
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key)
    this.bytes -= e.body.length
  }
}

let active: PublicCache | undefined
let relay: ((tags: readonly string[]) => void) | undefined

/**
 * Drops the cached answers carrying any of these tags (e.g. `councils`, `news`): in this process,
 * and through the relay (core/cache-bus.ts, with REDIS_URL) in the others. Call it after the write.
 */
export function invalidatePublicCache(tags: readonly string[]): void {
  active?.invalidate(tags)
  relay?.(tags)
}

/** An invalidation another process published: applied here only. */
export function invalidateLocalPublicCache(tags: readonly string[]): void {
  active?.invalidate(tags)
}

/** Where this process's invalidations are also sent (undefined: nowhere). */
export function relayPublicCacheInvalidations(to: ((tags: readonly string[]) => void) | undefined): void {
  relay = to
}

/** Marks this response as a shared public answer that the cache may keep under `tags`. */
export function cachePublicResponse(res: Response, tags: readonly string[]): void {
  res.locals.publicCache = tags
  // Clients always revalidate (cheap with the ETag): a write is visible on the next request.
  res.setHeader('Cache-Control', 'public, no-cache')
}

/**
 * The tags of the cached answer to an anonymous GET of `url` in `lng`, or undefined when none is
 * kept: a server-rendered page (core/ssr.ts) is cached under the tags of the answers it used.
 */
export function publicCacheTagsFor(lng: Lang, url: string): readonly string[] | undefined {
  return active?.peek(`${lng} ${url}`)?.tags
}

export function publicCacheStats(): { entries: number; enabled: boolean } {
  return { entries: active?.size ?? 0, enabled: Boolean(active?.opts.enabled) }
}

const acceptCache = new Map<string, Lang>()
/** The language the app's languageMiddleware would choose, or null when the URL is ambiguous. */
function languageOf(url: string, cookie: string | undefined, accept: string | undefined): Lang | null {
  const q = url.indexOf('?')
  if (q >= 0 && url.includes('lng=', q)) {
    const m = /[?&]lng=(kk|ru)(?=&|$)/.exec(url.slice(q))
    if (!m || url.indexOf('lng=', url.indexOf('lng=', q) + 1) >= 0) return null
    return m[1] as Lang
  }
  if (cookie && cookie.includes('lng=')) {
    const m = /(?:^|;)\s*lng=(kk|ru)\s*(?:;|$)/.exec(cookie)
    return m ? (m[1] as Lang) : null
  }
  if (!accept) return 'kk'
  let lng = acceptCache.get(accept)
  if (!lng) {
    lng = fromAcceptLanguage(accept) ?? 'kk'
    if (acceptCache.size > 500) acceptCache.clear()
    acceptCache.set(accept, lng)
  }
  return lng
}

/**
 * Wraps the app's request listener (installed by core/server.ts). With the cache disabled it
 * returns the app itself: no cost at all.
 */
export function withPublicCache(app: RequestListener, opts: PublicCacheOptions): RequestListener {
  if (!opts.enabled || opts.ttlMs <= 0) {
    active = undefined
    return app
  }
  const cache = (active = new PublicCache(opts))
  const inflight = new Map<string, (() => void)[]>()
  const uncacheable = new Set<string>()
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method
    const url = req.url ?? ''
    if (method !== 'GET' && method !== 'HEAD') return app(req, res)
    const page = isPage(url, req.headers.accept)
    if (!page && !url.startsWith('/api/v1/')) return app(req, res)
    const cookie = req.headers.cookie
    if (cookie && cookie.includes(SESSION_COOKIE)) return app(req, res)
    const lng = languageOf(url, cookie, req.headers['accept-language'])
    if (!lng) return app(req, res)
    // A page's HTML (core/ssr.ts) and an API answer never share a key.
    const key = page ? `${lng} page ${url}` : `${lng} ${url}`
    const hit = cache.get(key)
    if (hit) return answer(req, res, hit)
    // Single flight: while one request computes this key, the others wait for its answer instead of
    // all running the same queries (50 clients hitting an expired entry at once).
    const waiting = uncacheable.has(key) ? undefined : inflight.get(key)
    if (waiting) {
      waiting.push(() => {
        const e = cache.get(key)
        if (e) answer(req, res, e)
        else app(req, res)
      })
      return
    }
    if (method !== 'GET' || uncacheable.has(key)) return app(req, res)
    const waiters: (() => void)[] = []
    inflight.set(key, waiters)
    const release = () => {
      if (inflight.get(key) !== waiters) return
      inflight.delete(key)
      // A route that does not opt in (health, the signed-in user …) is not made to queue again.
      if (!(res as ServerResponse & { locals?: { publicCache?: unknown } }).locals?.publicCache) {
        if (uncacheable.size >= 1000) uncacheable.clear()
        uncacheable.add(key)
      }
      for (const w of waiters) w()
    }
    res.once('finish', release)
    res.once('close', release)
    // The cache keeps the plain body: the app's compression leaves this response alone.
    ;(req as IncomingMessage & { [CAPTURED]?: boolean })[CAPTURED] = true
    capture(cache, key, req, res)
    app(req, res)
  }
}

/** A browser's request for a page (HTML), not for the API, media, a built asset or the socket. */
function isPage(url: string, accept: string | undefined): boolean {
  return (
    Boolean(accept?.includes('text/html')) &&
    !/^\/(api|media|assets|socket\.io)\//.test(url) &&
    !url.startsWith('/metrics')
  )
}

const CAPTURED = Symbol.for('kenes.publicCache.captured')
/** True for a response the public cache is recording (app.ts's compression skips it). */
export const isCapturedForCache = (req: IncomingMessage): boolean =>
  (req as IncomingMessage & { [CAPTURED]?: boolean })[CAPTURED] === true

/**
 * Records what the app sends for a miss and stores it if the route opted in; the miss itself is
 * then sent compressed like a hit (the app's compression middleware leaves captured responses alone).
 */
function capture(cache: PublicCache, key: string, req: IncomingMessage, res: ServerResponse): void {
  const generation = cache.generation
  const chunks: Buffer[] = []
  const marked = () => (res as ServerResponse & { locals?: { publicCache?: readonly string[] } }).locals?.publicCache
  const origWrite = res.write
  const origEnd = res.end
  const take = (chunk: unknown, enc?: unknown) => {
    if (chunk == null || typeof chunk === 'function') return
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'),
    )
  }
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (marked()) take(chunk, rest[0])
    return (origWrite as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
  } as typeof res.write
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    const tags = marked()
    if (res.statusCode !== 200 || res.headersSent)
      return (origEnd as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest)
    let entry: Entry | undefined
    if (tags) {
      take(chunk, rest[0])
      res.setHeader('X-Cache', 'MISS')
      entry = store(cache, key, res, Buffer.concat(chunks), tags, generation)
    } else if (
      chunks.length === 0 &&
      (Buffer.isBuffer(chunk) || typeof chunk === 'string') &&
      /json|text|xml/.test(String(res.getHeader('content-type')))
    ) {
      // Not for the cache, sent whole: compressed here, as the app's compression would have.
      const body = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8')
      entry = {
        body,
        headers: { vary: String(res.getHeader('vary') ?? '') },
        etag: '',
        tags: [],
        expires: 0,
        notModified: {},
      }
      take(chunk, rest[0])
    }
    const encoding = entry && chunks.length === 1 ? encodingFor(req, entry) : undefined
    if (entry && encoding) {
      const body = encoded(entry, encoding)
      res.setHeader('Content-Encoding', encoding)
      res.setHeader('Content-Length', String(body.length))
      res.setHeader('Vary', varyOf(entry))
      return (origEnd as (...a: unknown[]) => ServerResponse).call(this, req.method === 'HEAD' ? undefined : body)
    }
    return (origEnd as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest)
  } as typeof res.end
}

function store(
  cache: PublicCache,
  key: string,
  res: ServerResponse,
  body: Buffer,
  tags: readonly string[],
  generation: number,
): Entry | undefined {
  if (cache.generation !== generation || res.hasHeader('set-cookie')) return undefined
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || DROP_HEADERS.has(name)) continue
    headers[name] = typeof value === 'number' ? String(value) : value
  }
  let etag = typeof headers.etag === 'string' ? headers.etag : ''
  if (!etag) {
    etag = `"${crypto.createHash('sha1').update(body).digest('base64url')}"`
    headers.etag = etag
    res.setHeader('ETag', etag)
  }
  headers['content-length'] = String(body.length)
  headers['x-cache'] = 'HIT'
  const notModified: Record<string, string | string[]> = {}
  for (const h of KEEP_ON_304) if (headers[h] !== undefined) notModified[h] = headers[h]
  const entry: Entry = { body, headers, etag, tags, expires: Date.now() + cache.opts.ttlMs, notModified }
  cache.set(key, entry)
  return entry
}

/** For tests and the bench: forget everything. */
export function clearPublicCache(): void {
  active?.clear()
}
