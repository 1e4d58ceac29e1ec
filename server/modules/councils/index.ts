import type { KenesModule } from '../../core/module.js'
import { councilsRouter } from './councils.routes.js'

export const councilsModule: KenesModule = { name: 'councils', api: councilsRouter }
