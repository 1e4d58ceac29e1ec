/**
 * What must happen elsewhere when a video appears on or leaves the public site (publish,
 * unpublish, deletion of a published video). Public list caches, when present, are dropped here.
 */
export async function afterVisibilityChange(_councilId: string): Promise<void> {
  // Public reads of videos are not cached yet; nothing to invalidate.
}
