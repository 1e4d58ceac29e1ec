import type { z } from 'zod'
import {
  MessageDeletePayload,
  MessageEditPayload,
  MessageReadPayload,
  MessageSendPayload,
  RoomJoinPayload,
  RoomLeavePayload,
  TypingPayload,
} from '../../../shared/schemas/chat.js'
import { sessionAlive } from '../../core/auth/session.js'
import { AppError, authRequired, forbidden, rateLimited } from '../../core/errors.js'
import { errorPayload, toAppError } from '../../core/error-handler.js'
import { parseOrThrow } from '../../core/http.js'
import { log } from '../../core/logger.js'
import { can, type Actor } from '../../core/policy.js'
import { loadActor } from '../users/index.js'
import { roomChannel, userChannel, type ChatSocket } from './chat.bus.js'
import type { ClientToServerEvents } from '../../../shared/socket-events.js'
import { messageLimiter, typingLimiter } from './chat.limits.js'
import { chatEventErrors } from './chat.metrics.js'
import { deleteMessage, editMessage, markRead, missedSince, sendMessage } from './chat.messages.service.js'
import type { Presence } from './chat.presence.js'
import { roomReads } from './chat.reads.js'
import { getRoom } from './chat.rooms.service.js'

/** A socket may follow this many rooms at once (a council's busiest member has a few dozen). */
export const MAX_ROOMS_PER_SOCKET = 100
/** The socket's copy of its user is reloaded at least this often (roles and councils change). */
const ACTOR_TTL_MS = 10_000

/** Any events per socket in 10 s: beyond the soft limit events are refused, beyond the hard one the socket is closed. */
const EVENTS_SOFT = 200
const EVENTS_HARD = 1000
const WINDOW_MS = 10_000

/** Counts the socket's events in a fixed window; returns the count so far. */
function countEvent(socket: ChatSocket): number {
  const now = Date.now()
  const w = (socket.data.window ??= { start: now, count: 0 }) as { start: number; count: number }
  if (now - w.start >= WINDOW_MS) Object.assign(w, { start: now, count: 0 })
  return ++w.count
}

type Ack = (response: unknown) => void

/**
 * Every client event goes through here: the acknowledgement is optional (a client may emit
 * without one), the payload is parsed with the shared zod schema, and whatever goes wrong
 * becomes `{ ok: false, error: { code, message } }` in the user's language; nothing a client
 * sends can throw out of a handler.
 */
function on<S extends z.ZodType>(
  socket: ChatSocket,
  event: keyof ClientToServerEvents,
  schema: S,
  handle: (payload: z.output<S>, actor: Actor) => Promise<object | void>,
) {
  // Every event is parsed from unknown input (a client need not be ours), so the listener is untyped.
  ;(socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
    const ack: Ack | undefined = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined
    void (async () => {
      try {
        if ((socket.data.window?.count ?? 0) > EVENTS_SOFT) throw rateLimited(Math.ceil(WINDOW_MS / 1000))
        const payload = parseOrThrow(schema, args[0], 'payload')
        const actor = await currentActor(socket)
        const result = await handle(payload, actor)
        ack?.({ ok: true, ...(result ?? {}) })
      } catch (err) {
        const e = toAppError(err)
        if (e.status >= 500) log.error({ err, event }, 'chat event failed')
        chatEventErrors.inc({ code: e.code })
        ack?.({ ok: false, error: errorPayload(e, { lng: socket.data.lng }) })
        if (e.status === 401) socket.disconnect(true)
      }
    })()
  })
}

/**
 * The socket's user, reloaded when stale: a disabled or demoted user, or one who logged out,
 * loses the socket at the next event (at once on `room:join`).
 */
async function currentActor(socket: ChatSocket, force = false): Promise<Actor> {
  const stale = Date.now() - (socket.data.actorLoadedAt ?? 0) > ACTOR_TTL_MS
  if (force || stale) {
    const [actor, alive] = await Promise.all([
      loadActor(socket.data.actor.id),
      sessionAlive(socket.data.sid, socket.data.actor.id),
    ])
    if (!actor || !alive) throw authRequired()
    socket.data.actor = actor
    socket.data.actorLoadedAt = Date.now()
  }
  const actor = socket.data.actor as Actor
  if (!can(actor, 'chat.connect')) throw forbidden()
  return actor
}

