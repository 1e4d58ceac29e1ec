import crypto from 'node:crypto'
import mongoose from 'mongoose'
import type { MyData } from '../../../shared/schemas/users.js'
import { audit } from '../../core/audit.js'
import { destroyUserSessions } from '../../core/auth/session.js'
import { ClaimHeldError, withClaim } from '../../core/claims.js'
import { conflict, notFound } from '../../core/errors.js'
import { enqueueJob, wakeJobWorker } from '../../core/jobs.js'
import { log } from '../../core/logger.js'
import { dropQueuedMailTo } from '../../core/mail.js'
import { ERASED_NAME, erasedAddress, exportPersonalData } from '../../core/personal-data.js'
import type { Actor } from '../../core/policy.js'
import { hashPassword, toPublicUser, verifyPassword } from './users.service.js'
import { User, UserToken, type UserDoc } from './users.model.js'

/** When the copies are scrubbed a second time (longer than any request in flight). */
export const SECOND_PASS_MS = 5 * 60_000

/**
 * "Download my data" and "delete my account". The account is scrubbed at once (it can no longer
 * sign in, and its address is free to register again); the copies of the name and address in
 * other modules' records are scrubbed by a job (`users.erase_copies`), retried until every module
 * has done its part. What stays is what is part of a council's work (an appeal's text, a chat
 * message, attendance counted by the indicators), under an id that no longer names anyone.
 */
export async function exportMyData(actor: Actor): Promise<MyData> {
  const doc = await User.findById(actor.id).lean<UserDoc>()
  if (!doc) throw notFound('user')
  return {
    exportedAt: new Date().toISOString(),
    account: {
      ...toPublicUser(doc),
      lastLoginAt: doc.lastLoginAt?.toISOString() ?? null,
      lastActiveAt: doc.lastActiveAt?.toISOString() ?? null,
    },
    ...(await exportPersonalData(actor.id)),
  } as MyData // the sections sit beside `exportedAt` and `account`, which zod's catchall type cannot say
}

/** The person's password, asked again before the account goes (false: wrong). */
export async function passwordMatches(actor: Actor, password: string): Promise<boolean> {
  const doc = await User.findById(actor.id).lean<UserDoc>()
  if (!doc || doc.erasedAt) throw notFound('user')
  return verifyPassword(doc.passwordHash, password)
}

/** Erases the account (the password was checked); 409 `users.last_admin` for the only enabled administrator. */
export async function eraseAccount(actor: Actor): Promise<void> {
  const doc = await User.findById(actor.id).lean<UserDoc>()
  if (!doc || doc.erasedAt) throw notFound('user')
  // One erasure of an administrator at a time, so two cannot each leave the other as the last.
  const scrub = () => scrubAccount(doc)
  if (doc.roles.includes('admin')) await oneAtATime(() => withClaim('users.admin_erasure', 60_000, scrub))
  else await scrub()
}

/** Waits (up to 10 s) while another administrator's erasure holds the claim. */
async function oneAtATime(work: () => Promise<void>): Promise<void> {
  for (let waited = 0; ; waited += 50) {
    try {
      return await work()
    } catch (err) {
      if (!(err instanceof ClaimHeldError)) throw err
      if (waited >= 10_000) throw conflict()
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

async function scrubAccount(doc: UserDoc): Promise<void> {
  const id = String(doc._id)
  if (doc.roles.includes('admin')) {
    const others = await User.countDocuments({
      _id: mongoose.trusted({ $ne: doc._id }),
      roles: 'admin',
      disabled: mongoose.trusted({ $ne: true }),
    })
    if (others === 0) throw conflict('users.last_admin')
  }
  const secret = await hashPassword(crypto.randomBytes(32).toString('hex'))
  // The account and the job that scrubs its copies: both or neither (a crash between would leave copies).
  await mongoose.connection.transaction(async (session) => {
    const res = await User.updateOne(
      { _id: doc._id, erasedAt: null },
      {
        $set: {
          email: erasedAddress(id),
          displayName: ERASED_NAME,
          // Nobody knows this password: the account cannot be signed in to, even by an administrator.
          passwordHash: secret,
          roles: [],
          councilIds: [],
          disabled: true,
          emailVerified: false,
          lockedUntil: null,
          erasedAt: new Date(),
        },
        $unset: { accessibility: 1 },
      },
      { session },
    )
    if (res.matchedCount !== 1) throw notFound('user') // erased meanwhile by another request
    await enqueueJob('users.erase_copies', { userId: id }, { session })
    // Again later: a request that had the account before it went (a registration, a chat message
    // from an open socket) may still write its name after the first pass.
    await enqueueJob('users.erase_copies', { userId: id }, { session, runAt: new Date(Date.now() + SECOND_PASS_MS) })
  })
  wakeJobWorker()
  await audit({ actorId: id, action: 'user.erased', target: { kind: 'user', id }, details: {} })
  await UserToken.deleteMany({ userId: doc._id })
  await destroyUserSessions(id)
  // Best effort: the account is gone whatever happens here (a retry job fails later on the placeholder).
  await dropQueuedMailTo(doc.email).catch((err: unknown) => log.warn({ err }, 'queued mails of an erased account'))
}
