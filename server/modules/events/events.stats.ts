import mongoose from 'mongoose'
import { DIALOGUE_INDICATOR_KINDS, type EventKind } from '../../../shared/schemas/events.js'
import { AttendanceModel } from './events.model.js'

/**
 * Distinct council members who attended (were checked in at) an event of these kinds in `year`:
 * one `distinct` over the attendance index `{ year, kind, member, userId }`.
 */
export async function attendeesInYear(
  year: number,
  kinds: readonly EventKind[] = DIALOGUE_INDICATOR_KINDS,
): Promise<string[]> {
  const ids = await AttendanceModel.distinct('userId', {
    year,
    kind: mongoose.trusted({ $in: [...kinds] }),
    member: true,
  })
  return ids.map(String)
}

/** Council members checked in at one event (the Forum needs ≥ 70, the Assembly ≥ 200). */
export async function checkedInMembers(eventId: string): Promise<number> {
  return AttendanceModel.countDocuments({ eventId: new mongoose.Types.ObjectId(eventId), member: true })
}
