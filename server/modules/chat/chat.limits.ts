import { configuredLimiter, createRateLimiter } from '../../core/rate-limit.js'

/** Chat's rate limits, in one place for the REST routes and the socket handlers. */

/**
 * Messages per user, sent or edited by socket or REST: a burst of `CHAT_MESSAGES_MAX_PER_10S`
 * (20) in 10 seconds, across tabs (and processes, through Redis).
 */
export const messageLimiter = configuredLimiter('chat_message', (c) => ({
  points: c.limits.chatMessagesPer10s,
  durationSec: 10,
  memoryUnlessRedis: true,
}))
/**
 * Socket connections (handshakes) per user and minute, `CHAT_CONNECTIONS_MAX_PER_USER_MIN` (30):
 * enough for many tabs and reconnects, not for a script opening sockets in a loop.
 */
export const connectionLimiter = configuredLimiter('chat_connect', (c) => ({
  points: c.limits.chatConnectionsPerUserMin,
  durationSec: 60,
  memoryUnlessRedis: true,
}))
/** Rooms opened per user and hour. */
export const roomLimiter = createRateLimiter({ name: 'chat_room_create', points: 30, durationSec: 3600 })
/** Attachments uploaded per user in 10 minutes. */
export const uploadLimiter = createRateLimiter({ name: 'chat_upload', points: 30, durationSec: 600 })
/**
 * `typing` passed on per user and room: at most once every 2 seconds, across tabs and (through
 * Redis) across processes; without Redis the socket server is one process and memory suffices.
 */
export const typingLimiter = createRateLimiter({
  name: 'chat_typing',
  points: 1,
  durationSec: 2,
  memoryUnlessRedis: true,
})
