import { videosPersonalData } from './videos.personal.js'
import type { KenesModule } from '../../core/module.js'
import { enqueueJob, type JobHandlers } from '../../core/jobs.js'
import { log } from '../../core/logger.js'
import { registerCouncilStats } from '../councils/index.js'
import { processingJobs } from './videos.jobs.js'
import { mediaRouter } from './videos.media.js'
import { videosRouter } from './videos.routes.js'
import { publishedVideoStats, removeUncommittedUploads } from './videos.service.js'
import { cleanupExpiredTusUploads, closeTusServer, createTusServer } from './videos.tus.js'

const TUS_CLEANUP = 'videos.tus_cleanup' as const
const HOUR_MS = 3600_000
const scheduleCleanup = () =>
  enqueueJob(TUS_CLEANUP, {}, { runAt: new Date(Date.now() + HOUR_MS), dedupeKey: TUS_CLEANUP })

declare module '../../core/jobs.js' {
  interface JobPayloads {
    'videos.tus_cleanup': Record<string, never>
  }
}

/** Hourly: unfinished resumable uploads older than a day are removed; then the next run is queued. */
async function cleanupTusUploads(): Promise<void> {
  const removed = await cleanupExpiredTusUploads()
  if (removed) log.info({ removed }, 'expired resumable uploads removed')
  await scheduleCleanup()
}

registerCouncilStats('videos', publishedVideoStats)

export const videosModule: KenesModule = {
  name: 'videos',
  api: videosRouter,
  root: mediaRouter,
  personalData: videosPersonalData,
  jobs: (config): JobHandlers => ({
    ...processingJobs({ leaseMs: config.videoJobLeaseMs }),
    [TUS_CLEANUP]: { run: cleanupTusUploads, maxAttempts: 3 },
  }),
  async start({ config }) {
    await createTusServer(config)
    await scheduleCleanup()
    const removed = await removeUncommittedUploads()
    if (removed.length) log.info({ removed }, 'uploads of dead processes never committed removed')
  },
  stop: closeTusServer,
}

// The front door: what other modules may use.
export { countPublishedBetween } from './videos.service.js'
