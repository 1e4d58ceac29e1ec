import crypto from 'node:crypto'

/**
 * Secrets of an appeal: the access code people type (tracking without an account) and the
 * confirmation token of e-mailed links. Only SHA-256 hashes are stored: both are random enough
 * (≥ 49 and 256 bits) that a slow hash adds nothing, and guessing is rate-limited per IP.
 */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' // no 0/O, 1/I/L: read aloud and typed by hand
export const ACCESS_CODE_LENGTH = 10

export function newAccessCode(): string {
  let out = ''
  for (let i = 0; i < ACCESS_CODE_LENGTH; i++) out += ALPHABET[crypto.randomInt(ALPHABET.length)]
  return out
}

/** What people type: case, spaces and dashes do not matter. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '')
}

export const hashSecret = (value: string): string => crypto.createHash('sha256').update(value).digest('hex')

/** Constant-time comparison of a typed code with a stored hash. */
export function codeMatches(code: string | undefined | null, storedHash: string | undefined | null): boolean {
  if (!code || !storedHash) return false
  const a = Buffer.from(hashSecret(normalizeCode(code)), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

export const newConfirmToken = (): string => crypto.randomBytes(32).toString('base64url')
