import { councilsPersonalData } from './councils.personal.js'
import type { KenesModule } from '../../core/module.js'
import { log } from '../../core/logger.js'
import { councilsRouter } from './councils.routes.js'
import { seedDemo } from './councils.seed.js'

export const councilsModule: KenesModule = {
  name: 'councils',
  api: councilsRouter,
  personalData: councilsPersonalData,
  async seed() {
    const r = await seedDemo((s) => log.info(s))
    log.info(r, 'demo councils in place (demo: true)')
  },
}

// The front door: what other modules may use.
export {
  COUNT_STAGE,
  countOf,
  registerCouncilStats,
  type CouncilStats,
  type CouncilStatsProvider,
} from './council-stats.js'
export { onCouncilChange, type CouncilChange } from './councils.events.js'
export { findCouncilSummary, findCouncilSummaries, type CouncilSummary } from './councils.lookup.js'
export { COUNCIL_CACHE_TAGS, councilCacheTag, findLiveCouncil, resolveRegionFilter } from './councils.service.js'
export { listDemoCouncils, seedDemo } from './councils.seed.js'
