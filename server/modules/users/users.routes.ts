import { Router } from 'express'
import { IdParams } from '../../../shared/schemas/common.js'
import {
  AdminUserResponse,
  AuditCsvQuery,
  AuditPage,
  AuditQuery,
  UpdateUserBody,
  UserCsvQuery,
  UserListQuery,
  UserPage,
} from '../../../shared/schemas/users.js'
import type { Response } from 'express'
import { route } from '../../core/route.js'
import { auditCsv, auditPage, usersCsv } from './users.admin.js'
import * as users from './users.service.js'

function sendCsv(res: Response, name: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8')
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`)
  res.setHeader('Cache-Control', 'private, no-store')
  res.send(csv)
}

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
    method: 'get',
    path: '/users.csv',
    auth: 'user.list',
    tags,
    responseType: 'text/csv',
    summary:
      "CSV export of the user list (same `role`/`q` filters, at most 10 000 rows, newest first); headers, roles and council names in the request's language, UTF-8 with BOM",
    query: UserCsvQuery,
  },
  async ({ query, req, res }) => sendCsv(res, 'users.csv', await usersCsv(query, req.lng)),
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
    summary:
      'The audit log (role changes, moderation, access to personal data), newest first; filters: `actorId`, `action`, `targetKind`/`targetId`, `from` (inclusive) and `to` (exclusive) ISO times. Each entry names its actor (`actorName`, `actorEmail`)',
    query: AuditQuery,
    response: AuditPage,
  },
  ({ query }) => auditPage(query),
)

route(
  usersRouter,
  {
    method: 'get',
    path: '/audit.csv',
    auth: 'audit.read',
    tags,
    responseType: 'text/csv',
    summary:
      "CSV export of the audit log (the list's filters, at most 10 000 entries, newest first), headers in the request's language, UTF-8 with BOM",
    query: AuditCsvQuery,
  },
  async ({ query, req, res }) => sendCsv(res, 'audit.csv', await auditCsv(query, req.lng)),
)
