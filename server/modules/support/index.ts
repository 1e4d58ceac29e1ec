import { supportPersonalData } from './support.personal.js'
import type { KenesModule } from '../../core/module.js'
import { log } from '../../core/logger.js'
import { supportRouter } from './support.routes.js'
import { removeUncommittedScreenshots } from './support.service.js'
import { supportJobs } from './support.notify.js'

/** Support desk: tickets from anyone (guests by number + code), a staff queue, e-mails on staff moves (queued jobs). */
export const supportModule: KenesModule = {
  name: 'support',
  api: supportRouter,
  jobs: supportJobs,
  personalData: supportPersonalData,
  async start() {
    const removed = await removeUncommittedScreenshots()
    if (removed.length) log.info({ removed }, 'screenshots of tickets never committed removed')
  },
}
