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
import { route } from '../../core/route.js'
import * as users from './users.service.js'

export const usersRouter = Router()
const tags = ['users']

route(
  usersRouter,
  {
    method: 'get',
    path: '/users',
    auth: 'user.list',
    tags,
    summary: 'Users, newest first; `role` filters by role, `q` matches e-mail or name',
    query: UserListQuery,
    response: UserPage,
  },
  ({ query }) => users.listUsers(query),
)

route(
  usersRouter,
  {
    method: 'patch',
    path: '/users/{id}',
    auth: 'user.manage',
    tags,
    summary:
      'Change roles, councils or the disabled flag (audit-logged). An admin cannot remove their own admin role or disable themselves (409)',
    params: IdParams,
    body: UpdateUserBody,
    response: AdminUserResponse,
    errors: [404, 409],
  },
  async ({ actor, params, body }) => ({ user: await users.updateUser(actor, params.id, body) }),
)

route(
  usersRouter,
  {
    method: 'get',
    path: '/audit',
    auth: 'audit.read',
    tags,
    summary: 'The audit log (role changes, moderation, access to personal data), newest first',
    query: AuditQuery,
    response: AuditPage,
  },
  ({ query }) => pageAudit(query),
)
