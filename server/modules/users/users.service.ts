import crypto from 'node:crypto'
import mongoose from 'mongoose'
import { t } from '../../core/i18n.js'
import { hash, verify } from '@node-rs/argon2'
import type { Role } from '../../../shared/permissions.js'
import { DEFAULT_ACCESSIBILITY, type RegisterBody, type UpdateMeBody } from '../../../shared/schemas/auth.js'
import type { Lang, Page } from '../../../shared/schemas/common.js'
import type { AdminUser, PublicUser, UpdateUserBody, UserListQuery } from '../../../shared/schemas/users.js'
import { audit } from '../../core/audit.js'
import { accessChanged } from '../../core/auth/revocation.js'
import { destroyUserSessions } from '../../core/auth/session.js'
import { AppError, conflict, isDuplicateKey, notFound, validationFailed, type FieldError } from '../../core/errors.js'
import { keysetPage } from '../../core/paging.js'
import { log } from '../../core/logger.js'
import type { Actor } from '../../core/policy.js'
import { findLiveCouncil } from '../councils/index.js'
import { noteUserActivity } from './users.activity.js'
import { queueVerificationMail } from './users.tokens.js'
import { userFilter } from './users.admin.js'
import { User, UserToken, type UserDoc } from './users.model.js'

const HOUR_MS = 3600_000

// ---------- passwords ----------
/** argon2id with the library defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export const hashPassword = (password: string): Promise<string> => hash(password)
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
/** Verified against when the e-mail is unknown, so both cases take about as long. */
let dummyHash: Promise<string> | undefined
const dummy = () => (dummyHash ??= hash(crypto.randomBytes(16).toString('hex')))

// ---------- shapes ----------
type AnyUser = UserDoc | (mongoose.Document & UserDoc)
const plain = (doc: AnyUser): UserDoc =>
  (doc as { toObject?: () => UserDoc }).toObject ? (doc as { toObject: () => UserDoc }).toObject() : (doc as UserDoc)
const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null)

export function toPublicUser(doc: AnyUser): PublicUser {
  const u = plain(doc)
  return {
    id: String(u._id),
    email: u.email,
    displayName: u.displayName,
    roles: [...(u.roles ?? [])] as Role[],
    councilIds: (u.councilIds ?? []).map(String),
    locale: (u.locale ?? 'kk') as Lang,
    emailVerified: Boolean(u.emailVerified),
    accessibility: { ...DEFAULT_ACCESSIBILITY, ...pickAccessibility(u.accessibility) },
    createdAt: iso(u.createdAt)!,
  }
}
function pickAccessibility(a: UserDoc['accessibility'] | undefined) {
  if (!a) return {}
  return { fontScale: a.fontScale ?? 1, highContrast: Boolean(a.highContrast), hideImages: Boolean(a.hideImages) }
}
export function toAdminUser(doc: AnyUser): AdminUser {
  const u = plain(doc)
  return { ...toPublicUser(u), disabled: Boolean(u.disabled), lastActiveAt: iso(u.lastActiveAt) }
}
export function toActor(doc: AnyUser): Actor {
  const u = toPublicUser(doc)
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    councilIds: u.councilIds,
    locale: u.locale,
    emailVerified: u.emailVerified,
  }
}

// ---------- lookups for other modules ----------
const validId = (id: unknown): id is string =>
  typeof id === 'string' && mongoose.isValidObjectId(id) && /^[0-9a-f]{24}$/i.test(id)

export async function findUserById(id: string): Promise<PublicUser | null> {
  if (!validId(id)) return null
  const doc = await User.findById(id).lean<UserDoc>()
  return doc ? toPublicUser(doc) : null
}
export async function findUsersByIds(ids: string[]): Promise<PublicUser[]> {
  const valid = [...new Set(ids.map(String))].filter(validId)
  if (!valid.length) return []
  const docs = await User.find({ _id: mongoose.trusted({ $in: valid }) }).lean<UserDoc[]>()
  return docs.map(toPublicUser)
}
/** Users with role council_member in that council (active accounts only): who to notify. */
export async function findCouncilMembers(
  councilId: string,
): Promise<{ id: string; email: string; displayName: string; locale: Lang }[]> {
  if (!validId(councilId)) return []
  const docs = await User.find({
    roles: 'council_member',
    councilIds: new mongoose.Types.ObjectId(councilId),
    disabled: false,
  }).lean<UserDoc[]>()
  return docs.map((d) => ({
    id: String(d._id),
    email: d.email,
    displayName: d.displayName,
    locale: (d.locale ?? 'kk') as Lang,
  }))
}

/** Active (not disabled) users holding a role, e.g. every moderator to tell about a new video. */
export async function findUsersByRole(
  role: Role,
): Promise<{ id: string; email: string; displayName: string; locale: Lang }[]> {
  const docs = await User.find({ roles: role, disabled: false }).sort({ _id: 1 }).lean<UserDoc[]>()
  return docs.map((d) => ({
    id: String(d._id),
    email: d.email,
    displayName: d.displayName,
    locale: (d.locale ?? 'kk') as Lang,
  }))
}

