import { Router } from 'express'
import { registerAuthProvider } from '../../core/auth/session.js'
import type { JobHandlers } from '../../core/jobs.js'
import { protectPlainPayloads } from '../../core/jobs-admin.js'
import { log } from '../../core/logger.js'
import type { KenesModule } from '../../core/module.js'
import { erasePersonalData } from '../../core/personal-data.js'
import { configuredLimiter } from '../../core/rate-limit.js'
import { accountRouter } from './account.routes.js'
import { authRouter } from './auth.routes.js'
import { usersRouter } from './users.routes.js'
import {
  ensureAdmin,
  loadActor,
  sendPasswordResetMail,
  sendVerificationMail,
  verifyCredentials,
} from './users.service.js'

registerAuthProvider({ verifyCredentials, loadActor })
/** At most `PASSWORD_FORGOT_MAX_PER_EMAIL_HOUR` reset mails per address and hour; more requests still get 202 but send nothing. */
const perAddress = configuredLimiter('password_forgot_email', (c) => ({
  points: c.limits.forgotPerEmailHour,
  durationSec: 3600,
}))
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'users.password_reset_mail': { email: string }
    /** A new verification link for the account (registration, "send again"); made when the job runs. */
    'users.verification_mail': { userId: string }
    /** A deleted account's name and address, scrubbed from every module's records (users.erasure.ts). */
    'users.erase_copies': { userId: string }
  }
}
const jobs: JobHandlers = {
  'users.password_reset_mail': {
    async run({ email }) {
      try {
        await perAddress().consume(email.toLowerCase())
      } catch {
        return
      }
      await sendPasswordResetMail(email)
    },
    maxAttempts: 3,
  },
  'users.verification_mail': { run: ({ userId }) => sendVerificationMail(userId), maxAttempts: 5 },
  'users.erase_copies': { run: ({ userId }) => erasePersonalData(userId), maxAttempts: 20 },
}

const api = Router()
api.use(authRouter, accountRouter, usersRouter)

export const usersModule: KenesModule = {
  name: 'users',
  jobs,
  api,
  async start({ config }) {
    if (config.adminEmail && config.adminPassword) await ensureAdmin(config.adminEmail, config.adminPassword)
    // Reset jobs queued before their payload (an e-mail address) was sealed.
    const old = await protectPlainPayloads('users.password_reset_mail')
    if (old.sealed || old.erased) log.info(old, 'addresses in password-reset jobs sealed or erased')
  },
}

// The front door: what other modules may use.
export { countUsers } from './users.admin.js'
export { activeUserCounts, recordUserActivity, type ActiveUserCounts } from './users.activity.js'
export {
  councilMemberIds,
  countActiveUsers,
  createUserDirect,
  findCouncilMembers,
  findUserById,
  findUsersByIds,
  findUsersByRole,
  loadActor,
  toPublicUser,
} from './users.service.js'
