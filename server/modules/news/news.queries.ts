import crypto from 'node:crypto'
import mongoose from 'mongoose'
import type { Page } from '../../../shared/schemas/common.js'
import type { CouncilNewsListQuery, NewsListQuery } from '../../../shared/schemas/news.js'
import { isDuplicateKey, notFound } from '../../core/errors.js'
import { compareCursorKeys, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { keysetPage } from '../../core/paging.js'
import { can, type MaybeActor } from '../../core/policy.js'
import { queryGroups, relevance, searchFilter } from '../../core/search.js'
import { findLiveCouncil, resolveRegionFilter } from '../councils/index.js'
import { News, NewsView, type NewsDoc } from './news.model.js'
import { COUNCIL_LIST_FIELDS, LIST_FIELDS, toCouncilListItem, toItem, toListItem } from './news.view.js'

const isObjectId = (s: string) => /^[0-9a-f]{24}$/i.test(s)
export const VIEW_WINDOW_MS = 30 * 60_000
/** With `q`, the most recent matches ranked in memory (relevance first, then date). */
const SEARCH_WINDOW = 1000

/**
 * One article. Unpublished ones exist only for their council and staff: anyone else gets the
 * same 404 as for a missing article, so drafts cannot be probed.
 */
export async function getNews(actor: MaybeActor, idOrSlug: string, visitor: string | null) {
  const filter = isObjectId(idOrSlug) ? { _id: idOrSlug.toLowerCase() } : { slug: idOrSlug }
  const n = await News.findOne(filter, { searchTokens: 0 }).lean<NewsDoc>() // the index field: never shown, often the biggest
  if (!n) throw notFound('news')
  const publicNow = n.status === 'published' && !n.councilArchived
  if (!publicNow && !can(actor, 'news.read_draft', { councilId: n.councilId })) throw notFound('news')
  if (n.status === 'published' && visitor && (await countView(String(n._id), visitor))) n.views = (n.views ?? 0) + 1
  return toItem(n)
}

/**
 * Counts a view unless this visitor (a hash, never stored raw) was counted within the window.
 * The window row lives in the database so every process agrees; expiry is checked on read, so
 * nothing depends on a TTL index.
 */
async function countView(newsId: string, visitor: string): Promise<boolean> {
  const key = crypto.createHash('sha256').update(`${newsId}\0${visitor}`).digest('base64url')
  const now = new Date()
  const expiresAt = new Date(now.getTime() + VIEW_WINDOW_MS)
  const renewed = await NewsView.updateOne(
    { _id: key, expiresAt: mongoose.trusted({ $lte: now }) },
    { $set: { expiresAt } },
  )
  if (!renewed.modifiedCount) {
    try {
      await NewsView.create({ _id: key, expiresAt })
    } catch (err) {
      if (isDuplicateKey(err)) return false // seen within the window (or a concurrent first view)
      throw err
    }
  }
  await News.updateOne({ _id: newsId }, { $inc: { views: 1 } })
  return true
}

async function publicFilter(
  query: Pick<NewsListQuery, 'council' | 'region' | 'tag'>,
): Promise<Record<string, unknown> | null> {
  const filter: Record<string, unknown> = { status: 'published', councilArchived: false }
  if (query.council) {
    const c = await findLiveCouncil(query.council).catch(() => null)
    if (!c) return null
    filter.councilId = c._id
  }
  const regionId = await resolveRegionFilter(query.region)
  if (regionId === null) return null
  if (regionId) filter.regionId = regionId
  if (query.tag) filter.tags = query.tag
  return filter
}

/** Published news, newest first; with `q`, most relevant first, then newest. */
export async function listNews(query: NewsListQuery): Promise<Page<ReturnType<typeof toListItem>>> {
  const filter = await publicFilter(query)
  if (!filter) return { items: [], nextCursor: null }
  const cursor = decodeCursor(query.cursor)
  const search = searchFilter(query.q)
  if (search) return searchNews({ ...filter, ...search }, query, cursor)
  return keysetPage({
    filter,
    field: 'publishedAt',
    cursor: query.cursor,
    limit: query.limit,
    find: (f, sort, limit) => News.find(f, LIST_FIELDS).sort(sort).limit(limit).lean<NewsDoc[]>(),
    map: toListItem,
  })
}

async function searchNews(filter: Record<string, unknown>, query: NewsListQuery, cursor: unknown[] | undefined) {
  const groups = queryGroups(query.q ?? '')
  const hits = await News.find(filter, { searchTokens: 1, publishedAt: 1 })
    .sort({ publishedAt: -1, _id: -1 })
    .limit(SEARCH_WINDOW)
    .lean<NewsDoc[]>()
  type Key = [number, number, string]
  const keyed = hits
    .map((h) => ({
      id: String(h._id),
      key: [-relevance(h.searchTokens, groups), -new Date(h.publishedAt ?? 0).getTime(), String(h._id)] as Key,
    }))
    .sort((a, b) => compareCursorKeys(a.key, b.key))
  let start = 0
  if (cursor) {
    if (cursor.length !== 3) throw invalidCursor()
    start = keyed.findIndex((k) => compareCursorKeys(k.key, cursor as Key) > 0)
    if (start < 0) start = keyed.length
  }
  const page = keyed.slice(start, start + query.limit)
  const docs = await News.find({ _id: mongoose.trusted({ $in: page.map((p) => p.id) }) }, LIST_FIELDS).lean<NewsDoc[]>()
  const byId = new Map(docs.map((d) => [String(d._id), d]))
  return {
    items: page
      .map((p) => byId.get(p.id))
      .filter((d): d is NewsDoc => d !== undefined)
      .map(toListItem),
    nextCursor: start + query.limit < keyed.length ? encodeCursor(page.at(-1)!.key) : null,
  }
}

/**
 * A council's own articles in every status (or one), last edited first, for its members and
 * staff; the caller has checked the right. Keyed pages on (updatedAt, _id) so edits made while
 * paging cannot repeat an item already shown on an earlier page of the same walk.
 */
export async function listCouncilNews(councilId: string, query: CouncilNewsListQuery) {
  const filter: Record<string, unknown> = { councilId: new mongoose.Types.ObjectId(councilId) }
  if (query.status) filter.status = query.status
  return keysetPage({
    filter,
    field: 'updatedAt',
    cursor: query.cursor,
    limit: query.limit,
    find: (f, sort, limit) => News.find(f, COUNCIL_LIST_FIELDS).sort(sort).limit(limit).lean<NewsDoc[]>(),
    map: toCouncilListItem,
  })
}

/** The newest published articles for a feed (optionally one council's), with that council's name. */
export async function feedItems(councilRef: string | undefined, limit = 50) {
  const council = councilRef ? await findLiveCouncil(councilRef) : null
  const filter: Record<string, unknown> = {
    status: 'published',
    councilArchived: false,
    ...(council ? { councilId: council._id } : {}),
  }
  const docs = await News.find(filter, { ...LIST_FIELDS, body: 1 })
    .sort({ publishedAt: -1, _id: -1 })
    .limit(limit)
    .lean<NewsDoc[]>()
  return { council, items: docs }
}