// ---------- creation ----------
export interface CreateUserInput {
  email: string
  password: string
  displayName?: string
  roles?: Role[]
  councilIds?: string[]
  locale?: Lang
  emailVerified?: boolean
}
/** Creates a user as given (tests, seeding, the first admin): no mail, no checks beyond the schema. */
export async function createUserDirect(input: CreateUserInput): Promise<PublicUser> {
  const email = input.email.trim().toLowerCase()
  try {
    const doc = await User.create({
      email,
      passwordHash: await hashPassword(input.password),
      displayName: input.displayName ?? email.split('@')[0],
      roles: input.roles ?? ['citizen'],
      councilIds: (input.councilIds ?? []).map((id) => new mongoose.Types.ObjectId(id)),
      locale: input.locale ?? 'kk',
      emailVerified: input.emailVerified ?? false,
    })
    return toPublicUser(doc)
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError(409, 'auth.email_taken')
    throw err
  }
}

/** Self-registration: always a citizen; a verification link is e-mailed (a queued job: SMTP is not waited for). */
export async function register(body: RegisterBody, lng: Lang): Promise<{ user: PublicUser; actor: Actor }> {
  const user = await createUserDirect({
    email: body.email,
    password: body.password,
    displayName: body.displayName,
    locale: body.locale ?? lng,
    roles: ['citizen'],
  })
  await queueVerificationMail(user.id)
  const doc = await User.findById(user.id).lean<UserDoc>()
  return { user, actor: toActor(doc!) }
}

// ---------- sessions ----------
/** For passport's local strategy: null for an unknown e-mail or a wrong password (same timing). */
export async function verifyCredentials(email: string, password: string): Promise<Actor | null> {
  const doc = await User.findOne({ email: String(email).trim().toLowerCase() }).lean<UserDoc>()
  if (!doc) {
    await verifyPassword(await dummy(), password)
    return null
  }
  if (!(await verifyPassword(doc.passwordHash, password))) return null
  if (doc.disabled) throw new AppError(403, 'auth.disabled')
  await noteUserActivity(String(doc._id))
  const now = new Date()
  await User.updateOne(
    { _id: doc._id },
    { $set: { lastLoginAt: now, lastActiveAt: now, lockedUntil: null } },
    { timestamps: false },
  )
  return toActor(doc)
}

/** For passport's deserializer: the user fresh from the database, or null (gone, disabled). */
export async function loadActor(id: string): Promise<Actor | null> {
  if (!validId(id)) return null
  const doc = await User.findById(id).lean<UserDoc>()
  if (!doc || doc.disabled) return null
  await noteUserActivity(id)
  const now = Date.now()
  if (!doc.lastActiveAt || now - new Date(doc.lastActiveAt).getTime() > HOUR_MS) {
    // "Active users" counts people who did anything signed in; hourly resolution is plenty.
    void User.updateOne({ _id: doc._id }, { $set: { lastActiveAt: new Date(now) } }, { timestamps: false }).catch(
      (err) => log.warn({ err }, 'lastActiveAt update failed'),
    )
  }
  return toActor(doc)
}

export async function markLocked(email: string, until: Date): Promise<void> {
  await User.updateOne({ email: email.toLowerCase() }, { $set: { lockedUntil: until } }, { timestamps: false })
}

/** Number of accounts active (signed-in activity) since a date: the grant's indicator 1. */
export async function countActiveUsers(from: Date, to: Date = new Date()): Promise<number> {
  return User.countDocuments({ lastActiveAt: mongoose.trusted({ $gte: from, $lt: to }) })
}

// ---------- e-mailed tokens ----------
// Verification and reset links: users.tokens.ts.
export {
  queueVerificationMail,
  resetPassword,
  sendPasswordResetMail,
  sendVerificationMail,
  verifyEmail,
} from './users.tokens.js'

// ---------- self-service ----------
/** Checks the current password; on success sets the new one and ends the user's other sessions. */
export async function changePassword(
  actor: Actor,
  currentPassword: string,
  newPassword: string,
  keepSessionId: string,
): Promise<boolean> {
  const doc = await User.findById(actor.id).lean<UserDoc>()
  if (!doc) throw notFound('user')
  if (!(await verifyPassword(doc.passwordHash, currentPassword))) return false
  await User.updateOne({ _id: doc._id }, { $set: { passwordHash: await hashPassword(newPassword) } })
  // A reset link still in a mailbox would otherwise undo the change for whoever reads it.
  await UserToken.updateMany(
    { userId: doc._id, kind: 'reset_password', usedAt: null },
    { $set: { usedAt: new Date() } },
  )
  await destroyUserSessions(actor.id, keepSessionId)
  return true
}

export async function updateMe(actor: Actor, body: UpdateMeBody): Promise<PublicUser> {
  const set: Record<string, unknown> = {}
  if (body.displayName !== undefined) set.displayName = body.displayName
  if (body.locale !== undefined) set.locale = body.locale
  for (const [k, v] of Object.entries(body.accessibility ?? {})) if (v !== undefined) set[`accessibility.${k}`] = v
  const doc = Object.keys(set).length
    ? await User.findByIdAndUpdate(actor.id, { $set: set }, { returnDocument: 'after' }).lean<UserDoc>()
    : await User.findById(actor.id).lean<UserDoc>()
  if (!doc) throw notFound('user')
  return toPublicUser(doc)
}

