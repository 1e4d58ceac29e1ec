import mongoose from 'mongoose'
import type { Lang } from '../../../shared/schemas/common.js'
import type { CreateNews, UpdateNews } from '../../../shared/schemas/news.js'
import { audit } from '../../core/audit.js'
import { invalidatePublicCache } from '../../core/cache.js'
import { isDuplicateKey, notFound, validationFailed } from '../../core/errors.js'
import { reencodeImage } from '../../core/images.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { indexTokens } from '../../core/search.js'
import { randomName, removeStored, writeStored } from '../../core/storage.js'
import { COUNT_STAGE, countOf, findCouncilSummary, type CouncilStatsProvider } from '../councils/index.js'
import { slugify, uniqueSlug } from '../../core/slug.js'
import { cancelPublication, NEWS_CACHE_TAGS, newsChanged, schedulePublication } from './news.jobs.js'
import { News } from './news.model.js'
import { bodyText, sanitizeBody } from './news.sanitize.js'
import { toItem } from './news.view.js'

type Localized = { kk?: string; ru?: string }
const isObjectId = (s: string) => /^[0-9a-f]{24}$/i.test(s)

function cleanBody(body: Localized): Localized {
  const out: Localized = {}
  for (const lng of ['kk', 'ru'] as const) {
    const html = body[lng] ? sanitizeBody(body[lng]!) : ''
    if (html) out[lng] = html
  }
  // A body that was nothing but forbidden markup is empty now: refuse rather than store nothing.
  if (!out.kk && !out.ru) throw validationFailed([{ path: 'body.body', code: 'localized_required' }])
  return out
}

const tokensOf = (n: { title?: Localized; summary?: Localized | null; body?: Localized; tags?: string[] }) =>
  indexTokens(n.title, n.summary ?? undefined, (n.tags ?? []).join(' '), bodyText(n.body?.kk), bodyText(n.body?.ru))

const takenSlugs = async (slugs: string[]) =>
  (await News.find({ slug: mongoose.trusted({ $in: slugs }) }, { slug: 1 }).lean()).map((d) => d.slug)

/** The council an article belongs to (404 if the article does not exist): route scope for `authorize`. */
export async function newsCouncilId(id: string): Promise<string> {
  const n = isObjectId(id) ? await News.findById(id, { councilId: 1 }).lean() : null
  if (!n) throw notFound('news')
  return String(n.councilId)
}

export async function createNews(
  actor: Actor,
  councilId: string,
  body: CreateNews,
  opts: { demo?: boolean; publishedAt?: Date; lng?: Lang } = {},
) {
  assertCan(actor, 'news.publish', { councilId })
  const council = await findCouncilSummary(councilId)
  if (!council) throw notFound('council')
  const html = cleanBody(body.body)
  // The slug follows the language the author writes in (the request's), so a Kazakh article gets a
  // transliteration of its Kazakh title, not of its Russian translation.
  const lng = opts.lng ?? 'kk'
  const base = slugify(body.title[lng] || body.title[lng === 'kk' ? 'ru' : 'kk'] || '')
  const published = body.status === 'published'
  for (let attempt = 0; ; attempt++) {
    const slug = await uniqueSlug(base, takenSlugs, 'news')
    try {
      const doc = await News.create({
        councilId,
        regionId: council.regionId,
        slug,
        title: body.title,
        summary: body.summary ?? {},
        body: html,
        tags: body.tags ?? [],
        status: body.status,
        publishAt: body.publishAt ?? null,
        publishedAt: published ? (opts.publishedAt ?? new Date()) : null,
        authorId: actor.id,
        searchTokens: tokensOf({ ...body, body: html }),
        demo: Boolean(opts.demo),
      })
      const id = String(doc._id)
      if (body.status === 'scheduled') await schedulePublication(id, body.publishAt!)
      if (published) newsChanged(councilId)
      await audit({
        actorId: actor.id,
        action: 'news.create',
        target: { kind: 'news', id },
        details: { councilId, status: body.status },
      })
      return toItem(doc.toObject())
    } catch (err) {
      if (isDuplicateKey(err) && attempt < 3) continue
      throw err
    }
  }
}

