import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RequestHandler } from 'express'
import type { Lang } from '../../../shared/schemas/common.js'
import { isSameOrigin } from '../../core/auth/csrf.js'
import { AppError } from '../../core/errors.js'
import { fromAcceptLanguage, isLang, t } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import type { ServerContext } from '../../core/module.js'
import { can, type Actor } from '../../core/policy.js'
import { setChatNamespace, userChannel, type ChatNamespace, type ChatSocket } from './chat.bus.js'
import { registerChatHandlers } from './chat.handlers.js'
import { connectionLimiter } from './chat.limits.js'
import { countSocketsWith } from './chat.metrics.js'
import { createPresence } from './chat.presence.js'
import { vetRecoveredSessions } from './chat.revoke.js'

type EngineRequest = IncomingMessage & { _query?: Record<string, string>; user?: Actor }
type EngineMiddleware = (req: EngineRequest, res: ServerResponse, next: (err?: unknown) => void) => void

/**
 * Runs the HTTP session stack (express-session + passport, the same as for REST) on the
 * engine.io handshake only (socket.io's documented pattern for Express middleware): later
 * polling requests carry `sid` and need no second session lookup. A request that fails here is
 * not refused: the namespace middleware decides, so the client gets a proper `connect_error`.
 */
function onlyForHandshake(mw: RequestHandler, publicUrl: string): EngineMiddleware {
  return (req, res, next) => {
    if (req._query?.sid !== undefined) return next()
    // Another site's page may open a WebSocket to us with the member's cookie (no CORS applies):
    // such a handshake is treated as a guest's, like a cross-site request without the cookie.
    if (!isSameOrigin(req.headers, publicUrl)) return next()
    mw(req as never, res as never, (err?: unknown) => {
      if (err) log.warn({ err }, 'chat: session middleware failed on handshake')
      next()
    })
  }
}

const applied = new WeakSet<object>()

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

/** The socket's language: `auth.lng` or `?lng=` of the handshake, the `lng` cookie, the user's locale, Accept-Language, kk. */
export function socketLanguage(socket: ChatSocket, actor: Actor | null): Lang {
  const fromAuth = (socket.handshake.auth as { lng?: unknown } | undefined)?.lng
  if (isLang(fromAuth)) return fromAuth
  const q = socket.handshake.query.lng
  if (isLang(q)) return q
  const cookie = readCookie(socket.request.headers.cookie, 'lng')
  if (isLang(cookie)) return cookie
  if (actor && isLang(actor.locale)) return actor.locale
  return fromAcceptLanguage(socket.request.headers['accept-language']) ?? 'kk'
}

/**
 * A `connect_error` the client can act on: `err.data = { code, message }`, message localized;
 * `rate_limited` adds `retryAfterSec`.
 */
function refusal(code: 'auth.required' | 'auth.forbidden' | 'rate_limited', lng: Lang, retryAfterSec?: number): Error {
  const message = t(lng, `errors:${code}.detail`)
  return Object.assign(new Error(message), { data: { code, message, ...(retryAfterSec ? { retryAfterSec } : {}) } })
}

/** The `/chat` namespace: authentication, presence, and the event handlers. */
export function setupChatSockets(ctx: ServerContext): ChatNamespace {
  const { io } = ctx
  if (!applied.has(io.engine)) {
    applied.add(io.engine)
    for (const mw of ctx.sessionMiddleware) io.engine.use(onlyForHandshake(mw, ctx.config.publicUrl))
  }
  // The io server hosts any namespace, untyped; this one's events are the shared event maps.
  const ns = io.of('/chat') as unknown as ChatNamespace
  vetRecoveredSessions(ns)
  ns.use(async (socket, next) => {
    const actor = (socket.request as EngineRequest).user ?? null
    const lng = socketLanguage(socket, actor)
    if (!actor) return next(refusal('auth.required', lng))
    if (!can(actor, 'chat.connect')) return next(refusal('auth.forbidden', lng))
    try {
      await connectionLimiter().consume(actor.id)
    } catch (err) {
      if (err instanceof AppError && err.status === 429)
        return next(refusal('rate_limited', lng, Number(err.extra.retryAfterSec)))
      return next(err as Error)
    }
    socket.data.actor = actor
    socket.data.actorLoadedAt = Date.now()
    socket.data.lng = lng
    next()
  })
  countSocketsWith(() => ns.sockets.size)
  const presence = createPresence(ns)
  ns.on('connection', (socket) => {
    // A recovered socket (connection state recovery) keeps its data and rooms but skips the
    // namespace middleware: check this handshake's session user here again.
    const fresh = (socket.request as EngineRequest).user
    if (!fresh || !can(fresh, 'chat.connect')) return void socket.disconnect(true)
    socket.data.actor = fresh
    socket.data.actorLoadedAt = Date.now()
    socket.data.sid = (socket.request as EngineRequest & { sessionID?: string }).sessionID
    socket.data.connectedAt = Date.now()
    void socket.join(userChannel(socket.data.actor.id))
    registerChatHandlers(socket, presence)
    socket.on('disconnect', () => void presence.disconnected(socket))
    void presence.connected(socket)
  })
  setChatNamespace(ns)
  return ns
}
