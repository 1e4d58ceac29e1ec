import type { KenesModule } from '../../core/module.js'
import { log } from '../../core/logger.js'
import { councilsRouter } from './councils.routes.js'
import { seedDemo } from './councils.seed.js'

export const councilsModule: KenesModule = {
  name: 'councils',
  api: councilsRouter,
  async seed() {
    const r = await seedDemo((s) => log.info(s))
    log.info(r, 'demo councils and news in place (demo: true)')
  },
}
