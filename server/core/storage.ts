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
 * before the record naming it is committed; returns the marker's path, to remove after the commit.
 */
export async function markUncommitted(key: string): Promise<string> {
  const dir = resolveStored(key)
  await fs.mkdir(dir, { recursive: true })
  const marker = path.join(dir, `${PENDING}${OWNER}`)
  await fs.writeFile(marker, '')
  return marker
}

/**
 * At start-up: the folders under `prefix` marked by a process of this host that died before (or
 * just after) their record was committed. `exists(id)` tells whether the record made it: then only
 * the marker goes, else the whole folder (a write never acknowledged). Returns the removed ids.
 */
export async function sweepUncommitted(prefix: string, exists: (id: string) => Promise<boolean>): Promise<string[]> {
  const root = resolveStored(prefix)
  let ids: string[]
  try {
    ids = await fs.readdir(root)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const id of ids) {
    const names = await fs.readdir(path.join(root, id)).catch(() => [] as string[])
    const dead = names.filter((n) => n.startsWith(PENDING) && ownerIsDeadHere(n.slice(PENDING.length)))
    if (!dead.length) continue
    if (await exists(id)) await Promise.all(dead.map((n) => fs.rm(path.join(root, id, n), { force: true })))
    else {
      await fs.rm(path.join(root, id), { recursive: true, force: true })
      removed.push(id)
    }
  }
  return removed
}
