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
import { SessionResponse, UserResponse } from '../../../shared/schemas/users.js'
import { csrfTokenFor } from '../../core/auth/csrf.js'
import { actorOf } from '../../core/auth/middleware.js'
import { authenticateLocal, logIn, logOut } from '../../core/auth/session.js'
import { currentConfig } from '../../core/config.js'
import { AppError, conflict, validationFailed } from '../../core/errors.js'
import { enqueueJob } from '../../core/jobs.js'
import { checkToken, configuredLimiter, createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { recordFailure, recordSuccess, reserveAttempt } from './login-guard.js'
import * as users from './users.service.js'

export const authRouter = Router()
const tags = ['auth']
const ipOf = (req: { ip?: string }) => req.ip ?? 'unknown'

const registerLimit = configuredLimiter('register_ip', (c) => ({ points: c.registerMaxPerIpHour, durationSec: 3600 }))
/** Reset mails per IP (mail bombing); per address they are silently capped in the job. */
const forgotLimiter = configuredLimiter('password_forgot_ip', (c) => ({
  points: c.limits.forgotPerIpHour,
  durationSec: 3600,
}))

route(
  authRouter,
  {
    method: 'get',
    path: '/auth/csrf',
    auth: 'public',
    tags,
    summary: 'The CSRF token of this session (send it as X-CSRF-Token on unsafe requests made with the session cookie)',
    response: CsrfResponse,
  },
  ({ req, res }) => {
    res.setHeader('Cache-Control', 'no-store')
    return { csrfToken: csrfTokenFor(req) }
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/register',
    auth: 'public',
    tags,
    summary:
      'Create a citizen account; signs the new user in (session cookie) and e-mails a verification link. 409 `auth.already_signed_in` for a signed-in caller (sign out first: the session is never silently replaced)',
    body: RegisterBody,
    response: UserResponse,
    status: 201,
    errors: [409, 429],
    before: [rateLimit(registerLimit, ipOf)],
  },
  async ({ actor: current, body, req }) => {
    if (current) throw conflict('auth.already_signed_in')
    const { user, actor } = await users.register(body, req.lng)
    await logIn(req, actor)
    return { user }
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/login',
    auth: 'public',
    tags,
    summary:
      'Sign in; sets the session cookie (a new session id). Repeated failures are slowed, then 429 `auth.locked` with `retryAfterSec`',
    body: LoginBody,
    response: UserResponse,
    errors: [401, 403, 429],
  },
  async ({ body, req, res }) => {
    const config = currentConfig()
    await reserveAttempt(config, body.email, ipOf(req))
    req.body = body // passport-local reads req.body: give it the checked, normalized values
    const actor = await authenticateLocal(req, res)
    if (!actor) {
      await recordFailure(config, body.email)
      throw new AppError(401, 'auth.invalid_credentials')
    }
    await recordSuccess(config, body.email, ipOf(req))
    return { user: await users.findUserById(actor.id) }
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/logout',
    auth: 'user',
    tags,
    summary: 'Sign out (the session is destroyed)',
    status: 204,
  },
  async ({ req, res }) => {
    await logOut(req, res)
  },
)

route(
  authRouter,
  {
    method: 'get',
    path: '/auth/me',
    auth: 'user',
    tags,
    summary: 'The signed-in user',
    response: UserResponse,
  },
  async ({ actor, res }) => {
    res.setHeader('Cache-Control', 'no-store')
    return { user: await users.findUserById(actor.id) }
  },
)

route(
  authRouter,
  {
    method: 'get',
    path: '/auth/session',
    auth: 'public',
    tags,
    summary:
      'Who is signed in, for clients probing on page load: `{ user }` when signed in, `{ user: null }` for a guest (200 either way; GET /auth/me answers a guest 401)',
    response: SessionResponse,
  },
  async ({ actor, res }) => {
    res.setHeader('Cache-Control', 'no-store')
    return { user: actor ? await users.findUserById(actor.id) : null }
  },
)

route(
  authRouter,
  {
    method: 'patch',
    path: '/auth/me',
    auth: 'user',
    tags,
    summary: "Change one's own display name, language and accessibility preferences",
    body: UpdateMeBody,
    response: UserResponse,
  },
  async ({ actor, body }) => ({ user: await users.updateMe(actor, body) }),
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/verify-email',
    auth: 'public',
    tags,
    summary: 'Confirm the e-mail address with the token from the e-mailed link (single use, 24 h)',
    body: VerifyEmailBody,
    status: 204,
    errors: [429],
  },
  async ({ body, req }) => {
    await checkToken(ipOf(req), () => users.verifyEmail(body.token))
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/password/forgot',
    auth: 'public',
    tags,
    summary: 'E-mail a password-reset link (valid 1 h); 202 whether or not the address has an account',
    body: ForgotPasswordBody,
    status: 202,
    errors: [429],
    before: [rateLimit(forgotLimiter, ipOf)],
  },
  async ({ body }) => {
    // The lookup and the mail happen in a job: the answer does not depend on the account existing.
    await enqueueJob('users.password_reset_mail', { email: body.email }, { sealed: true })
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/password/reset',
    auth: 'public',
    tags,
    summary: "Set a new password with the token from the e-mailed link (single use); ends the user's sessions",
    body: ResetPasswordBody,
    status: 204,
    errors: [429],
  },
  async ({ body, req }) => {
    await checkToken(ipOf(req), () => users.resetPassword(body.token, body.password))
  },
)

/** Verification mails a signed-in user may ask for again. */
const resendLimiter = createRateLimiter({ name: 'verify_resend_user', points: 3, durationSec: 3600 })
route(
  authRouter,
  {
    method: 'post',
    path: '/auth/verify-email/resend',
    auth: 'user',
    tags,
    summary: 'E-mail a new verification link to the signed-in user (3 an hour; nothing is sent when already verified)',
    status: 202,
    errors: [429],
    use: [rateLimit(resendLimiter, (req) => actorOf(req)?.id ?? '')],
  },
  async ({ actor }) => {
    await users.queueVerificationMail(actor.id)
  },
)

route(
  authRouter,
  {
    method: 'post',
    path: '/auth/password/change',
    auth: 'user',
    tags,
    summary:
      "Change one's password with the current one (400 with `body.currentPassword` `wrong_password` otherwise); ends the user's other sessions",
    body: ChangePasswordBody,
    status: 204,
    errors: [429],
  },
  async ({ actor, body, req }) => {
    const config = currentConfig()
    // A stolen session must not be a way around the login lockout.
    await reserveAttempt(config, actor.email, ipOf(req))
    if (!(await users.changePassword(actor, body.currentPassword, body.newPassword, req.sessionID))) {
      await recordFailure(config, actor.email)
      throw validationFailed([{ path: 'body.currentPassword', code: 'wrong_password' }])
    }
    await recordSuccess(config, actor.email, ipOf(req))
  },
)
