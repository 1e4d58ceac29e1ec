import { Router } from 'express'
import { IdParams } from '../../../shared/schemas/common.js'
import {
  AdminUserResponse,
  AuditPage,
  AuditQuery,
  UpdateUserBody,
  UserListQuery,
  UserPage,
} from '../../../shared/schemas/users.js'
import { pageAudit } from '../../core/audit.js'
import { actorOf, authorize } from '../../core/auth/middleware.js'
import { input, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import * as users from './users.service.js'

export const usersRouter = Router()

describeRoute({
  method: 'get',
  path: '/users',
  tags: ['users'],
  summary: 'Users, newest first; `role` filters by role, `q` matches e-mail or name',
  auth: 'user.list',
  query: UserListQuery,
  response: UserPage,
})
usersRouter.get('/users', authorize('user.list'), validate({ query: UserListQuery }), async (req, res) => {
  res.json(await users.listUsers(input(req, 'query', UserListQuery)))
})

describeRoute({
  method: 'patch',
  path: '/users/{id}',
  tags: ['users'],
  summary:
    'Change roles, councils or the disabled flag (audit-logged). An admin cannot remove their own admin role or disable themselves (409)',
  auth: 'user.manage',
  params: IdParams,
  body: UpdateUserBody,
  response: AdminUserResponse,
  errors: [404, 409],
})
usersRouter.patch(
  '/users/:id',
  authorize('user.manage'),
  validate({ params: IdParams, body: UpdateUserBody }),
  async (req, res) => {
    const { id } = input(req, 'params', IdParams)
    res.json({ user: await users.updateUser(actorOf(req)!, id, input(req, 'body', UpdateUserBody)) })
  },
)

describeRoute({
  method: 'get',
  path: '/audit',
  tags: ['users'],
  summary: 'The audit log (role changes, moderation, access to personal data), newest first',
  auth: 'audit.read',
  query: AuditQuery,
  response: AuditPage,
})
usersRouter.get('/audit', authorize('audit.read'), validate({ query: AuditQuery }), async (req, res) => {
  res.json(await pageAudit(input(req, 'query', AuditQuery)))
})
