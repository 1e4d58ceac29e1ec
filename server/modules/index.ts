import type { KenesModule } from '../core/module.js'
import { appealsModule } from './appeals/index.js'
import { chatModule } from './chat/index.js'
import { newsModule } from './news/index.js'
import { councilsModule } from './councils/index.js'
import { eventsModule } from './events/index.js'
import { controlModule } from './control/index.js'
import { grantsModule } from './grants/index.js'
import { healthModule } from './health/index.js'
import { regionsModule } from './regions/index.js'
import { supportModule } from './support/index.js'
import { practicesModule } from './practices/index.js'
import { statsModule } from './stats/index.js'
import { usersModule } from './users/index.js'
import { videosModule } from './videos/index.js'

/**
 * Every business module, in mount and seed order (a module's demo data may build on an earlier
 * module's). Add yours with one import and one entry.
 */
export const modules: KenesModule[] = [
  healthModule,
  usersModule,
  regionsModule,
  councilsModule,
  newsModule,
  chatModule,
  videosModule,
  appealsModule,
  supportModule,
  practicesModule,
  statsModule,
  eventsModule,
  grantsModule,
  controlModule,
]
