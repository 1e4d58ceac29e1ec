import 'passport'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Right } from '../../../shared/permissions.js'
import { authRequired } from '../errors.js'
import { assertCan, type Actor, type Scope } from '../policy.js'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's req.user is our Actor (loaded fresh from the database on every request).
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
  }
}

export function actorOf(req: Request): Actor | null {
  return (req.user as Actor | undefined) ?? null
}

export const requireAuth: RequestHandler = (req, _res, next) => next(req.user ? undefined : authRequired())

/**
 * `authorize('news.publish', (req) => ({ councilId: req.params.councilId }))`: 401 for guests,
 * 403 without the right. Scopes that need the resource itself are checked in the service.
 */
export function authorize(right: Right, scope?: (req: Request) => Scope | Promise<Scope>): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      assertCan(actorOf(req), right, scope ? await scope(req) : undefined)
      next()
    } catch (err) {
      next(err)
    }
  }
}
