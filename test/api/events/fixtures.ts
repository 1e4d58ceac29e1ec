import crypto from 'node:crypto'
import { Council } from '../../../server/modules/councils/council.model.js'
import { listRegions } from '../../../server/modules/regions/index.js'
import type { Agent } from '../../helpers/agent.js'

export async function regionIds(): Promise<string[]> {
  return (await listRegions()).map((r) => r.id)
}

/** A council straight in the database, in the region at `regionIndex` (null: republican). */
export async function createCouncil(regionIndex: number | null): Promise<{ id: string; regionId: string | null }> {
  const regions = await regionIds()
  const suffix = crypto.randomBytes(5).toString('hex')
  const regionId = regionIndex === null ? null : regions[regionIndex]
  const doc = await Council.create({
    slug: `ev-${suffix}`,
    name: { kk: `Кеңес ${suffix}`, ru: `Совет ${suffix}` },
    level: regionIndex === null ? 'republican' : 'oblast',
    regionId,
  })
  return { id: String(doc._id), regionId }
}

const HOUR = 3600_000
export function eventBody(
  organizerCouncilIds: string[],
  venueRegionId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const start = Date.now() + 10 * 24 * HOUR
  return {
    kind: 'dialogue',
    title: { kk: 'Өңіраралық диалог алаңы', ru: 'Межрегиональная диалоговая площадка' },
    description: { kk: 'Күн тәртібі: жергілікті бюджет', ru: 'Повестка: местный бюджет' },
    format: 'hybrid',
    venue: { address: { kk: 'Астана, Мәңгілік Ел 8', ru: 'Астана, Мангилик Ел 8' }, regionId: venueRegionId },
    onlineUrl: 'https://meet.example.kz/dialogue',
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 3 * HOUR).toISOString(),
    registrationClosesAt: new Date(start - 24 * HOUR).toISOString(),
    organizerCouncilIds,
    capacity: 70,
    audience: 'members',
    ...extra,
  }
}

/** Creates and publishes an event as `organizer`; returns its view. */
export async function publishedEvent(organizer: Agent, body: Record<string, unknown>) {
  const created = await organizer.post('/api/v1/events', body)
  if (created.status !== 201) throw new Error(`create event: ${created.status} ${created.text}`)
  const published = await organizer.patch(`/api/v1/events/${created.body.id}`, { status: 'published' })
  if (published.status !== 200) throw new Error(`publish event: ${published.status} ${published.text}`)
  return published.body as { id: string; slug: string; [k: string]: unknown }
}
