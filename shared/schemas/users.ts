import { z } from 'zod'
import { ROLES } from '../permissions.js'
import { AccessibilityPrefs } from './auth.js'
import { LangSchema, ListQuery, ObjectIdString } from './common.js'

export const RoleSchema = z.enum(ROLES)

/** The `user` of API.md "Auth and users" (plus the accessibility preferences the client applies). */
export const PublicUser = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  councilIds: z.array(z.string()),
  locale: LangSchema,
  emailVerified: z.boolean(),
  accessibility: AccessibilityPrefs,
  createdAt: z.string(),
})
export type PublicUser = z.infer<typeof PublicUser>

/** What administrators see in the user list. */
export const AdminUser = PublicUser.extend({
  disabled: z.boolean(),
  lastActiveAt: z.string().nullable(),
})
export type AdminUser = z.infer<typeof AdminUser>

export const UserResponse = z.object({ user: PublicUser })
/** GET /auth/session: who is signed in, `null` for a guest (never a 401). */
export const SessionResponse = z.object({ user: PublicUser.nullable() })
export const AdminUserResponse = z.object({ user: AdminUser })
export const UserPage = z.object({ items: z.array(AdminUser), nextCursor: z.string().nullable() })

export const UserListQuery = ListQuery.extend({
  role: RoleSchema.optional(),
  /** Matches the e-mail or the display name (case-insensitive substring). */
  q: z.string().trim().min(1).max(100).optional(),
})
export type UserListQuery = z.infer<typeof UserListQuery>

export const UpdateUserBody = z.strictObject({
  roles: z.array(RoleSchema).min(1).max(ROLES.length).optional(),
  councilIds: z.array(ObjectIdString).max(100).optional(),
  disabled: z.boolean().optional(),
})
export type UpdateUserBody = z.infer<typeof UpdateUserBody>

/** CSV export of the user list: the list's filters, every matching row (at most 10 000). */
export const UserCsvQuery = UserListQuery.omit({ limit: true, cursor: true })

const AuditFilterFields = {
  action: z.string().trim().min(1).max(100).optional(),
  actorId: ObjectIdString.optional(),
  targetKind: z.string().trim().min(1).max(50).optional(),
  targetId: z.string().trim().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Entries at or after this moment'),
  to: z.iso.datetime({ offset: true }).optional().describe('Entries before this moment'),
}
const fromBeforeTo = (q: { from?: string; to?: string }) => !q.from || !q.to || new Date(q.from) < new Date(q.to)
const rangeIssue = { message: 'invalid_range', path: ['to'] }
export const AuditQuery = ListQuery.extend(AuditFilterFields).refine(fromBeforeTo, rangeIssue)
/** CSV export of the audit log: the same filters, every matching entry (at most 10 000), newest first. */
export const AuditCsvQuery = z.object(AuditFilterFields).refine(fromBeforeTo, rangeIssue)
export const AuditEntry = z.object({
  id: z.string(),
  actorId: z.string().nullable(),
  /** The actor's display name and e-mail now (null for the system or a removed account). */
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.record(z.string(), z.unknown()).nullable(),
  details: z.record(z.string(), z.unknown()),
  at: z.string(),
})
export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })

/**
 * GET /auth/me/data: the account, and one section per module with records of the person
 * (`appeals`, `support`, `events`, `chat`), each an object of lists.
 */
export const MyData = z
  .object({
    exportedAt: z.string(),
    account: PublicUser.extend({ lastLoginAt: z.string().nullable(), lastActiveAt: z.string().nullable() }),
  })
  .catchall(z.record(z.string(), z.unknown()))
export type MyData = z.infer<typeof MyData>
