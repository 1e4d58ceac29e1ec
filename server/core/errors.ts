import type { CoreErrorCode } from '../../shared/errors.js'

export interface FieldError {
  path: string
  code: string
  message?: string
  params?: Record<string, unknown>
}

/**
 * An operational error: something the user or client can act on. Services throw these; the
 * error handler turns them into localized problem+json. `code` is stable (see shared/errors.ts)
 * or a domain code like `appeals.already_rated`; `params` fill the translation's placeholders.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: CoreErrorCode | (string & {}),
    readonly params: Record<string, unknown> = {},
    readonly errors?: FieldError[],
    /** Extra members of the problem body (e.g. `retryAfterSec`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code)
    this.name = 'AppError'
  }
}

export const notFound = (entity?: string) => new AppError(404, 'not_found', { entity })
export const authRequired = () => new AppError(401, 'auth.required')
export const forbidden = () => new AppError(403, 'auth.forbidden')
export const conflict = (code: string = 'conflict', params: Record<string, unknown> = {}) =>
  new AppError(409, code, params)
export const validationFailed = (errors: FieldError[]) => new AppError(400, 'validation.failed', {}, errors)
export const rateLimited = (retryAfterSec: number) =>
  new AppError(429, 'rate_limited', { retryAfterSec }, undefined, { retryAfterSec })

/** `const x = (await Model.findById(id)) ?? throwNotFound('council')` */
export function throwNotFound(entity?: string): never {
  throw notFound(entity)
}

/** True for a MongoDB duplicate-key error (E11000), from the driver or mongoose. */
export function isDuplicateKey(
  err: unknown,
): err is { code: number; keyValue?: Record<string, unknown>; keyPattern?: Record<string, unknown> } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000
}
