import type { KenesModule } from '../../core/module.js'
import { onCouncilChange, registerCouncilStats } from '../councils/index.js'
import { log } from '../../core/logger.js'
import { seedDemoNews } from './news.seed.js'
import { newsJobs, startViewPruning } from './news.jobs.js'
import { newsRouter } from './news.routes.js'
import { followCouncil, publishedNewsStats } from './news.service.js'

registerCouncilStats('news', publishedNewsStats)
onCouncilChange(followCouncil)

export const newsModule: KenesModule = {
  name: 'news',
  api: newsRouter,
  jobs: newsJobs,
  async start(ctx) {
    if (ctx.config.jobsEnabled) await startViewPruning()
  },
  async seed() {
    log.info(await seedDemoNews(), 'demo news in place (demo: true)')
  },
}

// The front door: what other modules may use.
export { seedDemoNews } from './news.seed.js'
