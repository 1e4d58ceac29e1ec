/**
 * Polls `fn` every 50 ms until it returns a truthy value, at most `timeoutMs` (work done by the job
 * worker, which polls the jobs collection every second, or by a socket on its own time).
 */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
