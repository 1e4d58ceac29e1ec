import type { KenesModule } from '../../core/module.js'
import { registerBuiltinIndicators } from './indicators.builtin.js'
import { statsRouter } from './stats.routes.js'

registerBuiltinIndicators()

/** The grant's indicators, computed live (GET /api/v1/stats/indicators). */
export const statsModule: KenesModule = { name: 'stats', api: statsRouter }

// The front door: how the events and grants modules plug their indicators in.
export {
  countingIndicator,
  registerDialogueParticipation,
  registerIndicator,
  type DialogueParticipationSource,
  type IndicatorProvider,
  type IndicatorResult,
  type YearRange,
} from './indicators.registry.js'
export { computeIndicators } from './stats.service.js'
