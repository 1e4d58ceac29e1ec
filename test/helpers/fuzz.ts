import fc from 'fast-check'
import type { Agent } from './agent.js'
import { contractViolations } from './contract.js'

/**
 * Fuzzing kit shared by `test/api/core/fuzz.test.ts` (bounded, in `npm test`) and `scripts/fuzz.ts`
 * (longer runs): generators of hostile input built from the published OpenAPI document, and a
 * sender that reports what a well-behaved server must never answer.
 */

type JsonSchema = Record<string, any>
export interface Operation {
  method: string
  path: string
  op: JsonSchema
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: JsonSchema): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries<Record<string, JsonSchema>>(doc.paths))
    for (const [method, op] of Object.entries(methods)) ops.push({ method: method.toUpperCase(), path, op })
  return ops
}

/** A JSON object with its own `__proto__` key (an object literal would set the prototype instead). */
const protoObject = (inner: unknown) => JSON.parse(`{"__proto__": ${JSON.stringify(inner)}}`) as object

const MB = 'x'.repeat(1024 * 1024)
function nested(depth: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}
const DEEP = nested(200)

export const NAUGHTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שָׁלוֹם',
  'Қазақстан Республикасы',
  '𝕳𝖊𝖑𝖑𝖔 😀👨‍👩‍👧‍👦',
  '\uD800',
  '\uFEFF',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE users; --",
  '{"$gt": ""}',
  '$where',
  '$gt',
  '__proto__',
  'constructor',
  '../../../etc/passwd',
  '%00',
  '%',
  '\r\nSet-Cookie: x=1',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x1F',
  '   padded   ',
]

/** Strings a server meets from strangers; `inUrl`: short enough to fit a URL (Node refuses headers over 16 KB). */
export const naughtyString = (maxLength = 64, inUrl = false): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NAUGHTY) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    {
      weight: 1,
      arbitrary: inUrl
        ? fc.constantFrom('a'.repeat(300), 'я'.repeat(300), 'x'.repeat(3000))
        : fc.constantFrom('a'.repeat(300), 'я'.repeat(2000), 'x'.repeat(8000)),
    },
  )

const operatorObject = fc.constantFrom<unknown>(
  { $gt: '' },
  { $ne: null },
  { $where: '1' },
  { $regex: '.*' },
  { $expr: { $eq: [1, 1] } },
  { $in: [] },
  [{ $gt: '' }],
)
const prototypeObject = fc.constantFrom<unknown>(
  protoObject({ isAdmin: true, roles: ['admin'] }),
  { constructor: { prototype: { isAdmin: true } } },
  { prototype: { polluted: 1 } },
  protoObject({ toString: 'x' }),
)

/** A value of the wrong shape anywhere: operators, prototype keys, wrong types, 1 MB, depth 200. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: naughtyString() },
  { weight: 2, arbitrary: operatorObject },
  { weight: 2, arbitrary: prototypeObject },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.constantFrom(-1, 0, 1e9, 1e308, -1e308, 2 ** 53 + 1, 0.5),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      MB,
      DEEP,
      Array.from({ length: 10_000 }, () => 1),
    ),
  },
  { weight: 1, arbitrary: fc.array(naughtyString(16), { maxLength: 4 }) },
)

/** Ids the run created (a council, an article …): path parameters that reach past the 404. */
export type Fixtures = Record<string, string | undefined>

/** A value that follows `schema` (JSON Schema from zod) closely enough to pass most checks. */
export function fromSchema(schema: JsonSchema | undefined, fixtures: Fixtures, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(undefined)
  if (schema.anyOf || schema.oneOf)
    return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((s: JsonSchema) => fromSchema(s, fixtures, depth + 1)))
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>
      const required = new Set<string>(schema.required ?? [])
      const entries = Object.entries(props).map(
        ([k, s]) =>
          [
            k,
            required.has(k)
              ? fromSchema(s, fixtures, depth + 1)
              : fc.option(fromSchema(s, fixtures, depth + 1), { nil: undefined, freq: 3 }),
          ] as const,
      )
      return fc.record(Object.fromEntries(entries)).map((o) => {
        for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k]
        return o
      })
    }
    case 'array':
      return fc.array(fromSchema(schema.items, fixtures, depth + 1), { maxLength: Math.min(3, schema.maxItems ?? 3) })
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 1000 })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'string':
      return stringFor(schema, fixtures)
    default:
      return junkValue
  }
}

