import mongoose from 'mongoose'
import { onAccessChanged } from '../../core/auth/revocation.js'
import { can } from '../../core/policy.js'
import { loadActor } from '../users/users.service.js'
import { chatNamespace, roomChannel, userChannel } from './chat.bus.js'
import { sessionAlive } from './chat.handlers.js'
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
  const joined = [...new Set(sockets.flatMap((s) => [...s.rooms].filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length))))]
  const valid = joined.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id))
  const rooms = new Map(
    (valid.length ? await ChatRoomModel.find({ _id: mongoose.trusted({ $in: valid }) }, { councilIds: 1 }).lean() : []).map((r: any) => [String(r._id), r]),
  )
  for (const s of sockets) {
    if (!actor || !can(actor, 'chat.connect') || !(await sessionAlive(s.data.sid, userId))) {
      s.disconnect(true)
      continue
    }
    // A local socket shares its data object: its next event then uses the new roles at once.
    s.data.actorLoadedAt = 0
    for (const room of s.rooms) {
      if (!room.startsWith(ROOM_PREFIX)) continue
      const doc = rooms.get(room.slice(ROOM_PREFIX.length))
      if (!doc || !canUseRoom(actor, doc)) s.leave(room)
    }
  }
}

onAccessChanged(recheckUserSockets)
