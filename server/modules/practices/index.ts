import type { KenesModule } from '../../core/module.js'
import { log } from '../../core/logger.js'
import { practicesJobs } from './practices.compendium.js'
import { practicesRouter } from './practices.routes.js'
import { seedDemoPractices } from './practices.seed.js'

/** Best practices of councils and the yearly compendium (PDF, kk and ru). */
export const practicesModule: KenesModule = {
  name: 'practices',
  api: practicesRouter,
  jobs: practicesJobs,
  async seed() {
    log.info(await seedDemoPractices(), 'demo best practices in place (demo: true)')
  },
}

// The front door: what other modules may use.
export { compendiumGeneratedAt } from './practices.compendium.js'
