import { Router } from 'express'
import {
  ChangePasswordBody,
  CsrfResponse,
  ForgotPasswordBody,
  LoginBody,
  RegisterBody,
  ResetPasswordBody,
  UpdateMeBody,
  VerifyEmailBody,
} from '../../../shared/schemas/auth.js'
import { UserResponse } from '../../../shared/schemas/users.js'
import { csrfTokenFor } from '../../core/auth/csrf.js'
import { actorOf, requireAuth } from '../../core/auth/middleware.js'
import { authenticateLocal, logIn, logOut } from '../../core/auth/session.js'
import { currentConfig } from '../../core/config.js'
import { AppError, validationFailed } from '../../core/errors.js'
import { input, validate } from '../../core/http.js'
import { enqueueJob } from '../../core/jobs.js'
import { describeRoute } from '../../core/openapi.js'
import { createRateLimiter, rateLimit, type RateLimiter } from '../../core/rate-limit.js'
import { assertNotLocked, recordFailure, recordSuccess } from './login-guard.js'
import * as users from './users.service.js'

export const authRouter = Router()
const ipOf = (req: { ip?: string }) => req.ip ?? 'unknown'

let registerLimiter: { max: number; limiter: RateLimiter } | undefined
function registerLimit(): RateLimiter {
  const max = currentConfig().registerMaxPerIpHour
  if (registerLimiter?.max !== max)
    registerLimiter = { max, limiter: createRateLimiter({ name: 'register_ip', points: max, durationSec: 3600 }) }
  return registerLimiter.limiter
}
/** Reset mails per IP (mail bombing); per address they are silently capped in the job. */
const forgotLimiter = createRateLimiter({ name: 'password_forgot_ip', points: 20, durationSec: 3600 })

describeRoute({
  method: 'get',
  path: '/auth/csrf',
  tags: ['auth'],
  summary: 'The CSRF token of this session (send it as X-CSRF-Token on unsafe requests made with the session cookie)',
  response: CsrfResponse,
})
authRouter.get('/auth/csrf', (req, res) => {
  res.setHeader('Cache-Control', 'no-store')
  res.json({ csrfToken: csrfTokenFor(req) })
})

describeRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['auth'],
  summary: 'Create a citizen account; signs the new user in (session cookie) and e-mails a verification link',
  body: RegisterBody,
  response: UserResponse,
  status: 201,
  errors: [409, 429],
})
authRouter.post(
  '/auth/register',
  rateLimit(registerLimit, ipOf),
  validate({ body: RegisterBody }),
  async (req, res) => {
    const { user, actor } = await users.register(input(req, 'body', RegisterBody), req.lng)
    await logIn(req, actor)
    res.status(201).json({ user })
  },
)

describeRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary:
    'Sign in; sets the session cookie (a new session id). Repeated failures are slowed, then 429 `auth.locked` with `retryAfterSec`',
  body: LoginBody,
  response: UserResponse,
  errors: [401, 403, 429],
})
authRouter.post('/auth/login', validate({ body: LoginBody }), async (req, res) => {
  const config = currentConfig()
  const body = input(req, 'body', LoginBody)
  await assertNotLocked(config, body.email, ipOf(req))
  req.body = body // passport-local reads req.body: give it the checked, normalized values
  const actor = await authenticateLocal(req, res)
  if (!actor) {
    await recordFailure(config, body.email, ipOf(req))
    throw new AppError(401, 'auth.invalid_credentials')
  }
  await recordSuccess(config, body.email)
  res.json({ user: await users.findUserById(actor.id) })
})

describeRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'Sign out (the session is destroyed)',
  auth: 'user',
  status: 204,
})
authRouter.post('/auth/logout', requireAuth, async (req, res) => {
  await logOut(req, res)
  res.status(204).end()
})

describeRoute({
  method: 'get',
  path: '/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  auth: 'user',
  response: UserResponse,
})
authRouter.get('/auth/me', requireAuth, async (req, res) => {
  res.setHeader('Cache-Control', 'no-store')
  res.json({ user: await users.findUserById(actorOf(req)!.id) })
})

