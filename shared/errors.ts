/**
 * Stable error codes of the API (the `code` of a problem+json body). Their localized title and
 * detail live in `shared/locales/{kk,ru}/errors.json` under the same dotted path, or, for a
 * domain's own codes, in that domain's namespace under `errors.` (see server/core/error-handler.ts).
 */
export const ERROR_CODES = [
  'validation.failed',
  'auth.required',
  'auth.forbidden',
  'auth.invalid_credentials',
  'auth.email_taken',
  'auth.locked',
  'auth.invalid_token',
  'auth.disabled',
  'csrf.invalid',
  'not_found',
  'conflict',
  'rate_limited',
  'payload.too_large',
  'upload.too_large',
  'upload.unsupported_type',
  'upload.too_many_files',
  'upload.missing_file',
  'upload.malformed',
  'auth.already_signed_in',
  'method_not_allowed',
  'server.error',
  'service.unavailable',
] as const
export type CoreErrorCode = (typeof ERROR_CODES)[number]

export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail: string
  code: string
  errors?: { path: string; code: string; message: string }[]
  [extra: string]: unknown
}
