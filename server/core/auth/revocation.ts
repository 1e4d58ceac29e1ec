import { log } from '../logger.js'

/**
 * "This user's access may have shrunk": roles or councils changed, the account was disabled, a
 * session ended (logout, password reset). HTTP requests load the user afresh anyway; long-lived
 * connections (chat sockets) listen here so they re-check at once instead of at their next event
 * (a socket that only listens would otherwise keep receiving rooms it may no longer see).
 */
type Listener = (userId: string) => Promise<void>
const listeners = new Set<Listener>()

export function onAccessChanged(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Runs every listener; a failing listener is logged, never fails the change that caused it. */
export async function accessChanged(userId: string): Promise<void> {
  await Promise.all(
    [...listeners].map((fn) => fn(userId).catch((err) => log.warn({ err, userId }, 'access-change listener failed'))),
  )
}
