import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { currentConfig } from './config.js'
import { OWNER, ownerIsDeadHere } from './owner.js'

/**
 * Stored media under UPLOADS_DIR. Keys are relative POSIX paths we generate (never from user
 * input), e.g. `councils/<id>/logo-<rand>.webp`; `resolveStored` refuses anything that would
 * escape the directory all the same.
 */
export function resolveStored(key: string): string {
  const root = currentConfig().uploadsDir
  const full = path.resolve(root, key)
  if (!full.startsWith(root + path.sep)) throw new Error(`storage key escapes uploads dir: ${key}`)
  return full
}

export function randomName(ext: string): string {
  return `${crypto.randomBytes(12).toString('hex')}${ext.startsWith('.') || !ext ? ext : '.' + ext}`
}

/** Moves a finished temp file into place (same filesystem: an atomic rename). */
export async function storeFile(tmpPath: string, key: string): Promise<string> {
  const dest = resolveStored(key)
  await fs.mkdir(path.dirname(dest), { recursive: true })
  await fs.rename(tmpPath, dest)
  return key
}

export async function writeStored(key: string, data: Buffer): Promise<string> {
  const dest = resolveStored(key)
  await fs.mkdir(path.dirname(dest), { recursive: true })
  const tmp = `${dest}.${crypto.randomBytes(4).toString('hex')}.part`
  await fs.writeFile(tmp, data)
  await fs.rename(tmp, dest)
  return key
}

export async function removeStored(key: string | undefined | null): Promise<void> {
  if (!key) return
  await fs.rm(resolveStored(key), { force: true, recursive: true })
}

/** Public URL of a stored file served by the static media route (`/media/files/<key>`). */
export function storedUrl(key: string | undefined | null): string | null {
  return key ? `/media/files/${key}` : null
}

const PENDING = '.pending-'

/**
 * Marks a folder of stored files (`appeals/<id>`, `videos/<id>`) as being written by this process
 * before the record naming it is committed: a marker `.pending-<owner>-<id>` beside the folder,
 * written before the folder exists. Returns the marker's path, to remove after the commit.
 */
export async function markUncommitted(key: string): Promise<string> {
  const parent = resolveStored(path.posix.dirname(key))
  await fs.mkdir(parent, { recursive: true })
  const marker = path.join(parent, `${PENDING}${OWNER}-${path.posix.basename(key)}`)
  await fs.writeFile(marker, '')
  return marker
}

/**
 * At start-up: the folders under `prefix` marked by a process of this host that died before (or
 * just after) their record was committed. `exists(id)` tells whether the record made it: then only
 * the marker goes, else the folder too (a write never acknowledged). Returns the removed ids.
 */
export async function sweepUncommitted(prefix: string, exists: (id: string) => Promise<boolean>): Promise<string[]> {
  const root = resolveStored(prefix)
  let names: string[]
  try {
    names = await fs.readdir(root)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names.filter((n) => n.startsWith(PENDING))) {
    const rest = name.slice(PENDING.length)
    const cut = rest.lastIndexOf('-')
    const [owner, id] = [rest.slice(0, cut), rest.slice(cut + 1)]
    if (cut < 0 || !id || !ownerIsDeadHere(owner)) continue
    if (!(await exists(id))) {
      await fs.rm(path.join(root, id), { recursive: true, force: true })
      removed.push(id)
    }
    await fs.rm(path.join(root, name), { force: true })
  }
  return removed
}
