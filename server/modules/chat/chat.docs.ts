import { describeSocket } from '../../core/openapi.js'

/**
 * The socket contract in the generated OpenAPI document (it has no native place for events):
 * API.md "Chat between councils" plus the extensions marked "extension".
 */
describeSocket('/chat', {
  path: '/socket.io',
  auth: 'chat.connect',
  summary: 'Socket.io namespace `/chat` (path `/socket.io`): real-time chat between councils',
  description: [
    'Authenticated by the session cookie of `POST /api/v1/auth/login`. Only council_members, moderators and admins connect; others get `connect_error` with `data: { code: "auth.required" | "auth.forbidden", message }`. More than `CHAT_CONNECTIONS_MAX_PER_USER_MIN` (30) connections of one user in a minute: `connect_error` with `data: { code: "rate_limited", message, retryAfterSec }`. Language of messages: `auth.lng` or `?lng=` of the handshake, cookie `lng`, the user\'s locale, Accept-Language.',
    'Every client event takes an optional acknowledgement `{ ok: true, ... }` or `{ ok: false, error: { code, message, errors?, retryAfterSec? } }` (`retryAfterSec` with `rate_limited`: whole seconds to wait) (`validation.failed`, `rate_limited`, `auth.forbidden`, `not_found`, …):',
    "- `room:join { roomId, lastMessageId? }` → `{ room, online: userId[], missed?: message[], missedMore?: boolean }`. `missed` (oldest first, at most 200) are the room's messages after `lastMessageId`: a client that reconnects without connection state recovery (`socket.recovered` false, e.g. behind the Redis adapter) re-joins its rooms this way. At most 100 rooms per socket (`chat.too_many_rooms`).",
    '- `room:leave { roomId }` (extension).',
    '- `message:send { roomId, text (≤ 4000; may be empty with attachments), clientId (any string of 1..100 characters, unique per sender), attachmentIds?, councilId? }` → `{ message }`; the same clientId again returns the same message and broadcasts nothing. 20 messages per 10 s per user (`CHAT_MESSAGES_MAX_PER_10S`), then `rate_limited`.',
    '- `message:edit { messageId, text }` → `{ message }` (extension; sender within 15 minutes) — broadcast `message:edited { message }`.',
    '- `message:delete { messageId }` → `{ roomId, messageId }` (extension; as `DELETE /chat/messages/{id}`).',
    "- `typing { roomId }` (room joined; passed on at most once per 2 s per user and room, never to the typist's own sockets) → `{ throttled }`.",
    '- `message:read { roomId, messageId }` → `{ advanced }` — broadcast `read { roomId, userId, messageId }` when the read mark moved forward.',
    'Any socket: more than 200 events in 10 s are refused with `rate_limited`; more than 1000 close the connection. An event over the schema limits (e.g. a text over 4000 characters) gets a `validation.failed` ack; a frame over 1 MiB closes the connection and stores nothing.',
    "Server → client: `message:new { message }`, `message:edited { message }`, `message:deleted { roomId, messageId }`, `typing { roomId, userId }`, `read { roomId, userId, messageId }`, `presence { userId, online }` (a user's first socket connects / last one leaves, to the whole namespace), `room:updated { roomId, councilIds, councils }`.",
    '`message` = `{ id, roomId, senderId, senderName, councilId, text, clientId, attachments: [{ id, name, mime, size, url }], createdAt, editedAt, deletedAt }`.',
    'Reconnection: connection state recovery keeps rooms and replays missed events for 2 minutes on a single process; otherwise re-join with `lastMessageId`. Messages have stable ids: keep them by id.',
  ].join('\n\n'),
})
