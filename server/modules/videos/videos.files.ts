import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { markUncommitted, removeStored, resolveStored, sweepUncommitted } from '../../core/storage.js'

/**
 * Where a video's files live: UPLOADS_DIR/videos/<id>/ holds `source.<ext>`, at most one finished
 * media directory `m-<rand>` (thumbnail.jpg, master.m3u8, <rendition>/index.m3u8 + segments) and,
 * while a job runs, scratch directories `.work-<rand>`. Everything is on one filesystem, so
 * finishing is a rename.
 */
export const videoKey = (id: string) => `videos/${id}`
export const videoDir = (id: string) => resolveStored(videoKey(id))
export const sourceKey = (id: string, ext: string) =>
  `${videoKey(id)}/source.${ext.replace(/[^a-z0-9]/gi, '') || 'bin'}`

export const newMediaDirName = () => `m-${crypto.randomBytes(6).toString('hex')}`
export const newScratchName = () => `.work-${crypto.randomBytes(6).toString('hex')}`

/** Removes everything of a video's folder except the source and the committed media directory (crashed attempts). */
export async function removeLeftovers(id: string, keep: (string | null | undefined)[]): Promise<void> {
  const dir = videoDir(id)
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return
  }
  const kept = new Set(keep.filter(Boolean) as string[])
  await Promise.all(
    names.filter((n) => !kept.has(n)).map((n) => fs.rm(path.join(dir, n), { recursive: true, force: true })),
  )
}

export async function removeVideoFiles(id: string): Promise<void> {
  await removeStored(videoKey(id))
}

/** File names a media URL may ask for: nothing else is ever resolved (no traversal through names). */
export const RENDITION_NAME = /^\d{3,4}p$/
export const SEGMENT_NAME = /^(index\.m3u8|seg_\d{5}\.ts)$/

/**
 * The absolute path of a media file of a video, or null. Names are checked against strict
 * patterns first; the resolved path must still lie inside the video's media directory.
 */
export function mediaPath(id: string, mediaDir: string, parts: string[]): string | null {
  const base = path.join(videoDir(id), mediaDir)
  const full = path.resolve(base, ...parts)
  return full.startsWith(base + path.sep) ? full : null
}

/**
 * fsync of a file's bytes or a directory's entries (it applies to the inode, whatever name the file
 * has later). A video is acknowledged (202) only once its source and its directory entry are
 * flushed: its bytes survive a crash (DESIGN.md §7: no acknowledged write is lost on kill -9).
 */
export async function syncPath(p: string): Promise<void> {
  const fh = await fs.open(p, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Marks a video's folder as being stored by this process (before its record is committed); returns the marker's path. */
export const markPending = (id: string): Promise<string> => markUncommitted(videoKey(id))

/** At start-up: the folders of videos a dead process never committed (see core/storage.ts `sweepUncommitted`). */
export const sweepUncommittedVideos = (exists: (id: string) => Promise<boolean>): Promise<string[]> =>
  sweepUncommitted('videos', exists)
