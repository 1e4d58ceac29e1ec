/**
 * Kazakhstan's working-day calendar for appeal deadlines (five-day week, Asia/Almaty).
 *
 * Sources (checked Nov 2026): the Law "On holidays in the Republic of Kazakhstan" as amended in
 * 2022 (Republic Day 25 Oct restored; Independence Day is 16 Dec only, 17 Dec and 1 Dec dropped),
 * Labour Code art. 85 (a state holiday that falls on a weekend moves the day off to the next
 * working day; religious days off — Orthodox Christmas and the first day of Kurban Ait — do not
 * move), the Ministry of Labour's orders on transfers, and the Spiritual Administration of
 * Muslims' dates for Kurban Ait. Update `PUBLISHED` every autumn when the next year is published.
 */

/** Deadlines are kept in Almaty time; Kazakhstan uses a single UTC+5 zone since 1 March 2024. */
export const ALMATY_OFFSET_MS = 5 * 3600_000

/** State holidays by `MM-DD` (non-religious: they follow art. 85's weekend rule). */
const STATE_HOLIDAYS = [
  '01-01',
  '01-02', // New Year
  '03-08', // International Women's Day
  '03-21',
  '03-22',
  '03-23', // Nauryz meiramy
  '05-01', // Unity Day
  '05-07', // Defender of the Fatherland Day
  '05-09', // Victory Day
  '07-06', // Capital Day
  '08-30', // Constitution Day
  '10-25', // Republic Day (again a holiday since 2022)
  '12-16', // Independence Day (one day since 2022)
] as const

/** Religious days off: no transfer when they fall on a weekend. */
const ORTHODOX_CHRISTMAS = '01-07'

interface YearTable {
  /** First day of Kurban Ait as set by the Ministry of Labour with the Spiritual Administration. */
  kurbanAit: string
  /** Government/Ministry transfers: `off` becomes a day off, `work` (a weekend day) a working day. */
  transfers: { off: string; work: string }[]
  /** False where the year's data could not be checked against a published source. */
  verified: boolean
}

export const PUBLISHED: Record<number, YearTable> = {
  // Kurban Ait Monday 17 June; order of 17 April 2024: Saturday 4 May worked, Wednesday 8 May off.
  2024: { kurbanAit: '2024-06-17', transfers: [{ off: '2024-05-08', work: '2024-05-04' }], verified: true },
  // Kurban Ait Friday 6 June; order: Sunday 5 January worked, Friday 3 January off.
  2025: { kurbanAit: '2025-06-06', transfers: [{ off: '2025-01-03', work: '2025-01-05' }], verified: true },
  // Kurban Ait Wednesday 27 May; no transfers beyond art. 85 (eGov calendar 2026).
  2026: { kurbanAit: '2026-05-27', transfers: [], verified: true },
  // Not yet published when written: astronomical estimate of Kurban Ait (a Sunday), no transfers.
  2027: { kurbanAit: '2027-05-16', transfers: [], verified: false },
}

const DAY_MS = 86_400_000

/** `YYYY-MM-DD` of a UTC-midnight date number. */
const keyOf = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10)
const dayOf = (key: string): number => Date.parse(`${key}T00:00:00Z`)
const isWeekendDay = (dayMs: number): boolean => {
  const wd = new Date(dayMs).getUTCDay()
  return wd === 0 || wd === 6
}

/** Days off beyond ordinary weekends, and weekend days that are worked, for one year. */
interface YearDays {
  off: Set<string>
  worked: Set<string>
}
const cache = new Map<number, YearDays>()

