import { log } from '../../core/logger.js'
import { userChannel, type ChatNamespace, type ChatSocket } from './chat.bus.js'

/**
 * `presence { userId, online }` when a user's first socket connects and when the last one
 * leaves, counted over every process: each socket joins `user:<id>` and `fetchSockets()` asks
 * the adapter (all processes with Redis) who else is there.
 * - online: announced by the user's earliest socket only, so two tabs opening at once give one
 *   event (each sees the other after joining; only the older one finds no earlier socket);
 * - offline: announced when nobody is left; a per-process note stops two sockets of the same
 *   user closing together from announcing twice.
 * Presence goes to the whole namespace: every chat user is a council member or staff, and a
 * council's contacts are public anyway.
 */
export function createPresence(ns: ChatNamespace) {
  const announced = new Map<string, boolean>()

  const others = async (userId: string, self: ChatSocket) => {
    const sockets = await ns.in(userChannel(userId)).fetchSockets()
    return sockets.filter((s) => s.id !== self.id)
  }
  const announce = (userId: string, online: boolean) => {
    announced.set(userId, online)
    ns.emit('presence', { userId, online })
  }

  return {
    async connected(socket: ChatSocket): Promise<void> {
      const userId: string = socket.data.actor.id
      const mine = socket.data.connectedAt as number
      try {
        const rest = await others(userId, socket)
        const earlier = rest.some(
          (s) => (s.data.connectedAt as number) < mine || (s.data.connectedAt === mine && s.id < socket.id),
        )
        if (!earlier) announce(userId, true)
        else announced.set(userId, true)
      } catch (err) {
        log.warn({ err }, 'chat presence (connect) failed')
      }
    },
    async disconnected(socket: ChatSocket): Promise<void> {
      const userId: string | undefined = socket.data.actor?.id
      if (!userId) return
      try {
        const rest = await others(userId, socket)
        if (rest.length === 0 && announced.get(userId) !== false) announce(userId, false)
      } catch (err) {
        log.warn({ err }, 'chat presence (disconnect) failed')
      }
    },
    /** Users with at least one socket in a channel (e.g. a room), over every process. */
    async usersIn(channel: string): Promise<string[]> {
      const sockets = await ns.in(channel).fetchSockets()
      return [...new Set(sockets.map((s) => String(s.data.actor?.id)).filter((id) => id !== 'undefined'))]
    },
  }
}
export type Presence = ReturnType<typeof createPresence>