const joinedRooms = (socket: ChatSocket) => [...socket.rooms].filter((r) => r.startsWith('room:'))

export function registerChatHandlers(socket: ChatSocket, presence: Presence): void {
  // Every incoming packet counts, known event or not; a client that floods is cut off.
  socket.use((_packet, next) => {
    if (countEvent(socket) > EVENTS_HARD) {
      log.warn({ userId: socket.data.actor?.id }, 'chat: socket flooding, disconnected')
      socket.disconnect(true)
      return
    }
    next()
  })
  on(socket, 'room:join', RoomJoinPayload, async ({ roomId, lastMessageId }) => {
    const actor = await currentActor(socket, true) // membership is decided on fresh data
    const channel = roomChannel(roomId)
    if (!socket.rooms.has(channel) && joinedRooms(socket).length >= MAX_ROOMS_PER_SOCKET) {
      throw new AppError(400, 'chat.too_many_rooms', { max: MAX_ROOMS_PER_SOCKET })
    }
    const room = await getRoom(actor, roomId)
    // Join before reading what was missed: a message stored meanwhile is then in `missed`, or
    // broadcast to us, or both (same id: clients keep messages by id), never in neither.
    await socket.join(channel)
    const missed = lastMessageId ? await missedSince(room.id, lastMessageId) : undefined
    const [online, reads] = await Promise.all([
      presence.usersIn(channel).catch(() => [actor.id]),
      roomReads(room.id, room.councilIds),
    ])
    return { room, online, reads, ...(missed ? { missed: missed.messages, missedMore: missed.more } : {}) }
  })

  on(socket, 'room:leave', RoomLeavePayload, async ({ roomId }) => {
    await socket.leave(roomChannel(roomId))
  })

  on(socket, 'message:send', MessageSendPayload, async (payload, actor) => {
    await messageLimiter().consume(actor.id)
    const { message, created } = await sendMessage(actor, payload)
    // Persisted first; a resend of the same clientId broadcasts nothing new.
    if (created) socket.to(roomChannel(message.roomId)).emit('message:new', { message })
    return { message }
  })

  on(socket, 'message:edit', MessageEditPayload, async ({ messageId, text }, actor) => {
    await messageLimiter().consume(actor.id)
    const message = await editMessage(actor, messageId, text)
    socket.to(roomChannel(message.roomId)).emit('message:edited', { message })
    return { message }
  })

  on(socket, 'message:delete', MessageDeletePayload, async ({ messageId, reason }, actor) => {
    const res = await deleteMessage(actor, messageId, reason)
    if (res.changed)
      socket.to(roomChannel(res.roomId)).emit('message:deleted', { roomId: res.roomId, messageId: res.messageId })
    return { roomId: res.roomId, messageId: res.messageId }
  })

  on(socket, 'typing', TypingPayload, async ({ roomId }, actor) => {
    const channel = roomChannel(roomId)
    // Joining checked access; typing is too frequent to ask the database every time.
    if (!socket.rooms.has(channel)) throw new AppError(409, 'chat.not_joined')
    // At most one `typing` per user and room every 2 seconds is passed on (chat.limits.ts).
    try {
      await typingLimiter.consume(`${actor.id}:${roomId}`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited') return { throttled: true }
      throw err
    }
    socket
      .to(channel)
      .except(userChannel(actor.id))
      .emit('typing', { roomId, userId: actor.id, displayName: actor.displayName })
    return { throttled: false }
  })

  on(socket, 'message:read', MessageReadPayload, async ({ roomId, messageId }, actor) => {
    const { advanced, councilIds } = await markRead(actor, roomId, messageId)
    if (advanced)
      socket
        .to(roomChannel(roomId))
        .emit('read', { roomId, userId: actor.id, messageId, displayName: actor.displayName, councilIds })
    return { advanced }
  })
}
