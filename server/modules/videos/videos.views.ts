import crypto from 'node:crypto'
import { currentConfig } from '../../core/config.js'
import { isDuplicateKey } from '../../core/errors.js'
import { log } from '../../core/logger.js'
import { Video, VideoView } from './video.model.js'

/**
 * View counting: a view is one visitor starting playback (fetching the master playlist) of a
 * published video, counted once per visitor per 24 h window. A signed-in visitor is their user id;
 * a guest is a keyed hash of address and browser (nothing personal is stored). The dedupe rows are
 * in the database (unique key), so the rule holds across restarts and server processes.
 */
export const VIEW_WINDOW_MS = 24 * 3600 * 1000

export function visitorKey(userId: string | null, ip: string | undefined, userAgent: string | undefined): string {
  if (userId) return `u:${userId}`
  const mac = crypto
    .createHmac('sha256', currentConfig().sessionSecret)
    .update(`${ip ?? ''}|${userAgent ?? ''}`)
    .digest('base64url')
  return `g:${mac.slice(0, 22)}`
}

/** Records a view; resolves true when it counted. Never throws: a counter must not break playback. */
export async function recordView(videoId: string, visitor: string, now = Date.now()): Promise<boolean> {
  try {
    await VideoView.create({ videoId, visitor, bucket: Math.floor(now / VIEW_WINDOW_MS) })
  } catch (err) {
    if (!isDuplicateKey(err)) log.warn({ err, videoId }, 'view not recorded')
    return false
  }
  await Video.updateOne({ _id: videoId, status: 'published' }, { $inc: { views: 1 } }).catch((err) =>
    log.warn({ err, videoId }, 'view count not updated'),
  )
  return true
}
