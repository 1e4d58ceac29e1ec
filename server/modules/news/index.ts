import type { KenesModule } from '../../core/module.js'
import { registerCouncilStats } from '../councils/council-stats.js'
import { onCouncilChange } from '../councils/councils.events.js'
import { startViewPruning } from './news.jobs.js'
import { newsRouter } from './news.routes.js'
import { followCouncil, publishedNewsCount } from './news.service.js'

registerCouncilStats('news', async (councilId) => ({ news: await publishedNewsCount(councilId) }))
onCouncilChange(followCouncil)

export const newsModule: KenesModule = {
  name: 'news',
  api: newsRouter,
  async start(ctx) {
    if (ctx.config.jobsEnabled) await startViewPruning()
  },
}