function stringFor(schema: JsonSchema, fixtures: Fixtures): fc.Arbitrary<string> {
  const ids = Object.values(fixtures).filter((v): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/.test(v))
  if (schema.pattern === '^[0-9a-fA-F]{24}$')
    return fc.oneof(fc.constantFrom(...(ids.length ? ids : ['0'.repeat(24)])), fc.stringMatching(/^[0-9a-f]{24}$/))
  if (schema.format === 'email' || schema.pattern?.includes('@'))
    return fc.constantFrom('fuzz@example.kz', 'a@b.co', 'x+y@mail.test')
  if (schema.format === 'date-time' || /At$|^from$|^to$/.test(schema.description ?? ''))
    return fc.constantFrom(new Date(Date.now() + 86_400_000).toISOString(), '2026-13-45', 'next tuesday')
  if (schema.pattern?.startsWith('^https?')) return fc.constantFrom('https://example.kz/a', 'javascript:alert(1)')
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 200, 400)
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) }) },
    { weight: 2, arbitrary: naughtyString(max) },
  )
}

/** False for strings with a lone surrogate (which UTF-8 cannot carry: they arrive as U+FFFD). */
export const isWellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)

/** Every path inside a JSON value (to replace one part of a valid body with junk). */
function pathsOf(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix)
  if (v && typeof v === 'object' && prefix.length < 6)
    for (const [k, c] of Object.entries(v)) pathsOf(c, [...prefix, Array.isArray(v) ? Number(k) : k], out)
  return out
}

function replaceAt(v: unknown, path: (string | number)[], junk: unknown): unknown {
  if (!path.length) return junk
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) }
  copy[path[0]] = replaceAt(copy[path[0]], path.slice(1), junk)
  return copy
}

/** A schema-shaped value with one to three parts replaced by junk, or extra hostile keys. */
export function mutated(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutation = fc.tuple(
    fc.nat(),
    junkValue,
    fc.constantFrom('replace', 'replace', '__proto__', 'constructor', '$where'),
  )
  return fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, mutations]) => {
    let v = value
    for (const [at, junk, how] of mutations) {
      const paths = pathsOf(v)
      const path = paths[at % paths.length]
      if (how === 'replace') v = replaceAt(v, path, junk)
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        const extra = JSON.parse(`{${JSON.stringify(how)}: ${JSON.stringify(junk ?? null)}}`)
        v = { ...(v as object), ...extra }
      }
    }
    return v
  })
}

/** A request body: the way it is encoded (or broken) and what goes in it. */
export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string }
  | { kind: 'form'; fields: [string, string][] }

const MALFORMED_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  '{"a":1}{"b":2}',
  'undefined',
  'NaN',
  '"just a string"',
  '123',
  'null',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"__proto__":{"isAdmin":true}}',
  '['.repeat(5000) + ']'.repeat(5000),
  '{"a":' + '1'.repeat(400) + '}',
]

export function bodyFor(op: JsonSchema, fixtures: Fixtures): fc.Arbitrary<Body> {
  const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: JsonSchema }>
  const schema = content['application/json']?.schema ?? content['multipart/form-data']?.schema
  const value = fromSchema(schema ?? { type: 'object' }, fixtures)
  const text = (s: fc.Arbitrary<string>, contentType: fc.Arbitrary<string>) =>
    fc.record({ kind: fc.constant('raw' as const), contentType, text: s })
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 3, arbitrary: value.map<Body>((v) => ({ kind: 'json', value: v })) },
    { weight: 6, arbitrary: mutated(value).map<Body>((v) => ({ kind: 'json', value: v })) },
    { weight: 2, arbitrary: junkValue.map<Body>((v) => ({ kind: 'json', value: v })) },
    {
      weight: 2,
      arbitrary: text(
        fc.constantFrom(...MALFORMED_JSON),
        fc.constantFrom('application/json', 'application/json; charset=utf-16', 'application/merge-patch+json'),
      ),
    },
    {
      weight: 2,
      arbitrary: text(
        fc.oneof(
          naughtyString(),
          fc.constant('garbage'),
          fc.constant('--abc\r\nContent-Disposition: form-data\r\n\r\nx'),
        ),
        fc.constantFrom(
          'text/plain',
          'multipart/form-data; boundary=abc',
          'multipart/form-data',
          'application/x-www-form-urlencoded',
          'application/xml',
          'application/octet-stream',
          'image/png',
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: value.map<Body>((v) => ({ kind: 'form', fields: flatten(v) })),
    },
  )
}

