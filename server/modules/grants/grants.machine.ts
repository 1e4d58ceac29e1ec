import type { ApplicationStatus, AwardStatus, CallStatus, ReportStatus } from '../../../shared/schemas/grants.js'
import { stateMachine } from '../../core/state-machine.js'

/** Every allowed transition of the grant objects; anything else is 409 `grants.invalid_transition`. */
export const callMachine = stateMachine<CallStatus>('grants', {
  draft: ['published'],
  published: ['closed'],
  closed: [],
})
export const applicationMachine = stateMachine<ApplicationStatus>('grants', {
  draft: ['submitted', 'withdrawn'],
  submitted: ['withdrawn', 'awarded'],
  withdrawn: [],
  awarded: [],
})
export const awardMachine = stateMachine<AwardStatus>('grants', {
  active: ['completed'],
  completed: [],
})
export const reportMachine = stateMachine<ReportStatus>('grants', {
  submitted: ['accepted', 'returned'],
  accepted: [],
  returned: [],
})