export async function updateNews(actor: Actor, id: string, body: UpdateNews) {
  const n = isObjectId(id) ? await News.findById(id).lean() : null
  if (!n) throw notFound('news')
  assertCan(actor, 'news.publish', { councilId: n.councilId })
  const set: Record<string, unknown> = {}
  if (body.title) set.title = body.title
  if (body.summary !== undefined) set.summary = body.summary ?? {}
  if (body.body) set.body = cleanBody(body.body)
  if (body.tags) set.tags = body.tags
  if (body.publishAt !== undefined) set.publishAt = body.publishAt

  const status = body.status ?? n.status
  const publishAt = (body.publishAt !== undefined ? body.publishAt : n.publishAt) as Date | null
  if (status === 'scheduled') {
    if (!publishAt) throw validationFailed([{ path: 'body.publishAt', code: 'publish_at_required' }])
    if (publishAt.getTime() <= Date.now()) throw validationFailed([{ path: 'body.publishAt', code: 'publish_at_past' }])
  }
  set.status = status
  // The first publication sets the date; unarchiving keeps it (links and feeds stay in order).
  if (status === 'published' && !n.publishedAt) set.publishedAt = new Date()
  if (status === 'scheduled' || status === 'draft') set.publishedAt = null
  Object.assign(set, {
    searchTokens: tokensOf({
      title: (set.title ?? n.title) as Localized,
      summary: (set.summary ?? n.summary) as Localized,
      body: (set.body ?? n.body) as Localized,
      tags: (set.tags ?? n.tags) as string[],
    }),
  })

  const updated = await News.findOneAndUpdate({ _id: n._id }, { $set: set }, { returnDocument: 'after' }).lean()
  if (!updated) throw notFound('news')
  if (status === 'scheduled') await schedulePublication(id, publishAt!)
  else if (n.status === 'scheduled') await cancelPublication(id)
  newsChanged(n.councilId)
  await audit({
    actorId: actor.id,
    action: 'news.update',
    target: { kind: 'news', id },
    details: { fields: Object.keys(body), status },
  })
  return toItem(updated)
}

/** Erases the article and its cover (archiving is `status: "archived"`). */
export async function deleteNews(actor: Actor, id: string): Promise<void> {
  const n = isObjectId(id) ? await News.findById(id, { councilId: 1, cover: 1, slug: 1 }).lean() : null
  if (!n) throw notFound('news')
  assertCan(actor, 'news.publish', { councilId: n.councilId })
  await News.deleteOne({ _id: n._id })
  await cancelPublication(id)
  await removeStored(n.cover as string | null)
  newsChanged(n.councilId)
  await audit({ actorId: actor.id, action: 'news.delete', target: { kind: 'news', id }, details: { slug: n.slug } })
}

export const COVER_MAX_BYTES = 5 * 1024 * 1024

/** Re-encoded cover (WebP ≤ 1600 px); the old file goes once the new one is recorded. */
export async function setNewsCover(actor: Actor, id: string, tmpPath: string) {
  const n = isObjectId(id) ? await News.findById(id, { councilId: 1, cover: 1 }).lean() : null
  if (!n) throw notFound('news')
  assertCan(actor, 'news.publish', { councilId: n.councilId })
  const image = await reencodeImage(tmpPath, { maxWidth: 1600, maxHeight: 1600 })
  const key = await writeStored(`news/${id}/cover-${randomName('webp')}`, image)
  const updated = await News.findOneAndUpdate(
    { _id: n._id },
    { $set: { cover: key } },
    { returnDocument: 'after' },
  ).lean()
  if (!updated) {
    await removeStored(key)
    throw notFound('news')
  }
  if (n.cover && n.cover !== key) await removeStored(n.cover as string)
  newsChanged(n.councilId)
  return toItem(updated)
}

/** Council hooks: an archived council's news leave public lists; a moved council moves its news. */
export async function followCouncil(change: {
  councilId: string
  archived?: boolean
  regionId?: string | null
}): Promise<void> {
  const set: Record<string, unknown> = {}
  if (change.archived) set.councilArchived = true
  if (change.regionId !== undefined) set.regionId = change.regionId
  if (!Object.keys(set).length) return
  await News.updateMany({ councilId: change.councilId }, { $set: set })
  invalidatePublicCache(NEWS_CACHE_TAGS)
}

/** A council profile's published-news count, joined to the council's read (councils/council-stats.ts). */
export const publishedNewsStats: CouncilStatsProvider = {
  from: News.collection.collectionName,
  pipeline: () => [{ $match: { status: 'published' } }, COUNT_STAGE],
  read: (rows) => ({ news: countOf(rows) }),
}
