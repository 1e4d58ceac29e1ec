import { Router } from 'express'
import { EraseAccountBody } from '../../../shared/schemas/auth.js'
import { MyData } from '../../../shared/schemas/users.js'
import { logOut } from '../../core/auth/session.js'
import { currentConfig } from '../../core/config.js'
import { validationFailed } from '../../core/errors.js'
import { createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { actorOf } from '../../core/auth/middleware.js'
import { recordFailure, recordSuccess, reserveAttempt } from './login-guard.js'
import { eraseAccount, exportMyData, passwordMatches } from './users.erasure.js'

/** The signed-in person's own data (extensions: API.md is silent on them). */
export const accountRouter = Router()
const tags = ['auth']
const ipOf = (req: { ip?: string }) => req.ip ?? 'unknown'
/** An export reads every module: a few an hour is plenty for a person, and stops a loop. */
export const EXPORTS_PER_HOUR = 10
const exportLimiter = createRateLimiter({ name: 'my_data_export', points: EXPORTS_PER_HOUR, durationSec: 3600 })

route(
  accountRouter,
  {
    method: 'get',
    path: '/auth/me/data',
    auth: 'user',
    tags,
    summary:
      'Download my data: the account and every module’s records of the signed-in person (appeals and the answers written for a council, support tickets and answers as staff, event registrations, chat messages), as a JSON attachment. At most 10 an hour (429)',
    response: MyData,
    errors: [429],
    use: [rateLimit(exportLimiter, (req) => actorOf(req)!.id)],
  },
  async ({ actor, res }) => {
    const data = await exportMyData(actor)
    res.setHeader('Cache-Control', 'private, no-store')
    res.attachment(`kenes-my-data-${new Date().toISOString().slice(0, 10)}.json`)
    return data
  },
)

route(
  accountRouter,
  {
    method: 'post',
    path: '/auth/me/erase',
    auth: 'user',
    tags,
    summary:
      'Delete my account, with the password (400 `body.password` `wrong_password`; tries count toward the sign-in lockout): it can no longer sign in, the address may register again, and the name and address are removed from appeals, support tickets, event registrations (future ones are cancelled) and chat messages; texts that are part of a council’s work stay without a name. The only administrator cannot (409 `users.last_admin`). Signs out',
    body: EraseAccountBody,
    status: 204,
    errors: [400, 404, 409, 429],
  },
  async ({ actor, body, req, res }) => {
    const config = currentConfig()
    // A stolen session must not be a way to guess the password: the sign-in lockout counts these too.
    await reserveAttempt(config, actor.email, ipOf(req))
    // Any answer but a wrong password gives the attempt back (already erased: 404; the last administrator: 409).
    const matches = await passwordMatches(actor, body.password).catch(async (err: unknown) => {
      await recordSuccess(config, actor.email, ipOf(req))
      throw err
    })
    if (!matches) {
      await recordFailure(config, actor.email)
      throw validationFailed([{ path: 'body.password', code: 'wrong_password' }])
    }
    // The right password gives its attempt back, whatever happens next (409 for the last administrator).
    await recordSuccess(config, actor.email, ipOf(req))
    await eraseAccount(actor)
    await logOut(req, res)
  },
)
