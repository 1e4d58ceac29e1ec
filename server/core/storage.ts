import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { currentConfig } from './config.js'

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
