import { appealsPersonalData } from './appeals.personal.js'
import type { KenesModule } from '../../core/module.js'
import { registerCouncilStats } from '../councils/index.js'
import { appealsJobs } from './appeals.jobs.js'
import { councilAppealStats, startResponseDaysBackfill, stopResponseDaysBackfill } from './appeals.stats.js'
import { appealsRouter } from './appeals.routes.js'
import { removeUncommittedAttachments } from './appeals.submit.js'
import { log } from '../../core/logger.js'
import { protectPlainPayloads } from '../../core/jobs-admin.js'

registerCouncilStats('appeals', councilAppealStats)

export const appealsModule: KenesModule = {
  name: 'appeals',
  api: appealsRouter,
  jobs: appealsJobs,
  personalData: appealsPersonalData,
  async start() {
    startResponseDaysBackfill()
    // Attachments stored by a process killed before its appeal was committed.
    const removed = await removeUncommittedAttachments()
    if (removed.length) log.info({ removed }, 'attachments of appeals never committed removed')
    // Announcements sent before their payloads were sealed still held access codes and links.
    const old = await protectPlainPayloads('appeals.announce')
    if (old.sealed || old.erased) log.info(old, 'access codes in appeal announcement jobs sealed or erased')
  },
  stop: stopResponseDaysBackfill,
}

export { portalAppealCounts } from './appeals.stats.js'

// The front door: Kazakhstan's working-day calendar, for other deadlines (grants, recommendations, tickets).
export {
  almatyDay,
  almatyYear,
  endOfAlmatyDay,
  workingDaysBefore,
  workingDeadline,
  ALMATY_OFFSET_MS,
} from './calendar.js'
