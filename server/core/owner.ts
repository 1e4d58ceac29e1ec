import os from 'node:os'

/**
 * Who holds a piece of unfinished work (a job's lease, a registration being decided, a temporary
 * upload): `<host>:<pid>`. After a crash (kill -9) the next process on the same host sees that
 * the holder is gone and cleans up at once, instead of waiting for a timeout; work held by
 * another host is left to its timeout, since its liveness cannot be seen from here.
 */
export const OWNER = `${os.hostname()}:${process.pid}`

/** True when `owner` (`<host>:<pid>…`) names a process of this host that no longer runs. */
export function ownerIsDeadHere(owner: string | null | undefined): boolean {
  const host = `${os.hostname()}:`
  if (!owner?.startsWith(host)) return false
  const pid = Number(owner.slice(host.length).split(/[:\-.]/)[0])
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM'
  }
}
