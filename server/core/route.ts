import type { NextFunction, Request, RequestHandler, Response, Router } from 'express'
import type { z } from 'zod'
import type { Right } from '../../shared/permissions.js'
import { actorOf } from './auth/middleware.js'
import { AppError, authRequired } from './errors.js'
import { validate } from './http.js'
import { describeRoute, fullPath, type RouteDescription } from './openapi.js'
import { assertCan, type Actor, type Scope } from './policy.js'

/** Who may call a route: anyone, any signed-in user, or holders of a right (shared/permissions.ts). */
export type RouteAuth = 'public' | 'user' | Right
type Schema = z.ZodType | undefined
/** The documented methods, plus `head` and `options` for protocols that use them (tus). */
export type RouteMethod = RouteDescription['method'] | 'head' | 'options'
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined

export interface RouteContext<A extends RouteAuth, P extends Schema, Q extends Schema, B extends Schema> {
  /** The signed-in person (guests: `null`, only on `public` routes). */
  actor: A extends 'public' ? Actor | null : Actor
  params: Parsed<P>
  query: Parsed<Q>
  body: Parsed<B>
  req: Request
  res: Response
}

export interface RouteSpec<A extends RouteAuth, P extends Schema, Q extends Schema, B extends Schema> extends Omit<
  RouteDescription,
  'method' | 'auth' | 'params' | 'query' | 'body' | 'tags' | 'summary'
> {
  method: RouteMethod
  auth: A
  /** The council(s) the right is checked against, from the parsed path; may throw 404 (unknown resource). */
  scope?: (input: { params: Parsed<P>; req: Request }) => Scope | Promise<Scope>
  params?: P
  query?: Q
  body?: B
  tags: string[]
  summary: string
  /** Middleware before the access check (rate limits that must count guests too). */
  before?: RequestHandler[]
  /** Middleware after the access check and before body validation (uploads, per-user limits). */
  use?: RequestHandler[]
  /** What `body` parses, when the raw body needs shaping first (multipart fields). */
  bodyFrom?: (req: Request) => unknown
  /**
   * `false`: mounted and in the route table, but no OpenAPI operation of its own: a protocol request
   * documented on a sibling's entry (tus HEAD/DELETE/OPTIONS) or a file outside the API. Required
   * for `head` and `options`.
   */
  openapi?: false
}

/** One row of the route table: what a test (or the role × route matrix) walks. */
export interface RouteEntry {
  method: RouteMethod
  /** Full OpenAPI-style path, e.g. `/api/v1/councils/{id}`. */
  path: string
  auth: RouteAuth
  /** True when the right is checked against the resource's council(s). */
  scoped: boolean
  tags: string[]
}

const table: RouteEntry[] = []
const declared = new WeakSet<object>()

/** Every declared route, in declaration order. */
export function routeTable(): readonly RouteEntry[] {
  return table
}

/** True for an Express route object made by `route()` (tests check that no route was mounted by hand). */
export function isDeclaredRoute(expressRoute: object): boolean {
  return declared.has(expressRoute)
}

/** `/councils/{id}/logo` → `/councils/:id/logo` */
const expressPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1')

/**
 * Declares a route once: who may call it, what it takes, what it answers. The declaration wires
 * `auth → validate(params) → access (right + scope) → use → validate(query, body) → handler` and
 * writes the OpenAPI entry. The handler returns the response body (`status` or 200; nothing for 204)
 * or answers through `res` itself (files, streams, redirects). The service keeps the final say on
 * access: this check is the early 401/403.
 */
export function route<
  A extends RouteAuth,
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
>(router: Router, spec: RouteSpec<A, P, Q, B>, handler: (ctx: RouteContext<A, P, Q, B>) => unknown): void {
  const { auth, scope, before = [], use = [], bodyFrom, openapi, method, ...doc } = spec
  if (openapi !== false) {
    if (method === 'head' || method === 'options')
      throw new Error(`${method} ${spec.path}: declare with openapi: false`)
    describeRoute({ ...doc, method, auth })
  }
  table.push({ method: spec.method, path: fullPath(spec.path), auth, scoped: Boolean(scope), tags: spec.tags })

  const chain: RequestHandler[] = [...before]
  if (auth !== 'public') chain.push((req, _res, next) => next(req.user ? undefined : authRequired()))
  // A right without a scope is decided before the path is read (a citizen gets 403, not 404);
  // a scoped right needs the parsed path first, so an unknown resource answers 404.
  if (auth !== 'public' && auth !== 'user' && !scope) chain.push(checkRight(auth))
  if (spec.params) chain.push(validate({ params: spec.params }))
  if (auth !== 'public' && auth !== 'user' && scope) chain.push(checkRight(auth, scope))
  chain.push(...use)
  if (bodyFrom) chain.push(shapeBody(bodyFrom))
  if (spec.query || spec.body) chain.push(validate({ query: spec.query, body: spec.body }))
  chain.push(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await handler({
        actor: actorOf(req) as RouteContext<A, P, Q, B>['actor'],
        params: req.valid?.params as Parsed<P>,
        query: req.valid?.query as Parsed<Q>,
        body: req.valid?.body as Parsed<B>,
        req,
        res,
      })
      if (res.headersSent) return
      if (res.statusCode === 200 && spec.status) res.status(spec.status)
      if (res.statusCode === 204 || result === undefined) res.end()
      else res.json(result)
    } catch (err) {
      next(err)
    }
  })

  const expressRoute = router.route(expressPath(spec.path))
  expressRoute[spec.method](...chain)
  declared.add(expressRoute)
}

function checkRight<P extends Schema>(
  right: Right,
  scope?: RouteSpec<RouteAuth, P, Schema, Schema>['scope'],
): RequestHandler {
  return async (req, _res, next) => {
    try {
      const where = scope ? await scope({ params: req.valid?.params as Parsed<P>, req }) : undefined
      assertCan(actorOf(req), right, where)
      next()
    } catch (err) {
      next(err)
    }
  }
}

function shapeBody(bodyFrom: (req: Request) => unknown): RequestHandler {
  return (req, _res, next) => {
    req.body = bodyFrom(req)
    next()
  }
}

type CompiledPath = { re: RegExp; methods: Set<string> }
let compiled: { size: number; paths: CompiledPath[] } | undefined
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function compiledPaths(): CompiledPath[] {
  if (compiled?.size === table.length) return compiled.paths
  const byPath = new Map<string, CompiledPath>()
  for (const r of table) {
    const source = r.path
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : escapeRe(part)))
      .join('')
    const entry = byPath.get(source) ?? { re: new RegExp(`^${source}/?$`, 'i'), methods: new Set<string>() }
    entry.methods.add(r.method.toUpperCase())
    if (r.method === 'get') entry.methods.add('HEAD')
    byPath.set(source, entry)
  }
  compiled = { size: table.length, paths: [...byPath.values()] }
  return compiled.paths
}

/**
 * 405 with `Allow` for a method no declaration has on a path that exists (before CSRF and the
 * routers, so a cookie does not turn it into 403 `csrf.invalid`). OPTIONS is left to Express.
 */
export const methodNotAllowed: RequestHandler = (req, res, next) => {
  if (req.method === 'OPTIONS') return next()
  const matching = compiledPaths().filter((p) => p.re.test(req.path))
  if (!matching.length || matching.some((p) => p.methods.has(req.method))) return next()
  const allow = [...new Set(matching.flatMap((p) => [...p.methods]))].sort()
  res.setHeader('Allow', [...allow, 'OPTIONS'].join(', '))
  next(new AppError(405, 'method_not_allowed', { method: req.method }))
}
