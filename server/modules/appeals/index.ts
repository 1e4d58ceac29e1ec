import type { KenesModule } from '../../core/module.js'
import { registerCouncilStats } from '../councils/index.js'
import { appealsJobs } from './appeals.jobs.js'
import { councilAppealStats, startResponseDaysBackfill, stopResponseDaysBackfill } from './appeals.stats.js'
import { appealsRouter } from './appeals.routes.js'

registerCouncilStats('appeals', councilAppealStats)

export const appealsModule: KenesModule = {
  name: 'appeals',
  api: appealsRouter,
  jobs: appealsJobs,
  start: startResponseDaysBackfill,
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