// ---------- administration ----------
export async function listUsers(q: UserListQuery): Promise<Page<AdminUser>> {
  return keysetPage({
    filter: userFilter(q),
    field: 'createdAt',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => User.find(f).sort(sort).limit(limit).lean<UserDoc[]>(),
    map: toAdminUser,
  })
}

/** Roles, councils and the disabled flag; every change is audit-logged. */
export async function updateUser(actor: Actor, id: string, body: UpdateUserBody): Promise<AdminUser> {
  const doc = validId(id) ? await User.findById(id).lean<UserDoc>() : null
  if (!doc) throw notFound('user')
  // Deleted by its owner: giving it roles or enabling it would bring back an account nobody holds.
  if (doc.erasedAt) throw conflict('users.erased')
  const self = String(doc._id) === actor.id
  const set: Record<string, unknown> = {}
  const changes: { action: string; details: Record<string, unknown> }[] = []
  if (body.roles) {
    const roles = [...new Set(body.roles)]
    if (self && doc.roles.includes('admin') && !roles.includes('admin')) throw conflict('users.cannot_demote_self')
    const before = [...doc.roles].sort()
    if (before.join() !== [...roles].sort().join()) {
      set.roles = roles
      changes.push({ action: 'user.roles_changed', details: { from: before, to: [...roles].sort() } })
    }
  }
  if (body.councilIds) {
    const ids = [...new Set(body.councilIds.map((c) => c.toLowerCase()))]
    const before = (doc.councilIds ?? []).map(String).sort()
    await assertCouncilsExist(
      body.councilIds.map((c) => c.toLowerCase()),
      before,
    )
    if (before.join() !== [...ids].sort().join()) {
      set.councilIds = ids.map((c) => new mongoose.Types.ObjectId(c))
      changes.push({ action: 'user.councils_changed', details: { from: before, to: [...ids].sort() } })
    }
  }
  if (body.disabled !== undefined && body.disabled !== Boolean(doc.disabled)) {
    if (self && body.disabled) throw conflict('users.cannot_disable_self')
    set.disabled = body.disabled
    changes.push({ action: body.disabled ? 'user.disabled' : 'user.enabled', details: {} })
  }
  if (!changes.length) return toAdminUser(doc)
  const updated = await User.findByIdAndUpdate(doc._id, { $set: set }, { returnDocument: 'after' }).lean<UserDoc>()
  for (const c of changes)
    await audit({
      actorId: actor.id,
      action: c.action,
      target: { kind: 'user', id: String(doc._id) },
      details: c.details,
    })
  // Ending the sessions tells live connections too; any other change may narrow access as well.
  if (set.disabled === true) await destroyUserSessions(String(doc._id))
  else await accessChanged(String(doc._id))
  return toAdminUser(updated!)
}

/** Newly assigned councils must exist and be live (removing an archived one stays possible). */
async function assertCouncilsExist(ids: string[], already: string[]): Promise<void> {
  const errors: FieldError[] = []
  for (const [i, id] of ids.entries()) {
    if (already.includes(id)) continue
    try {
      await findLiveCouncil(id)
    } catch (err) {
      if (!(err instanceof AppError && err.status === 404)) throw err
      errors.push({ path: `body.councilIds.${i}`, code: 'unknown_council' })
    }
  }
  if (errors.length) throw validationFailed(errors)
}

/** The first administrator from ADMIN_EMAIL / ADMIN_PASSWORD: created if missing, never overwritten. */
export async function ensureAdmin(email: string, password: string): Promise<void> {
  const existing = await User.findOne({ email: email.trim().toLowerCase() }).lean<UserDoc>()
  if (!existing) {
    const user = await createUserDirect({
      email,
      password,
      // The portal's default language, as everything a person sees (the admin renames it in the profile).
      displayName: t('kk', 'users:first_admin_name'),
      roles: ['admin'],
      emailVerified: true,
    })
    await audit({ actorId: null, action: 'user.admin_bootstrapped', target: { kind: 'user', id: user.id } })
    log.info({ email: user.email }, 'first administrator created')
  } else if (!existing.roles.includes('admin')) {
    await User.updateOne({ _id: existing._id }, { $set: { roles: [...existing.roles, 'admin'] } })
    await audit({
      actorId: null,
      action: 'user.roles_changed',
      target: { kind: 'user', id: String(existing._id) },
      details: { from: existing.roles, to: [...existing.roles, 'admin'], reason: 'ADMIN_EMAIL' },
    })
  }
}

/** Ids of the enabled accounts holding the council_member role (the denominator of indicator 2). */
export async function councilMemberIds(): Promise<string[]> {
  const ids = await User.distinct('_id', { roles: 'council_member', disabled: mongoose.trusted({ $ne: true }) })
  return ids.map(String)
}
