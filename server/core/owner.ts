import crypto from 'node:crypto'
import os from 'node:os'

/**
 * Who holds a piece of unfinished work (a job's lease, a registration being decided, a temporary
 * upload): `<host>:<pid>.<boot>`. After a crash (kill -9) the next process on the same host sees that
 * the holder is gone and cleans up at once, instead of waiting for a timeout; work held by
 * another host is left to its timeout, since its liveness cannot be seen from here. `<boot>` is
 * random per process start: a restarted container whose process is again pid 1 is not its
 * predecessor, whose work it must take over.
 */
export const OWNER = `${os.hostname()}:${process.pid}.${crypto.randomBytes(4).toString('hex')}`

/** True when `owner` (`<host>:<pid>[.<boot>]…`) names a process of this host that no longer runs. */
export function ownerIsDeadHere(owner: string | null | undefined): boolean {
  const host = `${os.hostname()}:`
  if (!owner?.startsWith(host)) return false
  const pid = Number(owner.slice(host.length).split(/[:\-.]/)[0])
  if (!Number.isInteger(pid) || pid <= 0) return false
  // Our own pid: this process unless the start differs (an earlier process that had this pid).
  if (pid === process.pid) return !isThisProcess(owner)
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM'
  }
}

function isThisProcess(owner: string): boolean {
  if (!owner.startsWith(OWNER)) return false
  const rest = owner.slice(OWNER.length)
  return rest === '' || rest.startsWith(':') || rest.startsWith('-')
}
