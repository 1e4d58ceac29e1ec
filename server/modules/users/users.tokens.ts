// E-mailed links: address verification and password reset. A token is stored only as its SHA-256
// and is used once; a new link of the same kind replaces the older unused ones.
import crypto from 'node:crypto'
import mongoose from 'mongoose'
import type { Lang } from '../../../shared/schemas/common.js'
import { destroyUserSessions } from '../../core/auth/session.js'
import { currentConfig } from '../../core/config.js'
import { AppError } from '../../core/errors.js'
import { enqueueJob } from '../../core/jobs.js'
import { sendMail } from '../../core/mail.js'
import { User, UserToken, type UserDoc } from './users.model.js'
import { hashPassword } from './users.service.js'

const HOUR_MS = 3600_000
export const VERIFY_TOKEN_TTL_MS = 24 * HOUR_MS
export const RESET_TOKEN_TTL_MS = HOUR_MS

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')

async function issueToken(
  userId: mongoose.Types.ObjectId | string,
  kind: 'verify_email' | 'reset_password',
  ttlMs: number,
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url')
  // A new link replaces older unused ones of the same kind.
  await UserToken.updateMany({ userId, kind, usedAt: null }, { $set: { usedAt: new Date() } })
  await UserToken.create({ userId, kind, tokenHash: sha256(token), expiresAt: new Date(Date.now() + ttlMs) })
  return token
}

/** Marks the token used and returns its user id, or throws 400 `auth.invalid_token`. */
async function consumeToken(token: string, kind: 'verify_email' | 'reset_password'): Promise<mongoose.Types.ObjectId> {
  const now = new Date()
  const doc = await UserToken.findOneAndUpdate(
    { tokenHash: sha256(token), kind, usedAt: null, expiresAt: mongoose.trusted({ $gt: now }) },
    { $set: { usedAt: now } },
    { returnDocument: 'after' },
  ).lean<{ userId: mongoose.Types.ObjectId }>()
  if (!doc) throw new AppError(400, 'auth.invalid_token')
  return doc.userId
}

/** Queues the verification mail; the link is made when the job runs, so no token waits in the queue. */
export async function queueVerificationMail(userId: string): Promise<void> {
  await enqueueJob('users.verification_mail', { userId })
}

/** Issues a one-use token and e-mails its link (`/<page>?token=`) to the account, in its language. */
async function mailTokenLink(
  doc: UserDoc,
  kind: 'verify_email' | 'reset_password',
  ttlMs: number,
  page: string,
  template: string,
  vars: Record<string, unknown>,
): Promise<void> {
  const token = await issueToken(doc._id, kind, ttlMs)
  await sendMail({
    to: doc.email,
    lng: (doc.locale ?? 'kk') as Lang,
    template,
    vars: { name: doc.displayName, link: `${currentConfig().publicUrl}/${page}?token=${token}`, ...vars },
  })
}

export async function sendVerificationMail(userId: string): Promise<void> {
  const doc = await User.findById(userId).lean<UserDoc>()
  if (!doc || doc.emailVerified) return
  await mailTokenLink(doc, 'verify_email', VERIFY_TOKEN_TTL_MS, 'verify-email', 'auth:email.verify', { hours: 24 })
}

export async function verifyEmail(token: string): Promise<void> {
  const userId = await consumeToken(token, 'verify_email')
  await User.updateOne({ _id: userId }, { $set: { emailVerified: true } })
}

/** Runs in a job so the HTTP answer (always 202) takes the same time whether or not the account exists. */
export async function sendPasswordResetMail(email: string): Promise<void> {
  const doc = await User.findOne({ email: email.trim().toLowerCase() }).lean<UserDoc>()
  if (!doc || doc.disabled) return
  await mailTokenLink(doc, 'reset_password', RESET_TOKEN_TTL_MS, 'reset-password', 'auth:email.reset', { minutes: 60 })
}

/** Sets the new password, proves the address (the link reached it) and ends every other session. */
export async function resetPassword(token: string, password: string): Promise<string> {
  const userId = await consumeToken(token, 'reset_password')
  await User.updateOne(
    { _id: userId },
    { $set: { passwordHash: await hashPassword(password), emailVerified: true, lockedUntil: null } },
  )
  await destroyUserSessions(String(userId))
  return String(userId)
}
