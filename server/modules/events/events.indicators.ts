import mongoose from 'mongoose'
import { DIALOGUE_INDICATOR_KINDS } from '../../../shared/schemas/events.js'
import { countingIndicator, registerDialogueParticipation, registerIndicator, type YearRange } from '../stats/index.js'
import { AttendanceModel, EventModel } from './events.model.js'

/** Republic-level events count only with this many council members checked in (the grant's terms). */
export const REPUBLIC_EVENT_MIN_MEMBERS = { forum: 70, assembly: 200 } as const

/** Index of the month (0..11) of the year an instant falls in. */
const monthOf = (range: YearRange, at: Date) => {
  for (let m = 11; m >= 0; m--) if (at >= range.monthStarts[m]) return m
  return 0
}

/** Finished events of `kinds` that started in the year, per month (by their start). */
type FinishedEvent = { _id: unknown; kind: string; startsAt: Date; venue?: { regionId?: unknown } | null }
async function finishedEvents(range: YearRange, kinds: string[]): Promise<FinishedEvent[]> {
  return EventModel.find(
    {
      status: 'finished',
      kind: mongoose.trusted({ $in: kinds }),
      startsAt: mongoose.trusted({ $gte: range.from, $lt: range.to }),
    },
    { kind: 1, startsAt: 1, 'venue.regionId': 1 },
  ).lean<FinishedEvent[]>()
}

/**
 * The events module's indicators, computed in the database from what events record: finished
 * dialogue platforms, finished republic-level events with their quorum of members checked in, and
 * the members who attended (for `members_in_dialogue`, with the chat's dialogue-room posters).
 */
export function registerEventIndicators(): void {
  registerIndicator('dialogue_platforms', async (range) => {
    const events = await finishedEvents(range, ['dialogue'])
    const counts = Array<number>(12).fill(0)
    // By the venue's region; an online platform (no venue) counts at republic level.
    const byRegion = new Map<string | null, number>()
    for (const e of events) {
      counts[monthOf(range, e.startsAt)]++
      const r = e.venue?.regionId ? String(e.venue.regionId) : null
      byRegion.set(r, (byRegion.get(r) ?? 0) + 1)
    }
    const result = await countingIndicator(async () => counts)(range)
    return { ...result, regions: [...byRegion].map(([regionId, value]) => ({ regionId, value })) }
  })
  registerIndicator(
    'republic_events',
    countingIndicator(async (range) => {
      const counts = Array<number>(12).fill(0)
      const events = await finishedEvents(range, ['forum', 'assembly'])
      if (!events.length) return counts
      const present = await AttendanceModel.aggregate<{ _id: unknown; n: number }>([
        { $match: { eventId: { $in: events.map((e) => e._id) }, member: true } },
        { $group: { _id: '$eventId', n: { $sum: 1 } } },
      ])
      const byEvent = new Map(present.map((p) => [String(p._id), p.n]))
      for (const e of events) {
        const quorum = REPUBLIC_EVENT_MIN_MEMBERS[e.kind as 'forum' | 'assembly']
        if ((byEvent.get(String(e._id)) ?? 0) >= quorum) counts[monthOf(range, e.startsAt)]++
      }
      return counts
    }),
  )
  registerDialogueParticipation('events', async (range) => {
    const rows = await AttendanceModel.find(
      { year: range.year, kind: mongoose.trusted({ $in: [...DIALOGUE_INDICATOR_KINDS] }), member: true },
      { userId: 1, at: 1 },
    ).lean<{ userId: unknown; at: Date }[]>()
    const months: string[][] = Array.from({ length: 12 }, () => [])
    for (const r of rows) months[monthOf(range, r.at)].push(String(r.userId))
    return months
  })
}
