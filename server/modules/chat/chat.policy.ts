import { MESSAGE_EDIT_WINDOW_MS } from '../../../shared/schemas/chat.js'
import { forbidden } from '../../core/errors.js'
import { can, type Actor } from '../../core/policy.js'

/**
 * Chat rules beyond role + council (shared/permissions.ts holds the rights): a room is open to
 * members of any of its councils and to staff; a message is the sender's to edit or delete for
 * 15 minutes; moderators may delete (never rewrite) anyone's message at any time.
 */
export interface RoomLike {
  councilIds: unknown[]
}
export interface MessageLike {
  senderId: unknown
  createdAt: Date
}

export function canUseRoom(actor: Actor, room: RoomLike): boolean {
  return can(actor, 'chat.room_access', { councilIds: room.councilIds })
}

export function assertUseRoom(actor: Actor, room: RoomLike): void {
  if (!canUseRoom(actor, room)) throw forbidden()
}

const isSender = (actor: Actor, m: MessageLike) => String(m.senderId) === actor.id
const withinWindow = (m: MessageLike, now: number) => now - m.createdAt.getTime() <= MESSAGE_EDIT_WINDOW_MS

export function canEditMessage(actor: Actor, m: MessageLike, now = Date.now()): boolean {
  return isSender(actor, m) && withinWindow(m, now)
}

export function canDeleteMessage(actor: Actor, m: MessageLike, now = Date.now()): boolean {
  return can(actor, 'chat.moderate') || (isSender(actor, m) && withinWindow(m, now))
}

/** The council a member speaks for in a room: the one asked for, else their first in the room. */
export function speakingCouncil(actor: Actor, room: RoomLike, asked?: string): string | null {
  const inRoom = new Set(room.councilIds.map(String))
  const mine = actor.councilIds.map(String).filter((c) => inRoom.has(c))
  if (asked) {
    if (!mine.includes(asked)) throw forbidden()
    return asked
  }
  return mine[0] ?? null
}
