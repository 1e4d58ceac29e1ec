import crypto from 'node:crypto'
import { io as ioClient, type Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { Council } from '../../server/modules/councils/council.model.js'
import { listRegions } from '../../server/modules/regions/regions.service.js'

/**
 * Socket test kit: real socket.io-client connections carrying an Agent's session cookie, and
 * waits that resolve on the event (bounded by a timeout), never on the clock.
 */

export interface ConnectOptions {
  lng?: 'kk' | 'ru'
  /** Keep the client from reconnecting by itself (default true: tests drive reconnection). */
  reconnection?: boolean
  /** The page the connection claims to come from (the browser's Origin header). */
  origin?: string
}

/** A connected client of `/chat`, or a rejection with the `connect_error`. */
export function connectChat(url: string, agent: Agent | null, opts: ConnectOptions = {}): Promise<Socket> {
  const socket = ioClient(`${url}/chat`, {
    transports: ['websocket'],
    extraHeaders: {
      ...(agent?.hasSession ? { cookie: agent.cookieHeader() } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
    },
    auth: opts.lng ? { lng: opts.lng } : {},
    reconnection: opts.reconnection ?? false,
    forceNew: true,
    timeout: 5000,
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error('connectChat: no connect within 5 s'))
    }, 5000)
    socket.once('connect', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('connect_error', (err) => {
      clearTimeout(timer)
      socket.close()
      reject(err)
    })
  })
}

/** Resolves with the next `event` payload matching `filter`. */
export function nextEvent<T = any>(
  socket: Socket,
  event: string,
  filter: (p: T) => boolean = () => true,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (p: T) => {
      if (!filter(p)) return
      clearTimeout(timer)
      socket.off(event, listener)
      resolve(p)
    }
    const timer = setTimeout(() => {
      socket.off(event, listener)
      reject(new Error(`nextEvent: no "${event}" within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on(event, listener)
  })
}

/** Emits and resolves with the acknowledgement. */
export async function ask<T = any>(socket: Socket, event: string, payload?: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>
}

/** Records every event a socket receives, to assert what arrived (and what did not) at a barrier. */
export function record(socket: Socket): { events: { event: string; payload: any }[]; of(event: string): any[] } {
  const events: { event: string; payload: any }[] = []
  socket.onAny((event: string, payload: unknown) => events.push({ event, payload }))
  return { events, of: (event) => events.filter((e) => e.event === event).map((e) => e.payload) }
}

export const clientId = () => crypto.randomUUID()

/** A council in the n-th region (0-based; `null` for a republican council). */
export async function createCouncil(regionIndex: number | null, name = 'Кеңес'): Promise<string> {
  const regionIds = (await listRegions()).map((r) => r.id)
  const suffix = crypto.randomBytes(4).toString('hex')
  const doc = await Council.create({
    slug: `test-${suffix}`,
    name: { kk: `${name} ${suffix}`, ru: `Совет ${suffix}` },
    level: regionIndex === null ? 'republican' : 'oblast',
    regionId: regionIndex === null ? null : regionIds[regionIndex],
  })
  return String(doc._id)
}

export async function closeAll(...sockets: (Socket | undefined)[]): Promise<void> {
  for (const s of sockets) s?.close()
}
