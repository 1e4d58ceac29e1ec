import type { KenesModule } from '../../core/module.js'
import { grantsJobs } from './grants.jobs.js'
import { grantsRouter } from './grants.routes.js'
import { seedGrants } from './grants.seed.js'

export const grantsModule: KenesModule = { name: 'grants', api: grantsRouter, jobs: grantsJobs, seed: seedGrants }

// The front door: what other modules may use.
export { findAwardSummary, findCouncilAwardIds } from './grants.lookup.js'
export { seedGrants } from './grants.seed.js'
