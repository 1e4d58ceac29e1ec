import type { KenesModule } from '../../core/module.js'
import { supportRouter } from './support.routes.js'

/** Support desk: tickets from anyone (guests by number + code), a staff queue, e-mails on staff moves. */
export const supportModule: KenesModule = {
  name: 'support',
  api: supportRouter,
}
