import crypto from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import { currentConfig } from '../config.js'
import { AppError } from '../errors.js'
import { SESSION_COOKIE } from './session.js'

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The synchronizer token of this session (created on first use). `GET /api/v1/auth/csrf`
 * returns it; login regenerates the session, so a signed-in session always gets a fresh one.
 */
export function csrfTokenFor(req: Request): string {
  if (!req.session) throw new Error('csrfTokenFor needs the session middleware')
  req.session.csrfToken ??= crypto.randomBytes(32).toString('base64url')
  return req.session.csrfToken
}

/** True when the request carries our session cookie, whatever its validity. */
export function hasSessionCookie(req: Request): boolean {
  const header = req.headers.cookie
  if (!header) return false
  return header.split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`))
}

/**
 * CSRF protection for cookie-authenticated requests: an unsafe method (POST, PUT, PATCH,
 * DELETE) that carries the session cookie must send `X-CSRF-Token` equal to the session's
 * token, else 403 `csrf.invalid`. A request without the cookie passes: a browser cannot be made
 * to act with credentials it does not send, so there is nothing to forge (guests, API clients).
 * Whatever the cookie, an unsafe request whose `Origin` is another site is refused: a plain HTML
 * form (urlencoded, multipart, text/plain) needs no CORS preflight, and a forged login or sign-up
 * would leave the visitor signed in to the attacker's account.
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next()
  if (!isSameOrigin(req.headers, currentConfig().publicUrl)) return next(new AppError(403, 'csrf.invalid'))
  if (!hasSessionCookie(req)) return next()
  const sent = req.get('x-csrf-token')
  const stored = req.session?.csrfToken
  if (typeof sent === 'string' && typeof stored === 'string' && safeEqual(sent, stored)) return next()
  next(new AppError(403, 'csrf.invalid'))
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb)
}

/**
 * Whether a request comes from one of our own pages: no `Origin` (not a browser page, or a
 * same-origin GET), or an `Origin` naming this host or the public URL. A WebSocket handshake is
 * not bound by CORS and carries the cookie, so sockets check this before trusting the session.
 */
export function isSameOrigin(headers: { origin?: string; host?: string }, publicUrl: string): boolean {
  const origin = headers.origin
  if (!origin) return true
  try {
    const o = new URL(origin)
    return o.host === headers.host || o.origin === new URL(publicUrl).origin
  } catch {
    return false
  }
}
