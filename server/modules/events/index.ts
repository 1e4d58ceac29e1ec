import { eventsPersonalData } from './events.personal.js'
import type { KenesModule } from '../../core/module.js'
import { eventsJobs } from './events.jobs.js'
import { eventsRouter } from './events.routes.js'
import { seedDemoEvents } from './events.seed.js'
import { log } from '../../core/logger.js'
import { registerEventIndicators } from './events.indicators.js'
import { backfillEventTokens } from './events.service.js'
import { releaseDeadPending } from './events.registrations.js'

// The grant's indicators count what this module records (stats module's front door).
registerEventIndicators()

/** Events: dialogue platforms, the Forum, the Assembly and meetings (registrations, check-in, materials). */
export const eventsModule: KenesModule = {
  name: 'events',
  api: eventsRouter,
  jobs: eventsJobs,
  personalData: eventsPersonalData,
  async start() {
    // Registrations a killed process left undecided are removed and their events recounted.
    const removed = await releaseDeadPending()
    if (removed) log.info({ removed }, 'undecided registrations of dead processes removed')
    // Beside the server: a large first run must not delay the start; it continues at the next one.
    void backfillEventTokens()
      .then((n) => n && log.info({ filled: n }, 'events: search tokens filled for earlier events'))
      .catch((err: unknown) => log.error({ err }, 'events: search tokens backfill failed'))
  },
  async seed() {
    log.info(await seedDemoEvents(), 'demo events in place (demo: true)')
  },
}

// The front door: what other modules may use.
export { attendeesInYear, checkedInMembers } from './events.stats.js'
export { seedDemoEvents } from './events.seed.js'
export { registerEventIndicators } from './events.indicators.js'
