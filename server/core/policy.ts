import { RIGHTS, type Right, type Role } from '../../shared/permissions.js'
import type { Lang } from '../../shared/schemas/common.js'
import { authRequired, forbidden } from './errors.js'

/** The signed-in person a request or socket acts for; `null` is a guest. */
export interface Actor {
  id: string
  email: string
  displayName: string
  roles: Role[]
  councilIds: string[]
  locale: Lang
  emailVerified: boolean
}
export type MaybeActor = Actor | null | undefined

/** What a right is checked against: the council(s) a resource belongs to. */
export interface Scope {
  councilId?: unknown
  councilIds?: unknown[]
}

const idOf = (v: unknown): string => String(v)

/**
 * The one access decision: denied by default; `global` roles pass everywhere, `council` roles
 * only when the resource belongs to one of the actor's councils (for a resource of several
 * councils, such as a chat room, any one of them is enough).
 */
export function can(actor: MaybeActor, right: Right, scope?: Scope): boolean {
  if (!actor) return false
  const rule = RIGHTS[right] as { global: readonly Role[]; council?: readonly Role[] }
  if (actor.roles.some((r) => rule.global.includes(r))) return true
  if (!rule.council || !scope) return false
  if (!actor.roles.some((r) => rule.council!.includes(r))) return false
  const resourceCouncils = [scope.councilId, ...(scope.councilIds ?? [])].filter((v) => v != null).map(idOf)
  const mine = new Set(actor.councilIds.map(idOf))
  return resourceCouncils.some((c) => mine.has(c))
}

/** Throws 401 for a guest and 403 for a signed-in actor without the right. */
export function assertCan(actor: MaybeActor, right: Right, scope?: Scope): asserts actor is Actor {
  if (!actor) throw authRequired()
  if (!can(actor, right, scope)) throw forbidden()
}

export function hasRole(actor: MaybeActor, ...roles: Role[]): boolean {
  return Boolean(actor && actor.roles.some((r) => roles.includes(r)))
}

/**
 * Who wrote a submission a guest may also make (an appeal, a support ticket): the signed-in person's
 * account, or the contact the guest gave (the route checked that exactly one of the two is there).
 */
export function authorRecord(actor: Actor | null, contact: { name: string; email: string } | undefined, lng: Lang) {
  return actor
    ? { userId: actor.id, name: actor.displayName, email: actor.email, lng: actor.locale }
    : { userId: null, name: contact!.name, email: contact!.email, lng }
}
