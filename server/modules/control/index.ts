import type { KenesModule } from '../../core/module.js'
import { controlJobs } from './control.jobs.js'
import { controlRouter } from './control.routes.js'
import { seedControl } from './control.seed.js'

export const controlModule: KenesModule = { name: 'control', api: controlRouter, jobs: controlJobs, seed: seedControl }

export { seedControl } from './control.seed.js'