/** `{a: {b: 1}}` → `[['a[b]', '1']]` (how a form-urlencoded or multipart sender nests). */
function flatten(v: unknown, prefix = ''): [string, string][] {
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, c]) => flatten(c, prefix ? `${prefix}[${k}]` : k))
  return [[prefix || 'value', String(v)]]
}

const PAGING: Record<string, string[]> = {
  limit: ['-1', '0', '1e9', '1000000000', '2.5', 'NaN', 'Infinity', '9'.repeat(400), ''],
  cursor: ['x', '=', 'eyJhIjoxfQ', 'bnVsbA', '%00', 'a'.repeat(3000), '1:2', 'MjAyNi0xMy00NQ|zz'],
  before: ['x', '0'.repeat(24), '-1'],
}

/** A query string: declared parameters valid, junk, repeated or bracketed (`a[$gt]=`), plus extra keys. */
export function queryFor(op: JsonSchema, fixtures: Fixtures): fc.Arbitrary<string> {
  const params = ((op.parameters ?? []) as JsonSchema[]).filter((p) => p.in === 'query')
  const one = (p: JsonSchema): fc.Arbitrary<[string, string][]> => {
    const valid = fromSchema(p.schema, fixtures).map((v): [string, string][] =>
      v === undefined ? [] : [[p.name, String(v).slice(0, 1000)]],
    )
    return fc.oneof(
      { weight: 2, arbitrary: fc.constant<[string, string][]>([]) },
      { weight: 3, arbitrary: valid },
      { weight: 3, arbitrary: naughtyString(64, true).map((s) => [[p.name, s]] as [string, string][]) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...(PAGING[p.name] ?? ['-1'])).map((s): [string, string][] => [[p.name, s]]),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<[string, string][]>(
          [[`${p.name}[$gt]`, '']],
          [[`${p.name}[$ne]`, 'x']],
          [
            [p.name, '1'],
            [p.name, '2'],
          ],
          [[`${p.name}[]`, 'a']],
          [[`${p.name}[__proto__][x]`, '1']],
        ),
      },
    )
  }
  const extra = fc.constantFrom<[string, string][]>(
    [],
    [],
    [['__proto__[isAdmin]', 'true']],
    [['constructor[prototype][x]', '1']],
    [['$where', '1']],
  )
  // Half the queries keep every parameter valid or absent, so the junk in the rest reaches past validation.
  const tame = (p: JsonSchema): fc.Arbitrary<[string, string][]> =>
    fc.oneof(
      fc.constant<[string, string][]>([]),
      fromSchema(p.schema, fixtures).map((v): [string, string][] =>
        v === undefined ? [] : [[p.name, String(v).slice(0, 1000)]],
      ),
    )
  return fc
    .oneof(fc.tuple(...params.map(one), extra), fc.tuple(...params.map(tame)))
    .map((parts) => new URLSearchParams(parts.flat()).toString())
}

const BAD_IDS = [
  '0',
  '000000000000000000000000',
  'ffffffffffffffffffffffff',
  '5f5f5f5f5f5f5f5f5f5f5f5g',
  'null',
  'undefined',
  '..',
  '%2e%2e%2f',
  '%00',
  '%E0%A4%A',
  '__proto__',
  'constructor',
  '$where',
  '{"$gt":""}',
  'a'.repeat(4000),
  encodeURIComponent('\u202Eevil'),
  encodeURIComponent('Қазақ 😀'),
  encodeURIComponent('<script>'),
]

/** encodeURIComponent, with lone surrogates (which it refuses) sent as their raw escape text. */
const encodePart = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '%ud800'))
  }
}

/** A path parameter: a fixture's id when there is one (not on DELETE), else a bad id. */
export function pathParamFor(name: string, path: string, method: string, fixtures: Fixtures): fc.Arbitrary<string> {
  const key = fixtureKey(name, path)
  const real = method !== 'DELETE' ? fixtures[key] : undefined
  const junk = fc.oneof(fc.constantFrom(...BAD_IDS), naughtyString(40, true).map(encodePart))
  return real ? fc.oneof({ weight: 2, arbitrary: fc.constant(real) }, { weight: 1, arbitrary: junk }) : junk
}

