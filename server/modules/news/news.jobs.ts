import mongoose from 'mongoose'
import { invalidatePublicCache } from '../../core/cache.js'
import { cancelJob, enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { councilCacheTag } from '../councils/index.js'
import { News, NewsView } from './news.model.js'

/** Tags the cached news answers carry: council writes drop them too (feeds show council names). */
export const NEWS_CACHE_TAGS = ['news', 'councils']

/** An article changed on the public site: news answers and its council's profile (the news count) go. */
export function newsChanged(councilId: unknown): void {
  invalidatePublicCache(['news', councilCacheTag(String(councilId))])
}
const publishKey = (id: string) => `news.publish:${id}`

/**
 * Scheduled publication: a persisted job per article, due at `publishAt`; it survives restarts
 * and runs on whichever process claims it. Idempotent: it only flips an article that is still
 * scheduled and due, so a moved or cancelled schedule makes an old job a no-op.
 */
declare module '../../core/jobs.js' {
  interface JobPayloads {
    'news.publish': { newsId: string }
    'news.views.prune': Record<string, never>
  }
}

async function publishDue({ newsId }: { newsId: string }): Promise<void> {
  const now = new Date()
  const n = await News.findOne(
    { _id: newsId, status: 'scheduled', publishAt: mongoose.trusted({ $lte: now }) },
    { publishAt: 1, councilId: 1 },
  ).lean()
  if (!n) return
  const res = await News.updateOne(
    { _id: newsId, status: 'scheduled' },
    { $set: { status: 'published', publishedAt: n.publishAt ?? now } },
  )
  if (res.modifiedCount) newsChanged(n.councilId)
}

/** Forgets view-window rows whose window has passed, then runs again in an hour. */
async function pruneViews(): Promise<void> {
  await NewsView.deleteMany({ expiresAt: mongoose.trusted({ $lt: new Date() }) })
  await enqueueJob('news.views.prune', {}, { runAt: new Date(Date.now() + 3600_000), dedupeKey: 'news.views.prune' })
}

export const newsJobs: JobHandlers = {
  'news.publish': { run: publishDue },
  'news.views.prune': { run: pruneViews },
}

export async function schedulePublication(id: string, publishAt: Date): Promise<void> {
  await enqueueJob('news.publish', { newsId: id }, { runAt: publishAt, dedupeKey: publishKey(id) })
}
export async function cancelPublication(id: string): Promise<void> {
  await cancelJob(publishKey(id))
}
export async function startViewPruning(): Promise<void> {
  await enqueueJob('news.views.prune', {}, { runAt: new Date(Date.now() + 3600_000), dedupeKey: 'news.views.prune' })
}
