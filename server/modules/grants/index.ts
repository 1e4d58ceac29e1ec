import { grantsPersonalData } from './grants.personal.js'
import type { KenesModule } from '../../core/module.js'
import { grantsJobs } from './grants.jobs.js'
import { grantsRouter } from './grants.routes.js'
import { seedGrants } from './grants.seed.js'
import { registerGrantIndicators } from './grants.indicators.js'

// The grant's indicators count what this module records (stats module's front door).
registerGrantIndicators()

export const grantsModule: KenesModule = {
  name: 'grants',
  api: grantsRouter,
  jobs: grantsJobs,
  seed: seedGrants,
  personalData: grantsPersonalData,
}

// The front door: what other modules may use.
export { findAwardSummary, findCouncilAwardIds } from './grants.lookup.js'
export { seedGrants } from './grants.seed.js'
export { registerGrantIndicators } from './grants.indicators.js'
