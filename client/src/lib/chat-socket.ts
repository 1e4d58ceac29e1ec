import { useEffect, useRef, useState } from 'react'
import { io, type Socket } from 'socket.io-client'
import type {
  AckOf,
  ClientEvent,
  PayloadOf,
  ClientToServerEvents,
  ServerToClientEvents,
} from '../../../shared/socket-events.js'

export type ConnState = 'connecting' | 'online' | 'offline' | 'refused'
/** The `/chat` socket, typed by the shared event maps. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** A request/acknowledgement round trip; a missing answer within 10 s is a failure. */
export function emitAck<E extends ClientEvent>(socket: ChatSocket, event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
  // socket.io's typing of emitWithAck over a union of events is not expressible; the event maps
  // above fix both the payload and the answer for the caller.
  const emit = socket.timeout(10_000).emitWithAck as unknown as (e: E, p: PayloadOf<E>) => Promise<AckOf<E>>
  return emit
    .call(socket.timeout(10_000), event, payload)
    .catch(() => ({ ok: false as const, error: { code: 'timeout', message: '' } }))
}

/**
 * One socket to the `/chat` namespace for the page's lifetime, authenticated by the session
 * cookie. Its state drives the reconnect banner; `refused` carries the server's reason.
 */
export function useChatSocket(lng: string): { socket: ChatSocket | null; state: ConnState; refusal: string } {
  const [state, setState] = useState<ConnState>('connecting')
  const [refusal, setRefusal] = useState('')
  const ref = useRef<ChatSocket | null>(null)
  const [, force] = useState(0)
  useEffect(() => {
    const s: ChatSocket = io('/chat', {
      path: '/socket.io',
      withCredentials: true,
      auth: { lng },
      transports: ['websocket', 'polling'],
    })
    ref.current = s
    force((n) => n + 1)
    s.on('connect', () => setState('online'))
    s.on('disconnect', (reason) => {
      setState('offline')
      // socket.io retries by itself except when the server closed the connection (restart,
      // deploy): then try again shortly, the session cookie decides if we may come back.
      if (reason === 'io server disconnect') setTimeout(() => s.connect(), 1000)
    })
    s.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      if (err.data?.code === 'auth.required' || err.data?.code === 'auth.forbidden') {
        setState('refused')
        setRefusal(err.data.message ?? err.data.code)
        s.disconnect()
      } else setState('offline')
    })
    return () => {
      s.removeAllListeners()
      s.disconnect()
      ref.current = null
    }
  }, [lng])
  return { socket: ref.current, state, refusal }
}

export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID().replace(/-/g, '')
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
}
