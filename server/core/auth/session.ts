import type { Request, RequestHandler, Response } from 'express'
import session from 'express-session'
import MongoStore from 'connect-mongo'
import mongoose from 'mongoose'
import { Passport } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import type { Config } from '../config.js'
import { log } from '../logger.js'
import type { Actor } from '../policy.js'
import { accessChanged } from './revocation.js'

export const SESSION_COOKIE = 'kenes.sid'
export const SESSION_MAX_AGE_MS = 7 * 24 * 3600 * 1000
export const SESSIONS_COLLECTION = 'sessions'

/**
 * What the users module gives the session layer (registered when server/modules/users is
 * imported), so core/ does not depend on a module's model.
 */
export interface AuthProvider {
  /** E-mail (any case) + password → the actor, or null when they do not match. Never throws for bad input. */
  verifyCredentials(email: string, password: string): Promise<Actor | null>
  /** The actor for a session's user id, loaded fresh; null when the user is gone or disabled. */
  loadActor(id: string): Promise<Actor | null>
}
let provider: AuthProvider | undefined
export function registerAuthProvider(p: AuthProvider): void {
  provider = p
}
function auth(): AuthProvider {
  if (!provider) throw new Error('no auth provider registered (server/modules/users not loaded)')
  return provider
}

let current: InstanceType<typeof Passport> | undefined

/**
 * express-session (stored in MongoDB through mongoose's client) + passport. Plain Express
 * middleware, so socket.io namespaces reuse each element (`io.of('/chat').use(wrap(mw))`).
 * The session keeps only the user id; every request loads the user again, so a role change or
 * `disabled` applies at once (a disabled or deleted user's session is logged out).
 */
export function createSessionStack(config: Config): RequestHandler[] {
  const store = MongoStore.create({
    client: mongoose.connection.getClient() as never,
    dbName: config.mongodbDb,
    collectionName: SESSIONS_COLLECTION,
    ttl: SESSION_MAX_AGE_MS / 1000,
    touchAfter: 3600,
    autoRemove: 'native',
    // Stored as documents (not strings) so a password reset can end the user's other sessions.
    stringify: false,
  })
  if (config.production && !config.trustProxy && config.publicUrl.startsWith('https:'))
    log.warn(
      'NODE_ENV=production sets Secure session cookies: behind a TLS-terminating proxy set TRUST_PROXY, or no session cookie is sent',
    )
  const passport = new Passport()
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: true }, (email, password, done) => {
      auth()
        .verifyCredentials(email, password)
        .then((actor) => done(null, actor ?? false), done)
    }),
  )
  passport.serializeUser<string>((user, done) => done(null, (user as Actor).id))
  passport.deserializeUser<string>((id, done) => {
    auth()
      .loadActor(String(id))
      .then(
        (actor) => done(null, actor ?? false),
        (err) => {
          log.warn({ err }, 'could not load the session user')
          done(err)
        },
      )
  })
  current = passport
  const sessionMw = session({
    name: SESSION_COOKIE,
    // The first signs; a previous one (rotation) still verifies.
    secret: config.sessionSecretPrevious ? [config.sessionSecret, config.sessionSecretPrevious] : config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.trustProxy ? true : undefined,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.production, maxAge: SESSION_MAX_AGE_MS, path: '/' },
  })
  return [sessionMw, passport.initialize() as RequestHandler, passport.session() as RequestHandler]
}

/**
 * Runs passport's local strategy on `req.body` ({ email, password }) and, on success, logs the
 * user in: passport 0.7 regenerates the session (no fixation; the old CSRF token goes with it).
 * Resolves the actor, or null for wrong credentials.
 */
export function authenticateLocal(req: Request, res: Response): Promise<Actor | null> {
  const passport = current
  if (!passport) return Promise.reject(new Error('session stack not created'))
  return new Promise((resolve, reject) => {
    passport.authenticate('local', { session: true }, (err: unknown, user: Actor | false) => {
      if (err) return reject(err)
      if (!user) return resolve(null)
      req.logIn(user, (e) => (e ? reject(e) : resolve(user)))
    })(req, res, (err?: unknown) => (err ? reject(err) : resolve(null)))
  })
}

/** Logs in an actor that was authenticated another way (registration). */
export function logIn(req: Request, actor: Actor): Promise<void> {
  return new Promise((resolve, reject) => req.logIn(actor, (err) => (err ? reject(err) : resolve())))
}

/** Ends the session (logout): passport clears the user and the session is destroyed. */
export async function logOut(req: Request, res: Response): Promise<void> {
  const secure = Boolean(req.session?.cookie?.secure)
  const userId = (req.user as Actor | undefined)?.id
  await new Promise<void>((resolve, reject) => {
    req.logOut((err) => {
      if (err) return reject(err)
      req.session.destroy((e) => {
        if (e) return reject(e)
        res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure })
        resolve()
      })
    })
  })
  if (userId) await accessChanged(userId)
}

/** A stored session as connect-mongo keeps it (`stringify: false`). */
interface StoredSession {
  _id: string
  session?: { passport?: { user?: unknown } }
  expires?: Date
}

/**
 * Whether a session still exists and is the user's (not logged out, not expired): a socket opened
 * with it checks this, since no HTTP request passes through express-session for it.
 */
export async function sessionAlive(sid: string | undefined, userId: string): Promise<boolean> {
  const db = mongoose.connection.db
  if (!db) return true // shutting down: the next event finds out
  if (!sid) return false
  const doc = await db
    .collection<StoredSession>(SESSIONS_COLLECTION)
    .findOne({ _id: sid }, { projection: { 'session.passport': 1, expires: 1 } })
  return Boolean(doc && String(doc.session?.passport?.user) === userId && (!doc.expires || doc.expires > new Date()))
}

/** Ends every stored session of a user (password reset, account disabled). */
export async function destroyUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
  const db = mongoose.connection.db
  if (!db) return
  const filter: Record<string, unknown> = { 'session.passport.user': userId }
  if (exceptSessionId) filter._id = { $ne: exceptSessionId }
  await db.collection(SESSIONS_COLLECTION).deleteMany(filter as never)
  await accessChanged(userId)
}