/** `/api/v1/councils/{councilId}/news`, `councilId` → `councils.councilId`-ish keys: see fixtureKey. */
export function fixtureKey(name: string, path: string): string {
  const parts = path.split('/')
  const i = parts.indexOf(`{${name}}`)
  return `${parts[i - 1]}.${name}`
}

export interface Sent {
  method: string
  url: string
  contentType?: string
  bodyPreview: string
  status: number
  contentTypeOut: string
  responsePreview: string
  /** What the answer breaks in the OpenAPI document (./contract.ts): an undeclared status, a body off its schema. */
  contract: string[]
}

export interface Caller {
  baseUrl: string
  agent?: Agent
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Sends one request as the agent (its cookie and CSRF token; nothing it answers is kept, so a guest
 * stays a guest), with a hard timeout. Throws on a hang.
 */
export async function send(caller: Caller, method: string, url: string, body: Body, timeoutMs = 5000): Promise<Sent> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (caller.agent?.hasSession) {
    headers.cookie = caller.agent.cookieHeader()
    if (UNSAFE.has(method)) headers['x-csrf-token'] = await caller.agent.csrfToken()
  }
  let payload: BodyInit | undefined
  if (body.kind === 'json') {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body.value) ?? ''
  } else if (body.kind === 'raw') {
    headers['content-type'] = body.contentType
    payload = body.text
  } else if (body.kind === 'form') {
    const form = new FormData()
    for (const [k, v] of body.fields) form.append(k, v)
    form.append('files', new Blob([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff])]), '../../x.pdf')
    payload = form
  }
  if (method === 'GET' || method === 'HEAD') payload = undefined
  const started = Date.now()
  let res: Response
  let text: string
  try {
    res = await fetch(new URL(url, caller.baseUrl), {
      method,
      headers,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    text = await res.text()
  } catch (err) {
    throw new Error(
      `${method} ${url.slice(0, 300)}: no answer within ${timeoutMs} ms (after ${Date.now() - started} ms): ${(err as Error).message}\nbody: ${preview(payload)}`,
    )
  }
  let parsed: unknown = text
  if (/json/.test(res.headers.get('content-type') ?? '') && text) {
    try {
      parsed = JSON.parse(text)
    } catch {}
  }
  return {
    method,
    url,
    contract: contractViolations(method, new URL(url, caller.baseUrl), {
      status: res.status,
      headers: res.headers,
      body: parsed,
      text,
    }),
    contentType: headers['content-type'],
    bodyPreview: preview(payload),
    status: res.status,
    contentTypeOut: res.headers.get('content-type') ?? '',
    responsePreview: text.slice(0, 300),
  }
}

function preview(payload: BodyInit | undefined): string {
  if (payload === undefined) return '(none)'
  if (typeof payload === 'string')
    return payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length})` : payload
  return '(multipart)'
}

/** The failures: a 5xx, a 4xx under /api/v1 that is not problem+json, an answer the document does not declare. */
export function problemOf(sent: Sent): string | undefined {
  const what = `${sent.method} ${sent.url.slice(0, 300)} [${sent.contentType ?? 'no body'}] ${sent.bodyPreview}\n→ ${sent.status} ${sent.contentTypeOut} ${sent.responsePreview}`
  if (sent.status >= 500) return `5xx: ${what}`
  if (sent.contract.length) return `not as documented: ${what}\n${sent.contract.join('\n')}`
  if (
    sent.status >= 400 &&
    new URL(sent.url, 'http://x').pathname.startsWith('/api/v1/') &&
    !sent.contentTypeOut.startsWith('application/problem+json')
  )
    return `4xx without problem+json: ${what}`
  return undefined
}

/** One generated request for an operation: path, query and body. */
export function requestFor(o: Operation, fixtures: Fixtures): fc.Arbitrary<{ url: string; body: Body }> {
  const names = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
  const params = fc.tuple(...names.map((n) => pathParamFor(n, o.path, o.method, fixtures)))
  return fc.tuple(params, queryFor(o.op, fixtures), bodyFor(o.op, fixtures)).map(([values, query, body]) => {
    let url = o.path
    names.forEach((n, i) => (url = url.replace(`{${n}}`, values[i])))
    // Node answers a request head over 16 KB itself (431): keep generated URLs under 12 KB.
    return { url: query && url.length + query.length < 12_000 ? `${url}?${query}` : url, body }
  })
}

/** Stable per-operation seed: adding an operation does not reshuffle the others. */
export function seedFor(base: number, key: string): number {
  let h = base | 0
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0
  return h
}
