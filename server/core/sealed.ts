import crypto from 'node:crypto'
import { currentConfig } from './config.js'

/**
 * Values kept encrypted at rest: a job payload that carries a secret in plain text (a guest's access
 * code, a confirmation or verification link, a mail's personal data) is stored sealed, so the `jobs`
 * collection and its backups never hold it readable. AES-256-GCM with a key derived from
 * SESSION_SECRET (HKDF); a value sealed under SESSION_SECRET_PREVIOUS (a rotation) still opens.
 * Sealing goes through JSON: Dates and ObjectIds come back as strings.
 */
export interface Sealed {
  /** `v1.` + base64url(iv ‖ tag ‖ ciphertext of the JSON). */
  sealed: string
}

const VERSION = 'v1.'
const keys = new Map<string, Buffer>()
function keyOf(secret: string): Buffer {
  let k = keys.get(secret)
  if (!k) {
    k = Buffer.from(crypto.hkdfSync('sha256', secret, 'kenes', 'sealed job payloads v1', 32))
    if (keys.size >= 4) keys.clear() // a secret and a previous one in use; tests make more
    keys.set(secret, k)
  }
  return k
}
const key = () => keyOf(currentConfig().sessionSecret)

export function seal(value: unknown): Sealed {
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', key(), iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return { sealed: VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') }
}

export function isSealed(v: unknown): v is Sealed {
  return typeof v === 'object' && v !== null && typeof (v as Sealed).sealed === 'string'
}

export class UnreadableSealError extends Error {
  constructor() {
    super('sealed value unreadable (tampered, or SESSION_SECRET changed since it was sealed)')
  }
}

/**
 * The value `seal` was given, under SESSION_SECRET or else SESSION_SECRET_PREVIOUS; throws
 * UnreadableSealError for a tampered value or one sealed under another secret.
 */
export function unseal(s: Sealed): unknown {
  if (!s.sealed.startsWith(VERSION)) throw new UnreadableSealError()
  const raw = Buffer.from(s.sealed.slice(VERSION.length), 'base64url')
  if (raw.length < 28) throw new UnreadableSealError()
  const { sessionSecret, sessionSecretPrevious } = currentConfig()
  for (const secret of sessionSecretPrevious ? [sessionSecret, sessionSecretPrevious] : [sessionSecret]) {
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
      return JSON.parse(text) as unknown
    } catch {
      // the other secret, if any
    }
  }
  throw new UnreadableSealError()
}
