/**
 * `p`, or a rejection after `ms`: start-up and shutdown steps that talk to another service (Redis)
 * must fail with a clear message instead of hanging on a misconfigured or dead peer.
 */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** How long a connection to a shared service may take at start-up. */
export const CONNECT_MS = 10_000
