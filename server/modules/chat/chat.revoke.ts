import mongoose from 'mongoose'
import { onAccessChanged } from '../../core/auth/revocation.js'
import { sessionAlive } from '../../core/auth/session.js'
import { can } from '../../core/policy.js'
import { loadActor } from '../users/index.js'
import { chatNamespace, roomChannel, userChannel, type ChatNamespace } from './chat.bus.js'
import { ChatRoomModel } from './chat.model.js'
import { canUseRoom } from './chat.policy.js'

const ROOM_PREFIX = roomChannel('')

/**
 * The moment a user's access may have shrunk (core/auth/revocation.ts), their sockets are
 * re-checked on fresh data: a disabled, demoted or logged-out session loses its socket, and a
 * member moved out of a council leaves that council's rooms. Without this a socket that only
 * listens would keep receiving `message:new` of rooms it joined before the change. Through the
 * Redis adapter `fetchSockets` reaches the user's sockets on every process.
 */
export async function recheckUserSockets(userId: string): Promise<void> {
  const ns = chatNamespace()
  if (!ns) return
  const sockets = await ns.in(userChannel(userId)).fetchSockets()
  if (!sockets.length) return
  const actor = await loadActor(userId)
  const allowed = actor
    ? await usableRooms(
        actor,
        sockets.flatMap((s) => [...s.rooms]),
      )
    : new Set<string>()
  for (const s of sockets) {
    if (!actor || !can(actor, 'chat.connect') || !(await sessionAlive(s.data.sid, userId))) {
      s.disconnect(true)
      continue
    }
    // A local socket shares its data object: its next event then uses the new roles at once.
    s.data.actorLoadedAt = 0
    for (const room of s.rooms) if (room.startsWith(ROOM_PREFIX) && !allowed.has(room)) s.leave(room)
  }
}

/** Of these socket.io rooms, the chat rooms (`room:<id>`) the actor may still use. */
async function usableRooms(
  actor: NonNullable<Awaited<ReturnType<typeof loadActor>>>,
  channels: string[],
): Promise<Set<string>> {
  const ids = [
    ...new Set(channels.filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length))),
  ].filter((id) => mongoose.isValidObjectId(id))
  if (!ids.length) return new Set()
  const docs = await ChatRoomModel.find(
    { _id: mongoose.trusted({ $in: ids.map((id) => new mongoose.Types.ObjectId(id)) }) },
    { councilIds: 1 },
  ).lean()
  return new Set(docs.filter((d) => canUseRoom(actor, d)).map((d) => roomChannel(String(d._id))))
}

/** The chat room an event is about (`{ roomId }` or `{ message: { roomId } }`), if any. */
function roomOfPacket(data: unknown[]): string | null {
  const p = data[1] as { roomId?: unknown; message?: { roomId?: unknown } } | undefined
  const id = p?.roomId ?? p?.message?.roomId
  return typeof id === 'string' ? roomChannel(id) : null
}

/** What the adapter restores (socket.io's `Session`), as far as it is vetted here. */
type Recovered = {
  data?: { actor?: { id?: string }; sid?: string }
  rooms?: string[]
  missedPackets?: unknown[][]
} | null

const vetted = new WeakSet<object>()
/**
 * Connection state recovery hands a reconnecting client its old rooms and the packets it missed
 * before any of our code runs (socket.io replays them while building the socket). So the
 * adapter's `restoreSession` is vetted on fresh data: a user who may no longer chat, or whose
 * session ended, gets no recovery (a new connection goes through the namespace's checks), and a
 * member moved out of a council recovers neither that council's rooms nor what was said there.
 */
export function vetRecoveredSessions(ns: ChatNamespace): void {
  const adapter = ns.adapter as unknown as { restoreSession?: (pid: string, offset: string) => Promise<Recovered> }
  if (typeof adapter.restoreSession !== 'function' || vetted.has(adapter)) return
  vetted.add(adapter)
  const restore = adapter.restoreSession.bind(adapter)
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset)
    if (!session) return session
    const userId = session.data?.actor?.id
    const actor = userId ? await loadActor(userId) : null
    if (!actor || !can(actor, 'chat.connect') || !(await sessionAlive(session.data?.sid, actor.id))) return null
    const allowed = await usableRooms(actor, session.rooms ?? [])
    return {
      ...session,
      rooms: (session.rooms ?? []).filter((r: string) => !r.startsWith(ROOM_PREFIX) || allowed.has(r)),
      missedPackets: (session.missedPackets ?? []).filter((p: unknown[]) => {
        const room = roomOfPacket(p)
        return !room || allowed.has(room)
      }),
      data: { ...session.data, actor, actorLoadedAt: Date.now() },
    }
  }
}

onAccessChanged(recheckUserSockets)
