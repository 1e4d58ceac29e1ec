import type { z } from 'zod'
import type { CouncilListItem, CouncilProfile } from '../../../shared/schemas/councils.js'
import { localized, type Localized } from '../../core/i18n.js'
import { storedUrl } from '../../core/storage.js'
import type { CouncilStats } from './council-stats.js'
import type { CouncilDoc } from './council.model.js'

type LocalizedField = { kk?: string | null; ru?: string | null } | null | undefined
const localizedOrNull = (v: LocalizedField): Localized | null => (v?.kk || v?.ru ? localized(v) : null)

/** What a list item reads (`LIST_FIELDS`). */
export type CouncilListDoc = Pick<CouncilDoc, '_id' | 'slug' | 'name' | 'level' | 'regionId' | 'stateBody' | 'logo'>

export const LEVEL_RANK = { republican: 0, oblast: 1, city: 2, district: 3 } as const

export function toListItem(c: CouncilListDoc): z.infer<typeof CouncilListItem> {
  return {
    id: String(c._id),
    slug: c.slug,
    name: localized(c.name),
    level: c.level,
    regionId: c.regionId ? String(c.regionId) : null,
    stateBody: localized(c.stateBody),
    logoUrl: storedUrl(c.logo),
  }
}

export function toProfile(c: Omit<CouncilDoc, 'searchTokens'>, stats: CouncilStats): z.infer<typeof CouncilProfile> {
  const contacts = c.contacts ?? {}
  return {
    ...toListItem(c),
    description: localizedOrNull(c.description),
    contacts: {
      ...(localizedOrNull(contacts.address) ? { address: localized(contacts.address) } : {}),
      ...(contacts.phone ? { phone: contacts.phone } : {}),
      ...(contacts.email ? { email: contacts.email } : {}),
      ...(contacts.website ? { website: contacts.website } : {}),
    },
    members: [...(c.members ?? [])]
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
      .map((m) => ({
        id: String(m._id),
        fullName: localized(m.fullName),
        position: m.position,
        userId: m.userId ? String(m.userId) : null,
        photoUrl: storedUrl(m.photo),
      })),
    stats,
    demo: Boolean(c.demo),
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
  }
}
