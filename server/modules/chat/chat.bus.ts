import type { Namespace, Socket } from 'socket.io'
import type { Lang } from '../../../shared/schemas/common.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/socket-events.js'
import type { Actor } from '../../core/policy.js'

/** What the chat keeps on each socket (`socket.data`). */
export interface ChatSocketData {
  actor: Actor
  actorLoadedAt: number
  lng: Lang
  sid?: string
  connectedAt: number
  /** The per-socket event-rate window (chat.handlers.ts). */
  window?: { start: number; count: number }
}
/** The `/chat` namespace and its sockets, typed by the shared event maps (shared/socket-events.ts). */
export type ChatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ChatSocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ChatSocketData>

/**
 * How REST handlers reach connected sockets (a delete or an edit made over HTTP is broadcast
 * like one made over the socket). Set once by the socket module; with the Redis adapter a
 * broadcast reaches every process.
 */
let ns: ChatNamespace | undefined

export function setChatNamespace(namespace: ChatNamespace | undefined): void {
  ns = namespace
}

export function chatNamespace(): ChatNamespace | undefined {
  return ns
}

export const roomChannel = (roomId: string) => `room:${roomId}`
export const userChannel = (userId: string) => `user:${userId}`

/** Broadcasts a typed server event to a room's sockets (on every process with the Redis adapter). */
export function emitToRoom<E extends keyof ServerToClientEvents>(
  roomId: string,
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): void {
  ns?.to(roomChannel(roomId)).emit(event, ...args)
}
