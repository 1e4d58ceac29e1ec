/**
 * The `/chat` socket.io namespace as types (API.md "Chat between councils", plus the documented
 * extensions `room:leave`, `message:edit`, `message:delete`, `message:edited`, `room:updated`).
 * Payloads are the input types of the zod schemas in `schemas/chat.ts` that the server parses
 * each event with; acknowledgements are `Ack<…>` of the shapes it answers with. Both sides use
 * these: `io<ClientToServerEvents, ServerToClientEvents>` on the server, and
 * `Socket<ServerToClientEvents, ClientToServerEvents>` in the web client. Types only.
 */
import type { z } from 'zod'
import type {
  Ack,
  ChatMessage,
  ChatRoom,
  ChatRoomCouncil,
  MessageDeletePayload,
  MessageEditPayload,
  MessageReadPayload,
  MessageSendPayload,
  RoomJoinPayload,
  RoomLeavePayload,
  SERVER_EVENTS,
  TypingPayload,
} from './schemas/chat.js'

type Payload<S extends z.ZodType> = z.input<S>
type Reply<T extends object = object> = (ack: Ack<T>) => void

/** How far one reader has read a room (their newest `message:read`). */
export interface RoomRead {
  userId: string
  displayName: string
  /** The reader's councils among the room's (empty for staff without a council there). */
  councilIds: string[]
  messageId: string
  at: string
}

/** What `room:join` answers: the room, who is online in it, and what a returning client missed. */
export interface RoomJoined {
  room: ChatRoom
  online: string[]
  /** Every reader's last read message (read receipts), newest first. */
  reads: RoomRead[]
  /** Messages after `lastMessageId`, oldest first (at most 200); only when it was given. */
  missed?: ChatMessage[]
  missedMore?: boolean
}

export interface ClientToServerEvents {
  'room:join': (payload: Payload<typeof RoomJoinPayload>, ack: Reply<RoomJoined>) => void
  'room:leave': (payload: Payload<typeof RoomLeavePayload>, ack: Reply) => void
  'message:send': (payload: Payload<typeof MessageSendPayload>, ack: Reply<{ message: ChatMessage }>) => void
  'message:edit': (payload: Payload<typeof MessageEditPayload>, ack: Reply<{ message: ChatMessage }>) => void
  'message:delete': (
    payload: Payload<typeof MessageDeletePayload>,
    ack: Reply<{ roomId: string; messageId: string }>,
  ) => void
  typing: (payload: Payload<typeof TypingPayload>, ack: Reply<{ throttled: boolean }>) => void
  'message:read': (payload: Payload<typeof MessageReadPayload>, ack: Reply<{ advanced: boolean }>) => void
}

export interface ServerToClientEvents {
  'message:new': (payload: { message: ChatMessage }) => void
  'message:edited': (payload: { message: ChatMessage }) => void
  'message:deleted': (payload: { roomId: string; messageId: string }) => void
  /** `displayName` is an addition to API.md's `{ roomId, userId }`: the page names who types. */
  typing: (payload: { roomId: string; userId: string; displayName: string }) => void
  /** `displayName` and `councilIds` (the reader's councils in the room) are additions to API.md's payload. */
  read: (payload: {
    roomId: string
    userId: string
    messageId: string
    displayName: string
    councilIds: string[]
  }) => void
  presence: (payload: { userId: string; online: boolean }) => void
  'room:updated': (payload: { roomId: string; councilIds: string[]; councils: ChatRoomCouncil[] }) => void
}

/** Compile-time check: the names listed in `SERVER_EVENTS` and the typed events are the same set. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const serverEventsMatch: Same<(typeof SERVER_EVENTS)[number], keyof ServerToClientEvents> = true

export type ClientEvent = keyof ClientToServerEvents
/** The acknowledgement an event's emitter receives. */
export type AckOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]
/** The payload an event takes. */
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0]
