import type { NextFunction, Request, RequestHandler, Response } from 'express'
import mongoose from 'mongoose'
import { z } from 'zod'
import { AppError, validationFailed, type FieldError } from './errors.js'

export interface Validated {
  params?: unknown
  query?: unknown
  body?: unknown
}
declare module 'express-serve-static-core' {
  interface Request {
    /** What `validate()` parsed; read it through `input()` for types. */
    valid: Validated
  }
}

type Schemas = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType }

/**
 * Parses params, query and body with zod schemas from shared/ and keeps the results in
 * `req.valid`. Express 5's `req.query` is read-only, so nothing is written back onto it.
 * Bodies are strict objects in the schemas: unknown keys and `{"$gt": ""}` where a string is
 * expected both fail here, before anything can reach a database filter.
 */
export function validate(schemas: Schemas): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const errors: FieldError[] = []
    const valid: Validated = req.valid ?? {}
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part]
      if (!schema) continue
      const source = part === 'body' && req.body === undefined ? {} : req[part]
      const result = schema.safeParse(source)
      if (result.success) valid[part] = result.data
      else errors.push(...zodIssuesToFieldErrors(result.error.issues, part, source))
    }
    req.valid = valid
    // A bad id in the path names nothing that exists: 404, not 400 (API: "malformed ids → 404").
    if (errors.some((e) => e.path.startsWith('params'))) return next(new AppError(404, 'not_found'))
    next(errors.length ? validationFailed(errors) : undefined)
  }
}

/** Typed access to what `validate()` parsed: `const body = input(req, 'body', CreateNews)`. */
export function input<S extends z.ZodType>(req: Request, part: keyof Validated, _schema: S): z.output<S> {
  return req.valid[part] as z.output<S>
}

/** Parses anything (socket payloads, multipart fields) with the same error shape as `validate`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = 'body'): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw validationFailed(zodIssuesToFieldErrors(result.error.issues, prefix, value))
  return result.data
}

/**
 * Zod issues → `{ path, code, params }`; the message is localized later by the error handler
 * (key `errors:field.<code>`). Custom messages in the schemas are such codes (e.g. `invalid_id`).
 */
export function zodIssuesToFieldErrors(issues: z.core.$ZodIssue[], prefix: string, input?: unknown): FieldError[] {
  return strictestLimits(issues.map((issue) => fieldError(issue, prefix, input)))
}

/**
 * Chained limits (`Text.min(1)` reused as `Text.min(10)`) all fail on an empty value; only the
 * strictest one says what the field needs, so the others are dropped.
 */
function strictestLimits(errors: FieldError[]): FieldError[] {
  const strictest = new Map<string, FieldError>()
  for (const e of errors) {
    if (e.code !== 'too_small' && e.code !== 'too_big') continue
    const key = `${e.path}\0${e.code}`
    const seen = strictest.get(key)
    const stricter = (a: FieldError, b: FieldError) =>
      e.code === 'too_small'
        ? Number(a.params?.minimum) > Number(b.params?.minimum)
        : Number(a.params?.maximum) < Number(b.params?.maximum)
    if (!seen || stricter(e, seen)) strictest.set(key, e)
  }
  return errors.filter(
    (e) => (e.code !== 'too_small' && e.code !== 'too_big') || strictest.get(`${e.path}\0${e.code}`) === e,
  )
}

function fieldError(issue: z.core.$ZodIssue, prefix: string, input?: unknown): FieldError {
  const path = [prefix, ...issue.path.map(String)].join('.')
  let code: string = issue.code
  const params: Record<string, unknown> = {}
  // zod 4 leaves the input out of issues: look the value up (a missing value is "required",
  // a present one of the wrong type, like {"$gt": ""}, stays "invalid_type").
  if (issue.code === 'invalid_type' && isMissing(input, issue.path, issue.message)) code = 'required'
  if (issue.code === 'invalid_format' && (issue as { format?: string }).format === 'email') code = 'invalid_email'
  if (issue.code === 'too_small' || issue.code === 'too_big') Object.assign(params, sizeParams(issue, input))
  if (issue.code === 'unrecognized_keys') params.keys = (issue as { keys: string[] }).keys.join(', ')
  if ((issue.code === 'custom' || issue.code === 'invalid_format') && /^[a-z_]+(\.[a-z_]+)?$/.test(issue.message))
    code = issue.message
  return { path, code, params }
}

/**
 * What a size limit is about, so the message can say what the field needs ("at least 10
 * characters", "at most 5 items", "not less than 1") rather than a bare number.
 */
function sizeParams(issue: z.core.$ZodIssue, input: unknown): Record<string, unknown> {
  const { minimum, maximum, origin, inclusive } = issue as {
    minimum?: unknown
    maximum?: unknown
    origin?: string
    inclusive?: boolean
  }
  const limit = Number(issue.code === 'too_small' ? minimum : maximum)
  const params: Record<string, unknown> = issue.code === 'too_small' ? { minimum: limit } : { maximum: limit }
  // i18next picks the plural form (ru: символ/символа/символов) from `count`.
  params.count = limit
  if (origin === 'string') {
    const value = valueAt(input, issue.path)
    params.variant = issue.code === 'too_small' && typeof value === 'string' && value.trim() === '' ? 'empty' : 'string'
  } else if (origin === 'array' || origin === 'set') params.variant = 'array'
  else if (origin === 'number' || origin === 'int' || origin === 'bigint')
    params.variant = inclusive === false ? 'number_exclusive' : 'number'
  else if (origin === 'date') params.variant = 'date'
  return params
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

function isMissing(input: unknown, path: PropertyKey[], message: string): boolean {
  if (input === undefined) return /received undefined/.test(message)
  let v: unknown = input
  for (const key of path) {
    if (v === null || typeof v !== 'object') return true
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v === undefined
}

/** Opaque list cursors: base64url JSON of the last item's sort key and id. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}
export function decodeCursor(cursor: string | undefined): unknown[] | undefined {
  if (!cursor) return undefined
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v)) return v
  } catch {}
  throw invalidCursor()
}

/**
 * Keyset pagination: the filter for "after the item (value, id)" in a list sorted by `field` then
 * `_id`, both descending (`$lt`) or both ascending (`$gt`), so ties on `field` neither repeat nor
 * skip. The caller has checked the cursor's parts; `id` is a valid ObjectId string.
 */
export function afterKey(
  field: string,
  value: unknown,
  id: string,
  op: '$lt' | '$gt' = '$lt',
): Record<string, unknown>[] {
  return [
    { [field]: mongoose.trusted({ [op]: value }) },
    { [field]: value, _id: mongoose.trusted({ [op]: new mongoose.Types.ObjectId(id) }) },
  ]
}

/** The error for a cursor that decodes but does not fit the list it was sent to. */
export const invalidCursor = () => validationFailed([{ path: 'query.cursor', code: 'invalid_format' }])

/** Orders two sort keys (tuples of numbers/strings) as the list orders them; used to resume after a cursor. */
export function compareCursorKeys(a: readonly (number | string)[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i] as number | string
    if (x < y) return -1
    if (x > y) return 1
  }
  return 0
}

/** Express 5 forwards rejected promises itself; this only narrows handler types for readability. */
export const handler =
  (fn: (req: Request, res: Response) => Promise<unknown> | unknown): RequestHandler =>
  async (req, res, next) => {
    try {
      await fn(req, res)
    } catch (err) {
      next(err)
    }
  }
