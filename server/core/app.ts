import fs from 'node:fs'
import path from 'node:path'
import express, { type Express, type RequestHandler } from 'express'
import helmet from 'helmet'
import type { Logger } from 'pino'
import { pinoHttp } from 'pino-http'
import crypto from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ROOT_DIR } from './config.js'
import { errorHandler, notFoundHandler } from './error-handler.js'
import { languageMiddleware } from './i18n.js'
import { log, serializeRequest } from './logger.js'
import type { KenesModule, ServerContext } from './module.js'
import { csrfProtection, hasSessionCookie } from './auth/csrf.js'
import { methodNotAllowed } from './route.js'
import compression from 'compression'
import { isCapturedForCache } from './cache.js'
import { metricsMiddleware } from './metrics.js'
import { publicMediaRouter } from './media.js'
import { createServerRenderer } from './ssr.js'

/**
 * The Express application without `listen` (tests and main share it). Order matters: ids and
 * logs, security headers, language, parsers, session, CSRF, then the modules, then errors.
 */
export function createApp(ctx: ServerContext, modules: readonly KenesModule[]): Express {
  const { config } = ctx
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy ? parseTrustProxy(config.trustProxy) : false)
  app.set('etag', 'strong')
  app.set('query parser', 'simple') // no nested objects from ?a[b]=c: a query value is a string or string[]

  app.use(requestLogger())
  app.use(metricsMiddleware)
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'worker-src': ["'self'", 'blob:'],
        },
      },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: config.production,
    }),
  )
  // Compressed answers for slow lines (brotli or gzip as the client accepts), except media (video,
  // HLS segments, files: already compressed, and streamed with Range) and what the public cache
  // records (it compresses its hits itself, from the plain body it keeps).
  const compress = compression({
    threshold: 1024,
    filter: (req, res) =>
      !req.path.startsWith('/media/') && !req.path.includes('/videos/tus') ? compression.filter(req, res) : false,
  })
  // Not even installed on what the cache records: compression's wrapper sends the headers early.
  app.use((req, res, next) => (isCapturedForCache(req) ? next() : compress(req, res, next)))
  app.use(languageMiddleware)
  app.use(express.json({ limit: '1mb', strict: true, reviver: refuseLoneSurrogates }))
  app.use(express.urlencoded({ extended: false, limit: '100kb' }))
  app.use(sessionWhenNeeded(ctx.sessionMiddleware))
  app.use(methodNotAllowed)
  app.use(csrfProtection)

  const api = express.Router()
  // What the API shows a signed-in person is theirs (appeals, queues, users): browsers and proxies
  // must not keep it. A route that wants caching (e.g. an attachment) sets its own header.
  api.use((req, res, next) => {
    if (req.user) res.setHeader('Cache-Control', 'private, no-store')
    next()
  })
  for (const m of modules) if (m.api) api.use(m.api)
  app.use('/api/v1', api)
  app.use('/api', notFoundHandler)
  app.use(publicMediaRouter)
  for (const m of modules) if (m.root) app.use(m.root)

  mountClient(app)
  app.use(notFoundHandler)
  app.use(errorHandler)
  return app
}

/**
 * Request ids, `req.log` and one line per finished request (pino-http, at `info`). pino-http builds
 * a child logger per request, serializing the request into its bindings, even when `info` is off
 * and no line will be written. When `info` is off, the same child (same bindings) is only built if
 * something logs through `req.log` (the error handler, on a 5xx); the id and X-Request-Id are set
 * as before.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * JSON.parse reviver: a `\ud800` escape without its pair is valid JSON but no Unicode text; stored
 * (BSON is UTF-8) it would come back as U+FFFD, not as what was accepted. Refused as malformed JSON
 * (400 `validation.failed`, path `body`).
 */
function refuseLoneSurrogates(key: string, value: unknown): unknown {
  if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value)))
    throw new SyntaxError('Lone surrogate in a JSON string')
  return value
}

function requestLogger(): RequestHandler {
  const withPino = pinoHttp({
    logger: log,
    genReqId,
    autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
    // Lean request logs: no headers (cookies, CSRF tokens, Set-Cookie) and secret query values redacted.
    serializers: {
      req: serializeRequest,
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  })
  const logger = withPino.logger
  return (req, res, next) => {
    if (logger.isLevelEnabled('info')) return withPino(req, res, next)
    req.id = genReqId(req, res)
    // Read now, as pino-http would: a socket that closes before a late 5xx is logged forgets it.
    void req.socket.remoteAddress
    ;(req as LazyLog)[LOG_BASE] = logger
    next()
  }
}

const LOG_BASE = Symbol('kenes.logBase')
const LOG = Symbol('kenes.log')
type LazyLog = IncomingMessage & { [LOG_BASE]?: Logger; [LOG]?: Logger }
// `req.log` built on first read from the logger left by requestLogger(). One accessor on the shared
// request prototype (as in metrics.ts): a per-request defineProperty would change each request's shape.
Object.defineProperty(express.request, 'log', {
  configurable: true,
  enumerable: true,
  get(this: LazyLog) {
    return (this[LOG] ??= this[LOG_BASE]?.child({ req: this }))
  },
  set(this: LazyLog, v: Logger) {
    this[LOG] = v
  },
})

function genReqId(req: IncomingMessage, res: ServerResponse): string {
  const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || crypto.randomUUID()
  res.setHeader('X-Request-Id', id)
  return id
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Safe routes that create a guest's session (the CSRF token is kept in it). Lower case, no trailing slash. */
const GUEST_SESSION_PATHS = new Set(['/api/v1/auth/csrf'])

/**
 * The session stack (express-session + passport) only where it can matter: a guest's read
 * (safe method, no session cookie) has no session to load and creates none, so it skips the
 * store lookup and the per-request session object. `req.user` stays undefined for it, as for any
 * guest. Unsafe methods, requests with the cookie and GUEST_SESSION_PATHS get the whole stack.
 * (socket.io applies `ctx.sessionMiddleware` itself, ungated.)
 */
function sessionWhenNeeded(stack: RequestHandler[]): RequestHandler {
  const withSession = express.Router()
  withSession.use(...stack)
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) && !hasSessionCookie(req) && !GUEST_SESSION_PATHS.has(normalPath(req.path)))
      return next()
    withSession(req, res, next)
  }
}

/** Express matches routes case-insensitively and with an optional trailing slash: so does the gate. */
function normalPath(p: string): string {
  const lower = p.toLowerCase()
  return lower.length > 1 && lower.endsWith('/') ? lower.replace(/\/+$/, '') : lower
}

/**
 * The built web client (client/dist) with client-side routes falling back to index.html; the
 * public pages are rendered on the server for guests when the SSR build is there (core/ssr.ts).
 */
function mountClient(app: Express): void {
  const dist = path.join(ROOT_DIR, 'client', 'dist')
  const index = path.join(dist, 'index.html')
  if (!fs.existsSync(index)) return
  app.use(
    express.static(dist, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
      },
    }),
  )
  const ssr = createServerRenderer(ROOT_DIR)
  app.get(/^\/(?!api\/|media\/|socket\.io\/|metrics$).*/, async (req, res, next) => {
    if (!req.accepts('html')) return next()
    if (!hasSessionCookie(req)) {
      try {
        if (await ssr.send(req, res)) return
      } catch (err) {
        req.log.error({ err }, 'server-side rendering failed: the page is sent as the shell')
      }
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(index)
  })
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true
  if (v === 'false') return false
  return /^\d+$/.test(v) ? Number(v) : v
}
