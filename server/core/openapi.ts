import { Router } from 'express'
import { z } from 'zod'
import { RIGHTS, type Right } from '../../shared/permissions.js'
import { currentConfig } from './config.js'
// route.ts imports describeRoute from here: a cycle that is safe, neither calls the other while loading.
import { route } from './route.js'

/**
 * OpenAPI 3.1, generated: each module describes its routes at import time with the same zod
 * schemas its `validate()` uses, and `GET /api/v1/openapi.json` assembles the document.
 */
export interface RouteDescription {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI style (`/councils/{id}`); relative to `/api/v1` unless it starts with `/api/`, `/media/` or `/metrics`. */
  path: string
  tags: string[]
  summary: string
  description?: string
  /** `public` (default), `user` (any signed-in user) or the Right required (shared/permissions.ts). */
  auth?: 'public' | 'user' | Right | (string & {})
  params?: z.ZodType
  query?: z.ZodType
  body?: z.ZodType
  /** The body is multipart/form-data (files + fields); `body` then describes the text fields. */
  multipart?: boolean
  /** A JSON `body` that may also be sent as multipart/form-data with these parts. */
  multipartAlternative?: z.ZodType
  response?: z.ZodType
  /** Success status (default 200; 204 means no body). */
  status?: number
  /** Error statuses this route can answer with (problem+json). */
  errors?: number[]
  /** Media type of a non-JSON success body (e.g. `application/rss+xml`, `text/plain`). */
  responseType?: string
  /** Other media types the success body may take, chosen by the query (`?format=csv` → `text/csv`). */
  alsoAs?: string[]
  /** Other success answers: status → its body (none: no body), e.g. 200 with an existing resource next to 201. */
  alsoStatus?: Record<number, { response?: z.ZodType; description: string }>
}

const routes = new Map<string, RouteDescription>()
/** Socket.io namespaces: not HTTP operations, so they go in the `x-socket-io` extension of the document. */
const sockets = new Map<string, Record<string, unknown>>()

/** Describes a socket.io namespace (events, acks, errors) in the document's `x-socket-io` extension. */
export function describeSocket(
  namespace: string,
  doc: { path: string; auth: Right; summary: string; description: string },
): void {
  sockets.set(namespace, doc)
}

const LNG_PARAMETER = {
  name: 'lng',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description:
    'Response language, `kk` or `ru`; any other value is ignored (then cookie `lng`, then Accept-Language, then kk)',
}

export function describeRoute(d: RouteDescription): void {
  routes.set(`${d.method} ${fullPath(d.path)}`, d)
}

/** Every described route by `method fullPath` (tests hold the zod schemas against the document). */
export function routeDescriptions(): ReadonlyMap<string, RouteDescription> {
  return routes
}

export function fullPath(p: string): string {
  return /^\/(api\/|media\/|metrics$|socket\.io)/.test(p) ? p : `/api/v1${p.startsWith('/') ? p : `/${p}`}`
}

type JsonSchema = Record<string, unknown>
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: io === 'input' ? documentTrim : undefined,
  }) as JsonSchema
  delete json.$schema
  return json
}

type OverrideContext = { zodSchema: unknown; jsonSchema: JsonSchema }
type CheckDef = { check?: string; tx?: (v: string) => unknown }
/**
 * A string the server trims (`.trim()`) has its length checked after trimming: JSON Schema cannot
 * say that, so the schema says it in words, and a required one (`minLength` ≥ 1) must hold some
 * non-space character (`pattern: \S`), as the server demands.
 */
function documentTrim(ctx: OverrideContext): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; checks?: { _zod: { def: CheckDef } }[] } } })._zod
    ?.def
  if (def?.type !== 'string') return
  const trims = def.checks?.some((c) => c._zod.def.check === 'overwrite' && c._zod.def.tx?.(' a ') === 'a')
  if (!trims) return
  const s = ctx.jsonSchema
  s.description = [s.description, 'Surrounding whitespace is trimmed before the length checks.']
    .filter(Boolean)
    .join(' ')
  if (typeof s.minLength === 'number' && s.minLength >= 1 && s.pattern === undefined) s.pattern = '\\S'
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return []
  const json = toSchema(schema, 'input')
  const props = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required as string[] | undefined) ?? [])
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }))
}

/** Every `{name}` of the path is a required path parameter, described by `params` or else a string. */
function pathParameters(d: RouteDescription): unknown[] {
  const declared = parametersOf(d.params, 'path') as { name: string }[]
  const names = [...fullPath(d.path).matchAll(/\{(\w+)\}/g)].map((m) => m[1])
  const extra = names
    .filter((n) => !declared.some((p) => p.name === n))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
  return [...declared.filter((p) => names.includes(p.name)), ...extra]
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  304: 'Not Modified (`If-None-Match` or `If-Modified-Since` matched; no body)',
  400: 'Validation failed (`validation.failed`)',
  401: 'Not signed in (`auth.required`)',
  403: 'Forbidden (`auth.forbidden`, or `csrf.invalid` without the CSRF header)',
  404: 'Not found (`not_found`)',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported media type',
  429: 'Too many requests (`Retry-After`)',
  503: 'Service unavailable',
}

