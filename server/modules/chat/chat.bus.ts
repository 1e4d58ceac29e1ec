import type { Namespace } from 'socket.io'

/**
 * How REST handlers reach connected sockets (a delete or an edit made over HTTP is broadcast
 * like one made over the socket). Set once by the socket module; with the Redis adapter a
 * broadcast reaches every process.
 */
let ns: Namespace | undefined

export function setChatNamespace(namespace: Namespace | undefined): void {
  ns = namespace
}

export function chatNamespace(): Namespace | undefined {
  return ns
}

export const roomChannel = (roomId: string) => `room:${roomId}`
export const userChannel = (userId: string) => `user:${userId}`

export function emitToRoom(roomId: string, event: string, payload: unknown): void {
  ns?.to(roomChannel(roomId)).emit(event, payload)
}
