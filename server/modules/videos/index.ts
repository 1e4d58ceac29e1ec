import type { KenesModule } from '../../core/module.js'
import { defineJob, enqueueJob } from '../../core/jobs.js'
import { log } from '../../core/logger.js'
import { registerCouncilStats } from '../councils/index.js'
import { registerVideoJobs } from './videos.jobs.js'
import { mediaRouter } from './videos.media.js'
import { videosRouter } from './videos.routes.js'
import { countPublished } from './videos.service.js'
import { cleanupExpiredTusUploads, createTusServer } from './videos.tus.js'

const TUS_CLEANUP = 'videos.tus_cleanup'
const HOUR_MS = 3600_000
const scheduleCleanup = () =>
  enqueueJob(TUS_CLEANUP, {}, { runAt: new Date(Date.now() + HOUR_MS), dedupeKey: TUS_CLEANUP })

/** Hourly: unfinished resumable uploads older than a day are removed; then the next run is queued. */
defineJob(
  TUS_CLEANUP,
  async () => {
    const removed = await cleanupExpiredTusUploads()
    if (removed) log.info({ removed }, 'expired resumable uploads removed')
    await scheduleCleanup()
  },
  { maxAttempts: 3 },
)

registerCouncilStats('videos', async (councilId) => ({ videos: await countPublished(councilId) }))

export const videosModule: KenesModule = {
  name: 'videos',
  api: videosRouter,
  root: mediaRouter,
  async start({ config }) {
    registerVideoJobs({ leaseMs: config.videoJobLeaseMs })
    createTusServer(config)
    await scheduleCleanup()
  },
}
