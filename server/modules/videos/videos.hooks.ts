import { invalidatePublicCache } from '../../core/cache.js'
import { councilCacheTag } from '../councils/index.js'

/** Cache tags of public answers that show videos: the lists and pages here, council profiles' stats. */
export const VIDEO_CACHE_TAGS = ['videos'] as const

/**
 * A video appeared on or left the public site (publish, unpublish, deletion of a published video):
 * cached public answers about videos and its council's profile (`stats.videos`) are dropped.
 */
export async function afterVisibilityChange(councilId: string): Promise<void> {
  invalidatePublicCache([...VIDEO_CACHE_TAGS, councilCacheTag(councilId)])
}