function operationFor(d: RouteDescription): Record<string, unknown> {
  const status = d.status ?? 200
  const auth = d.auth ?? 'public'
  const unsafe = d.method !== 'get'
  const responses: Record<string, unknown> = {}
  responses[String(status)] =
    status === 204 || (!d.response && !d.responseType)
      ? { description: STATUS_TEXT[status] ?? 'Success' }
      : {
          description: STATUS_TEXT[status] ?? 'Success',
          content: {
            [d.responseType ?? 'application/json']: {
              schema: d.response ? toSchema(d.response, 'output') : { type: 'string' },
            },
          },
        }
  for (const [other, o] of Object.entries(d.alsoStatus ?? {}))
    responses[other] = o.response
      ? { description: o.description, content: { 'application/json': { schema: toSchema(o.response, 'output') } } }
      : { description: o.description }
  if (d.alsoAs?.length) {
    const content = (responses[String(status)] as { content: Record<string, unknown> }).content
    for (const type of d.alsoAs) content[type] = { schema: { type: 'string' } }
  }
  // Express tags every GET answer with an ETag (files also with Last-Modified): a conditional GET may get 304.
  if (d.method === 'get') responses['304'] = { description: STATUS_TEXT[304] }
  const errors = new Set(d.errors ?? [])
  // A multipart body's fields are checked by the handler (after the upload): also 400.
  if (d.body || d.query || d.multipart) errors.add(400)
  // A malformed or unknown id in the path names nothing that exists.
  if (d.params) errors.add(404)
  if (auth !== 'public') errors.add(401)
  if (auth !== 'public' && auth !== 'user') errors.add(403)
  if (unsafe) errors.add(403)
  // Any unsafe request's JSON body is parsed before the route: malformed → 400, over 1 MB → 413.
  if (unsafe) errors.add(400).add(413)
  for (const e of [...errors].sort()) {
    responses[String(e)] = {
      description: STATUS_TEXT[e] ?? 'Error',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
    }
  }
  const query = parametersOf(d.query, 'query') as { name: string }[]
  const op: Record<string, unknown> = {
    tags: d.tags,
    summary: d.summary,
    operationId: `${d.method}${fullPath(d.path)
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    // `lng` once: a query schema that names it (to allow it) gets the common description.
    parameters: [...pathParameters(d), ...query.filter((p) => p.name !== 'lng'), LNG_PARAMETER],
    responses,
  }
  const notes: string[] = []
  if (d.description) notes.push(d.description)
  if (auth === 'user') notes.push('Requires a signed-in user.')
  else if (auth !== 'public') {
    const rule = (RIGHTS as Record<string, { global: readonly string[]; council?: readonly string[] }>)[auth]
    notes.push(
      rule
        ? `Requires right \`${auth}\`: roles ${rule.global.join(', ') || '—'}${rule.council ? `; ${rule.council.join(', ')} of the resource's council` : ''}.`
        : `Requires: ${auth}.`,
    )
  }
  if (notes.length) op.description = notes.join('\n\n')
  // A public write needs no session, but one sent with the session cookie needs the CSRF header too.
  const signedIn = unsafe ? { cookieAuth: [], csrfToken: [] } : { cookieAuth: [] }
  op.security = auth === 'public' ? [{}, signedIn] : [signedIn]
  if (d.body) {
    op.requestBody = {
      required: true,
      content: d.multipart
        ? { 'multipart/form-data': { schema: toSchema(d.body, 'input') } }
        : {
            'application/json': { schema: toSchema(d.body, 'input') },
            ...(d.multipartAlternative
              ? { 'multipart/form-data': { schema: toSchema(d.multipartAlternative, 'input') } }
              : {}),
          },
    }
  } else if (d.multipart) {
    op.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } }
  }
  return op
}

const ProblemDetails = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string', description: 'Localized' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'Localized' },
    code: { type: 'string', description: 'Stable, dotted (e.g. `validation.failed`)' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'code', 'message'],
        properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfterSec: { type: 'integer' },
  },
}

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const sorted = [...routes.values()].sort((a, b) => fullPath(a.path).localeCompare(fullPath(b.path)))
  for (const d of sorted) (paths[fullPath(d.path)] ??= {})[d.method] = operationFor(d)
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kenes API',
      version,
      description:
        "API of Kazakhstan's public-councils portal. JSON in and out; errors are `application/problem+json` with a stable `code`; texts in Kazakh (default) or Russian.",
    },
    servers: [{ url: currentConfig().publicUrl }],
    paths,
    'x-socket-io': Object.fromEntries(sockets),
    components: {
      schemas: { ProblemDetails },
      securitySchemes: {
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'kenes.sid',
          description: 'Session cookie set by POST /api/v1/auth/login',
        },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: 'From GET /api/v1/auth/csrf; required on unsafe methods sent with the session cookie',
        },
      },
    },
  }
}

/** Serves the document at `/openapi.json` (mounted under /api/v1 by the health module). */
export function openApiRouter(version?: string): Router {
  const router = Router()
  route(
    router,
    {
      method: 'get',
      path: '/openapi.json',
      auth: 'public',
      tags: ['operations'],
      summary: 'This document (OpenAPI 3.1, generated from the zod schemas)',
      response: z.looseObject({
        openapi: z.string(),
        info: z.looseObject({}),
        paths: z.record(z.string(), z.unknown()),
      }),
    },
    ({ res }) => {
      res.type('application/json').send(JSON.stringify(buildOpenApiDocument(version ?? currentConfig().version)))
    },
  )
  return router
}
