import crypto from 'node:crypto'
import { authRequired, forbidden, notFound } from '../../core/errors.js'
import { can, type MaybeActor } from '../../core/policy.js'
import { Ticket, type TicketDoc } from './support.model.js'

/**
 * Who sees a ticket: its author (the account that opened it, or whoever holds its number and
 * access code) and support staff. The code is random enough (10 of 31 symbols, ≈ 49 bits) that
 * a fast hash suffices; guessing is rate-limited per IP before any check (support.routes.ts).
 */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export function newAccessCode(): string {
  let out = ''
  for (let i = 0; i < 10; i++) out += ALPHABET[crypto.randomInt(ALPHABET.length)]
  return out
}
export const hashCode = (code: string): string =>
  crypto.createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex')

export function codeMatches(code: string | undefined, storedHash: string | null | undefined): boolean {
  if (!code || !storedHash) return false
  const a = Buffer.from(hashCode(code), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

export type TicketAccess = 'author' | 'staff'

export function accessOf(actor: MaybeActor, t: TicketDoc, code?: string): TicketAccess | null {
  if (can(actor, 'support.manage')) return 'staff'
  if (actor && t.author.userId && String(t.author.userId) === actor.id) return 'author'
  if (code && codeMatches(code, t.accessCodeHash)) return 'author'
  return null
}

/** 404 for an unknown ticket or a wrong code (nothing to learn), 401 for a guest without one, 403 otherwise. */
export async function loadTicketFor(
  actor: MaybeActor,
  id: string,
  code?: string,
): Promise<{ ticket: TicketDoc; access: TicketAccess }> {
  const ticket = await Ticket.findById(id).lean<TicketDoc>()
  if (!ticket) throw notFound('ticket')
  const access = accessOf(actor, ticket, code)
  if (access) return { ticket, access }
  if (code) throw notFound('ticket')
  if (!actor) throw authRequired()
  throw forbidden()
}
