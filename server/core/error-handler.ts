import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import mongoose from 'mongoose'
import type { ProblemDetails } from '../../shared/errors.js'
import type { Lang } from '../../shared/schemas/common.js'
import { AppError, isDuplicateKey, type FieldError } from './errors.js'
import { hasKey, t } from './i18n.js'
import { log } from './logger.js'

/** Unknown routes under the API: 404 `not_found` in problem+json like every other error. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new AppError(404, 'not_found'))

/**
 * The one place errors become responses. Translation keys: `errors:<code>.title|detail`, else a
 * domain's own `<domain>:errors.<rest>.title|detail` (code `appeals.already_rated` →
 * `appeals:errors.already_rated`).
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = toAppError(err)
  if (appError.status >= 500) (req.log ?? log).error({ err }, 'request failed')
  const problem = problemFor(appError, req.lng ?? 'kk')
  if (res.headersSent) return res.destroy()
  if (appError.status === 429 && typeof appError.extra.retryAfterSec === 'number')
    res.setHeader('Retry-After', String(appError.extra.retryAfterSec))
  res
    .status(appError.status)
    .type('application/problem+json')
    .setHeader('Content-Language', req.lng ?? 'kk')
  res.send(JSON.stringify(problem))
}

export function problemFor(error: AppError, lng: Lang): ProblemDetails {
  const base = translationBase(error.code, lng)
  const problem: ProblemDetails = {
    type: `https://kenes.kz/problems/${error.code}`,
    title: t(lng, `${base}.title`, error.params),
    status: error.status,
    detail: t(lng, `${base}.detail`, error.params),
    code: error.code,
    ...error.extra,
  }
  if (error.errors?.length) problem.errors = error.errors.map((e) => localizeFieldError(e, lng))
  return problem
}

function translationBase(code: string, lng: Lang): string {
  if (hasKey(lng, `errors:${code}.title`)) return `errors:${code}`
  const [ns, ...rest] = code.split('.')
  if (rest.length && hasKey(lng, `${ns}:errors.${rest.join('.')}.title`)) return `${ns}:errors.${rest.join('.')}`
  return 'errors:server.error'
}

export function localizeFieldError(e: FieldError, lng: Lang): { path: string; code: string; message: string } {
  // A domain's own field codes (`grants.over_max_amount`) live in its namespace under `errors.field.`.
  const [ns, ...rest] = e.code.split('.')
  const domainKey = rest.length ? `${ns}:errors.field.${rest.join('.')}` : ''
  // A size limit says what it is about: `too_small_string`, `too_big_array`, `too_small_empty`...
  const variant = typeof e.params?.variant === 'string' ? `errors:field.${e.code}_${e.params.variant}` : ''
  const count = typeof e.params?.count === 'number' ? { count: e.params.count } : {}
  const key =
    variant && hasKey(lng, variant, count)
      ? variant
      : hasKey(lng, `errors:field.${e.code}`)
        ? `errors:field.${e.code}`
        : domainKey && hasKey(lng, domainKey)
          ? domainKey
          : 'errors:field.custom'
  return { path: e.path, code: e.code, message: e.message ?? t(lng, key, e.params ?? {}) }
}

/** Maps errors from libraries (body parser, multer, mongoose) onto our codes. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const e = err as { type?: string; status?: number; code?: string; name?: string; field?: string }
  if (e?.type === 'entity.too.large') return new AppError(413, 'payload.too_large')
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(400, 'validation.failed', {}, [{ path: 'body', code: 'invalid_format' }])
  if (e?.name === 'MulterError') {
    if (e.code === 'LIMIT_FILE_SIZE') return new AppError(413, 'upload.too_large', { limit: '' })
    if (e.code === 'LIMIT_FILE_COUNT' || e.code === 'LIMIT_UNEXPECTED_FILE')
      return new AppError(400, 'upload.too_many_files', { max: '' }, [
        { path: `files.${e.field ?? ''}`, code: 'invalid_value' },
      ])
    return new AppError(400, 'validation.failed', {}, [
      { path: e.field ? `body.${e.field}` : 'body', code: 'invalid_value' },
    ])
  }
  if (err instanceof mongoose.Error.CastError) return new AppError(404, 'not_found')
  if (err instanceof mongoose.Error.ValidationError)
    return new AppError(
      400,
      'validation.failed',
      {},
      Object.values(err.errors).map((v) => ({ path: `body.${v.path}`, code: 'invalid_value' })),
    )
  if (isDuplicateKey(err)) return new AppError(409, 'conflict')
  // Express's router: a path parameter that is not valid percent-encoding names nothing.
  if (err instanceof URIError && e.status === 400) return new AppError(404, 'not_found')
  if (e?.status === 413) return new AppError(413, 'payload.too_large')
  // send (res.sendFile) on a stored file that is gone.
  if (e?.status === 404) return new AppError(404, 'not_found')
  // Any other client error from a library (body-parser: bad gzip, aborted or mis-sized body) is
  // the request's fault: 400, not a 500 with the details logged as a server failure.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError(400, 'validation.failed', {}, [{ path: 'body', code: 'invalid_format' }])
  return new AppError(500, 'server.error')
}

/** Used by sockets and jobs: the same localized shape without an HTTP response. */
export function errorPayload(
  err: unknown,
  req: Pick<Request, 'lng'> | { lng: Lang },
): { code: string; message: string; errors?: ProblemDetails['errors']; retryAfterSec?: number } {
  const problem = problemFor(toAppError(err), req.lng)
  const retryAfterSec = problem.retryAfterSec
  return {
    code: problem.code,
    message: problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
    // A refusal for too many requests says when to try again, as the HTTP Retry-After does.
    ...(typeof retryAfterSec === 'number' ? { retryAfterSec } : {}),
  }
}
