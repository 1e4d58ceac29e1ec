import mongoose from 'mongoose'
import type { CouncilListQuery, CreateCouncil, UpdateCouncil } from '../../../shared/schemas/councils.js'
import type { Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { invalidatePublicCache } from '../../core/cache.js'
import { conflict, forbidden, isDuplicateKey, notFound, validationFailed } from '../../core/errors.js'
import { compareCursorKeys, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { assertCan, can, type Actor } from '../../core/policy.js'
import { indexTokens, normalize, relevance, searchFilter, queryGroups } from '../../core/search.js'
import { findRegion, findRegionById } from '../regions/index.js'
import { councilStats, findCouncilWithStats } from './council-stats.js'
import { Council, type CouncilDoc } from './council.model.js'
import { emitCouncilChange } from './councils.events.js'
import { slugify, uniqueSlug } from '../../core/slug.js'
import { LEVEL_RANK, toListItem, toProfile, type CouncilListDoc } from './councils.view.js'

const isObjectId = (s: string) => /^[0-9a-f]{24}$/i.test(s)
/** The fields a council list item needs (plus its sort key, for the cursor). */
export const LIST_FIELDS = { slug: 1, name: 1, level: 1, regionId: 1, stateBody: 1, logo: 1, levelRank: 1, sortName: 1 }

/** Invalidation tags of the public cache that show councils (lists, profiles, their stats). */
export const COUNCIL_CACHE_TAGS = ['councils']
/** The tag of one council's cached profile (its stats change with other modules' writes). */
export const councilCacheTag = (councilId: string) => `council:${councilId}`

async function regionOrFail(
  regionId: string | null | undefined,
): Promise<{ id: string; name: { kk: string; ru: string } } | null> {
  if (!regionId) return null
  const region = await findRegionById(regionId)
  if (!region) throw validationFailed([{ path: 'body.regionId', code: 'region_unknown' }])
  return region
}

type LocalizedField = { kk?: string | null; ru?: string | null } | null | undefined

function derived(
  c: { name?: LocalizedField; stateBody?: LocalizedField; description?: LocalizedField; level: string },
  regionName: unknown,
) {
  return {
    levelRank: LEVEL_RANK[c.level as keyof typeof LEVEL_RANK] ?? 9,
    sortName: normalize(c.name?.kk || c.name?.ru || ''),
    searchTokens: indexTokens(
      c.name,
      c.stateBody,
      regionName as { kk?: string; ru?: string } | undefined,
      c.description,
    ),
  }
}

const members = (list: CreateCouncil['members']) =>
  (list ?? []).map((m, order) => ({ fullName: m.fullName, position: m.position, userId: m.userId ?? null, order }))

const takenSlugs = async (slugs: string[]) =>
  (await Council.find({ slug: mongoose.trusted({ $in: slugs }) }, { slug: 1 }).lean<Pick<CouncilDoc, 'slug'>[]>()).map(
    (d) => d.slug,
  )

export async function createCouncil(actor: Actor, body: CreateCouncil, opts: { demo?: boolean } = {}) {
  assertCan(actor, 'council.create')
  const region = await regionOrFail(body.level === 'republican' ? null : body.regionId)
  if (!body.allowDuplicate) await refuseDuplicateName(body.name, region?.id ?? null)
  const base = slugify(body.name.ru || body.name.kk || '')
  for (let attempt = 0; ; attempt++) {
    const slug = await uniqueSlug(base, takenSlugs, 'council')
    try {
      const doc = await Council.create({
        slug,
        name: body.name,
        level: body.level,
        regionId: region?.id ?? null,
        stateBody: body.stateBody,
        description: body.description ?? {},
        contacts: body.contacts ?? {},
        members: members(body.members),
        demo: Boolean(opts.demo),
        ...derived(body, region?.name),
      })
      invalidatePublicCache(COUNCIL_CACHE_TAGS)
      await audit({
        actorId: actor.id,
        action: 'council.create',
        target: { kind: 'council', id: String(doc._id) },
        details: { slug },
      })
      return toProfile(doc.toObject(), await councilStats(String(doc._id)))
    } catch (err) {
      // Another creator took the same slug between our check and our insert: take the next one.
      if (isDuplicateKey(err) && attempt < 3) continue
      throw err
    }
  }
}

/** 409 `councils.duplicate_name` when a live council of the same region already has this kk or ru name. */
async function refuseDuplicateName(name: { kk?: string; ru?: string }, regionId: string | null): Promise<void> {
  const wanted = [name.kk, name.ru].filter((n): n is string => Boolean(n)).map(normalize)
  const sameRegion = await Council.find({ regionId, archivedAt: null }, { name: 1, slug: 1 }).lean<
    Pick<CouncilDoc, '_id' | 'name' | 'slug'>[]
  >()
  const twin = sameRegion.find((c) => [c.name?.kk, c.name?.ru].some((n) => n && wanted.includes(normalize(n))))
  if (twin) throw conflict('councils.duplicate_name', { slug: twin.slug })
}

async function liveCouncil(id: string) {
  if (!isObjectId(id)) throw notFound('council')
  const c = await Council.findById(id)
  if (!c || c.archivedAt) throw notFound('council')
  return c
}

export async function updateCouncil(actor: Actor, id: string, body: UpdateCouncil) {
  assertCan(actor, 'council.update', { councilId: id })
  // A council's own members edit its profile, not its place in the structure.
  if ((body.level !== undefined || body.regionId !== undefined) && !can(actor, 'council.update_structure'))
    throw forbidden()
  const c = await liveCouncil(id)
  const level = body.level ?? c.level
  let regionId: string | null = c.regionId ? String(c.regionId) : null
  if (body.regionId !== undefined) regionId = body.regionId
  if (level === 'republican') regionId = null
  if (level !== 'republican' && !regionId) throw validationFailed([{ path: 'body.regionId', code: 'region_required' }])
  const region = await regionOrFail(regionId)

  const set: Record<string, unknown> = { level, regionId }
  for (const key of ['name', 'stateBody'] as const) if (body[key]) set[key] = body[key]
  if (body.description !== undefined) set.description = body.description ?? {}
  if (body.contacts !== undefined) set.contacts = body.contacts ?? {}
  if (body.members !== undefined) set.members = members(body.members)
  const next = {
    name: set.name ?? c.name,
    stateBody: set.stateBody ?? c.stateBody,
    description: set.description ?? c.description,
    level,
  }
  Object.assign(set, derived(next, region?.name))
  const updated = await Council.findOneAndUpdate(
    { _id: c._id, archivedAt: null },
    { $set: set },
    { returnDocument: 'after' },
  ).lean()
  if (!updated) throw notFound('council')
  invalidatePublicCache(COUNCIL_CACHE_TAGS)
  if (String(c.regionId ?? '') !== String(regionId ?? '')) await emitCouncilChange({ councilId: id, regionId })
  await audit({
    actorId: actor.id,
    action: 'council.update',
    target: { kind: 'council', id },
    details: { fields: Object.keys(body) },
  })
  return toProfile(updated, await councilStats(id))
}

/** Archived, never erased: it disappears from lists and lookups, its data stays. */
export async function archiveCouncil(actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'council.archive')
  const c = await liveCouncil(id)
  await Council.updateOne({ _id: c._id }, { $set: { archivedAt: new Date() } })
  invalidatePublicCache(COUNCIL_CACHE_TAGS)
  await emitCouncilChange({ councilId: id, archived: true })
  await audit({
    actorId: actor.id,
    action: 'council.archive',
    target: { kind: 'council', id },
    details: { slug: c.slug },
  })
}

/** Finds a live council by id or slug (404 for malformed, unknown or archived). */
/** By id or slug (an aggregate is not cast by mongoose: the id is an ObjectId here). */
function liveCouncilFilter(idOrSlug: string): { _id: mongoose.Types.ObjectId } | { slug: string } {
  return isObjectId(idOrSlug)
    ? { _id: new mongoose.Types.ObjectId(idOrSlug.toLowerCase()) }
    : { slug: String(idOrSlug) }
}

export async function findLiveCouncil(idOrSlug: string): Promise<Omit<CouncilDoc, 'searchTokens'>> {
  const filter = liveCouncilFilter(idOrSlug)
  // searchTokens is the search index's field, never shown: it is most of a council's bytes.
  const c = await Council.findOne({ ...filter, archivedAt: null }, { searchTokens: 0 }).lean<
    Omit<CouncilDoc, 'searchTokens'>
  >()
  if (!c) throw notFound('council')
  return c
}

/** The public profile; members' linked user ids only for those who may edit the council. */
export async function getCouncilProfile(idOrSlug: string, actor: Actor | null = null) {
  // The council and its stats in one round trip (council-stats.ts).
  const found = await findCouncilWithStats<Omit<CouncilDoc, 'searchTokens'> & { _id: mongoose.Types.ObjectId }>(
    { ...liveCouncilFilter(idOrSlug), archivedAt: null },
    { searchTokens: 0 },
  )
  if (!found) throw notFound('council')
  const profile = toProfile(found.doc, found.stats)
  if (can(actor, 'council.update', { councilId: profile.id })) return profile
  return { ...profile, members: profile.members.map(({ userId: _userId, ...m }) => m) }
}

/** Resolves `?region=` (id or ISO code) to an id; an unknown region matches nothing. */
export async function resolveRegionFilter(region: string | undefined): Promise<string | null | undefined> {
  if (!region) return undefined
  const r = await findRegion(region)
  return r ? r.id : null
}

/**
 * Lists live councils: level (republican first) then name, or relevance first when searching.
 * Cursor = the last item's sort key, so pages never repeat or skip even when councils are added.
 */
/** A row read with `LIST_FIELDS`: a list item and its sort key. */
type ListRow = CouncilListDoc & Pick<CouncilDoc, 'levelRank' | 'sortName'>

export async function listCouncils(query: CouncilListQuery): Promise<Page<ReturnType<typeof toListItem>>> {
  const filter: Record<string, unknown> = { archivedAt: null }
  const regionId = await resolveRegionFilter(query.region)
  if (regionId === null) return { items: [], nextCursor: null }
  if (regionId) filter.regionId = regionId
  if (query.level) filter.level = query.level
  const search = searchFilter(query.q)
  const cursor = decodeCursor(query.cursor)
  if (search) return searchCouncils({ ...filter, ...search }, query, cursor)

  if (cursor) {
    const [rank, name, id] = cursor
    if (typeof rank !== 'number' || typeof name !== 'string' || typeof id !== 'string' || !isObjectId(id))
      throw invalidCursor()
    filter.$or = [
      { levelRank: mongoose.trusted({ $gt: rank }) },
      { levelRank: rank, sortName: mongoose.trusted({ $gt: name }) },
      { levelRank: rank, sortName: name, _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(id) }) },
    ]
  }
  // Kazakh alphabet order (Ә after А, Ғ after Г, … І last), on MongoDB and the embedded engine alike; the
  // keyset filter above compares under the same collation.
  const docs = await Council.find(filter, LIST_FIELDS)
    .collation({ locale: 'kk' })
    .sort({ levelRank: 1, sortName: 1, _id: 1 })
    .limit(query.limit + 1)
    .lean<ListRow[]>()
  const more = docs.length > query.limit
  const page = docs.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map(toListItem),
    nextCursor: more && last ? encodeCursor([last.levelRank, last.sortName, String(last._id)]) : null,
  }
}

async function searchCouncils(filter: Record<string, unknown>, query: CouncilListQuery, cursor: unknown[] | undefined) {
  // At most a few hundred councils exist: rank them all in memory, then page by the rank key.
  const groups = queryGroups(query.q ?? '')
  const docs = await Council.find(filter, { ...LIST_FIELDS, searchTokens: 1 })
    .limit(2000)
    .lean<(ListRow & Pick<CouncilDoc, 'searchTokens'>)[]>()
  const keyed = docs
    .map((d) => ({
      d,
      key: [-relevance(d.searchTokens, groups), d.levelRank, d.sortName, String(d._id)] as [
        number,
        number,
        string,
        string,
      ],
    }))
    .sort((a, b) => compareCursorKeys(a.key, b.key))
  let start = 0
  if (cursor) {
    if (cursor.length !== 4) throw invalidCursor()
    const after = cursor as [number, number, string, string]
    start = keyed.findIndex((k) => compareCursorKeys(k.key, after) > 0)
    if (start < 0) start = keyed.length
  }
  const page = keyed.slice(start, start + query.limit)
  const more = start + query.limit < keyed.length
  return { items: page.map((k) => toListItem(k.d)), nextCursor: more ? encodeCursor(page.at(-1)!.key) : null }
}
