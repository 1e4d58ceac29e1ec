import { dialogueSendersByMonth } from '../chat/index.js'
import { compendiumGeneratedAt } from '../practices/index.js'
import { activeUserCounts, councilMemberIds } from '../users/index.js'
import { countPublishedBetween } from '../videos/index.js'
import {
  countingIndicator,
  participationSources,
  registerDialogueParticipation,
  registerIndicator,
  type IndicatorResult,
  type YearRange,
} from './indicators.registry.js'

/** The indicators this branch computes itself, from the front doors of the modules holding the data. */
const round1 = (n: number) => Math.round(n * 10) / 10
const growth = (cur: number, prev: number) => (prev > 0 ? round1(((cur - prev) / prev) * 100) : null)
const running = (xs: number[]) => {
  let s = 0
  return xs.map((x) => (s += x))
}

/** 1. Distinct users active while signed in during the year vs the year before (%). */
async function activeUsersGrowth({ year }: YearRange): Promise<IndicatorResult> {
  const [cur, prev] = await Promise.all([activeUserCounts(year), activeUserCounts(year - 1)])
  const ytdCur = running(cur.firstActiveByMonth)
  const ytdPrev = running(prev.firstActiveByMonth)
  return {
    value: growth(cur.distinct, prev.distinct),
    // Month m: January..m of this year against January..m of the year before.
    series: ytdCur.map((c, m) => growth(c, ytdPrev[m])),
    details: { activeUsers: cur.distinct, previousYear: prev.distinct },
  }
}

/** 2. Council members who took part in inter-regional dialogue (any registered source) ÷ council members (%). */
async function membersInDialogue(range: YearRange): Promise<IndicatorResult> {
  const [members, ...sources] = await Promise.all([
    councilMemberIds(),
    ...participationSources().map(([, source]) => source(range)),
  ])
  const memberSet = new Set(members)
  const seen = new Set<string>()
  const series: number[] = []
  for (let m = 0; m < 12; m++) {
    for (const source of sources) for (const id of source[m] ?? []) if (memberSet.has(id)) seen.add(id)
    series.push(memberSet.size ? round1((seen.size / memberSet.size) * 100) : 0)
  }
  return { value: series[11], series, details: { members: memberSet.size, participants: seen.size } }
}

/** 5a. Videos first published in the year. */
const videosPublished = countingIndicator(({ monthStarts }) =>
  Promise.all(monthStarts.slice(0, 12).map((from, m) => countPublishedBetween(from, monthStarts[m + 1]))),
)

/** 5b. The year's best-practices compendium exists (1) from the month it was first generated. */
async function compendium({ year, monthStarts }: YearRange): Promise<IndicatorResult> {
  const at = await compendiumGeneratedAt(year)
  const series = monthStarts.slice(1).map((end) => (at && at < end ? 1 : 0))
  return { value: at ? 1 : 0, series }
}

export function registerBuiltinIndicators(): void {
  registerIndicator('active_users_growth', activeUsersGrowth)
  registerIndicator('members_in_dialogue', membersInDialogue)
  registerIndicator('videos_published', videosPublished)
  registerIndicator('best_practices_compendium', compendium)
  registerDialogueParticipation('chat.dialogue_rooms', ({ year }) => dialogueSendersByMonth(year))
}