function yearDays(year: number): YearDays {
  const hit = cache.get(year)
  if (hit) return hit
  const table = PUBLISHED[year]
  const off = new Set<string>()
  const worked = new Set<string>(table?.transfers.map((t) => t.work) ?? [])
  for (const t of table?.transfers ?? []) off.add(t.off)
  off.add(`${year}-${ORTHODOX_CHRISTMAS}`)
  if (table) off.add(table.kurbanAit)
  for (const md of STATE_HOLIDAYS) off.add(`${year}-${md}`)
  // Art. 85: every state holiday on a Saturday or Sunday gives one more day off on the next
  // working day after it (Nauryz 2026: Sat 21 and Sun 22 → Tue 24 and Wed 25 off). The previous
  // year's carry (a holiday on 30–31 Dec) is not possible with today's list, so it starts at 0.
  let carry = 0
  const start = Date.UTC(year, 0, 1)
  const end = Date.UTC(year + 1, 0, 1)
  for (let d = start; d < end; d += DAY_MS) {
    const key = keyOf(d)
    const stateHoliday = (STATE_HOLIDAYS as readonly string[]).includes(key.slice(5))
    if (stateHoliday && isWeekendDay(d) && !worked.has(key)) carry++
    else if (carry > 0 && !off.has(key) && (!isWeekendDay(d) || worked.has(key))) {
      off.add(key)
      carry--
    }
  }
  const result = { off, worked }
  cache.set(year, result)
  return result
}

/** Whether a calendar day (`YYYY-MM-DD`, Almaty) is a working day. */
export function isWorkingDay(key: string): boolean {
  const year = Number(key.slice(0, 4))
  const { off, worked } = yearDays(year)
  if (worked.has(key)) return true
  if (off.has(key)) return false
  return !isWeekendDay(dayOf(key))
}

/** The Almaty calendar day of an instant. */
export function almatyDay(at: Date): string {
  return keyOf(Math.floor((at.getTime() + ALMATY_OFFSET_MS) / DAY_MS) * DAY_MS)
}

/** The last millisecond of a calendar day in Almaty (23:59:59.999 local). */
export function endOfAlmatyDay(key: string): Date {
  return new Date(dayOf(key) + DAY_MS - 1 - ALMATY_OFFSET_MS)
}

/** The n-th working day strictly after `key` (the term starts the day after registration). */
export function addWorkingDays(key: string, n: number): string {
  let d = dayOf(key)
  let left = n
  while (left > 0) {
    d += DAY_MS
    if (isWorkingDay(keyOf(d))) left--
  }
  return keyOf(d)
}

/** The latest working day on or before `key`. */
export function workingDayOnOrBefore(key: string): string {
  let d = dayOf(key)
  while (!isWorkingDay(keyOf(d))) d -= DAY_MS
  return keyOf(d)
}

/** Deadline `n` working days after the instant `from`: the end of that working day in Almaty. */
export function workingDeadline(from: Date, n: number): Date {
  return endOfAlmatyDay(addWorkingDays(almatyDay(from), n))
}

/** The instant `n` working days before a deadline's day, at 09:00 Almaty (a reminder time). */
export function workingDaysBefore(deadline: Date, n: number): Date {
  let d = dayOf(almatyDay(deadline))
  let left = n
  while (left > 0) {
    d -= DAY_MS
    if (isWorkingDay(keyOf(d))) left--
  }
  return new Date(d + 9 * 3600_000 - ALMATY_OFFSET_MS)
}

/** Working days from the day after `from` up to and including the day of `to` (0 if same day). */
export function workingDaysBetween(from: Date, to: Date): number {
  const a = dayOf(almatyDay(from))
  const b = dayOf(almatyDay(to))
  let n = 0
  for (let d = a + DAY_MS; d <= b; d += DAY_MS) if (isWorkingDay(keyOf(d))) n++
  return n
}

/** `months` calendar months after the Almaty day of `from` (clamped to the month's end). */
export function addMonthsKey(from: Date, months: number): string {
  const [y, m, d] = almatyDay(from).split('-').map(Number)
  const target = new Date(Date.UTC(y, m - 1 + months, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  return keyOf(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last)))
}

/** The Almaty year of an instant (tracking numbers are per year). */
export function almatyYear(at: Date): number {
  return Number(almatyDay(at).slice(0, 4))
}