describeRoute({
  method: 'patch',
  path: '/auth/me',
  tags: ['auth'],
  summary: "Change one's own display name, language and accessibility preferences",
  auth: 'user',
  body: UpdateMeBody,
  response: UserResponse,
})
authRouter.patch('/auth/me', requireAuth, validate({ body: UpdateMeBody }), async (req, res) => {
  res.json({ user: await users.updateMe(actorOf(req)!, input(req, 'body', UpdateMeBody)) })
})

describeRoute({
  method: 'post',
  path: '/auth/verify-email',
  tags: ['auth'],
  summary: 'Confirm the e-mail address with the token from the e-mailed link (single use, 24 h)',
  body: VerifyEmailBody,
  status: 204,
})
authRouter.post('/auth/verify-email', validate({ body: VerifyEmailBody }), async (req, res) => {
  await users.verifyEmail(input(req, 'body', VerifyEmailBody).token)
  res.status(204).end()
})

describeRoute({
  method: 'post',
  path: '/auth/password/forgot',
  tags: ['auth'],
  summary: 'E-mail a password-reset link (valid 1 h); 202 whether or not the address has an account',
  body: ForgotPasswordBody,
  status: 202,
  errors: [429],
})
authRouter.post(
  '/auth/password/forgot',
  rateLimit(forgotLimiter, ipOf),
  validate({ body: ForgotPasswordBody }),
  async (req, res) => {
    // The lookup and the mail happen in a job: the answer does not depend on the account existing.
    await enqueueJob('users.password_reset_mail', { email: input(req, 'body', ForgotPasswordBody).email })
    res.status(202).end()
  },
)

describeRoute({
  method: 'post',
  path: '/auth/password/reset',
  tags: ['auth'],
  summary: "Set a new password with the token from the e-mailed link (single use); ends the user's sessions",
  body: ResetPasswordBody,
  status: 204,
})
authRouter.post('/auth/password/reset', validate({ body: ResetPasswordBody }), async (req, res) => {
  const body = input(req, 'body', ResetPasswordBody)
  await users.resetPassword(body.token, body.password)
  res.status(204).end()
})

/** Verification mails a signed-in user may ask for again. */
const resendLimiter = createRateLimiter({ name: 'verify_resend_user', points: 3, durationSec: 3600 })
describeRoute({
  method: 'post',
  path: '/auth/verify-email/resend',
  tags: ['auth'],
  summary: 'E-mail a new verification link to the signed-in user (3 an hour; nothing is sent when already verified)',
  auth: 'user',
  status: 202,
  errors: [429],
})
authRouter.post(
  '/auth/verify-email/resend',
  requireAuth,
  rateLimit(resendLimiter, (req) => actorOf(req)!.id),
  async (req, res) => {
    await users.sendVerificationMail(actorOf(req)!.id)
    res.status(202).end()
  },
)

describeRoute({
  method: 'post',
  path: '/auth/password/change',
  tags: ['auth'],
  summary:
    "Change one's password with the current one (400 with `body.currentPassword` `wrong_password` otherwise); ends the user's other sessions",
  auth: 'user',
  body: ChangePasswordBody,
  status: 204,
  errors: [429],
})
authRouter.post('/auth/password/change', requireAuth, validate({ body: ChangePasswordBody }), async (req, res) => {
  const config = currentConfig()
  const actor = actorOf(req)!
  const body = input(req, 'body', ChangePasswordBody)
  // A stolen session must not be a way around the login lockout.
  await assertNotLocked(config, actor.email, ipOf(req))
  if (!(await users.changePassword(actor, body.currentPassword, body.newPassword, req.sessionID))) {
    await recordFailure(config, actor.email, ipOf(req))
    throw validationFailed([{ path: 'body.currentPassword', code: 'wrong_password' }])
  }
  res.status(204).end()
})
