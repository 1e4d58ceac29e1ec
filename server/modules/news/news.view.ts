import type { z } from 'zod'
import type { CouncilNewsListItem, NewsItem, NewsListItem } from '../../../shared/schemas/news.js'
import { storedUrl } from '../../core/storage.js'
import { localized } from '../../core/i18n.js'
import type { NewsDoc } from './news.model.js'

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null)
const localizedOrNull = (v: { kk?: string | null; ru?: string | null } | null | undefined) =>
  v?.kk || v?.ru ? localized(v) : null

export function toListItem(n: NewsDoc): z.infer<typeof NewsListItem> {
  return {
    id: String(n._id),
    slug: n.slug,
    councilId: String(n.councilId),
    title: localized(n.title),
    summary: localizedOrNull(n.summary),
    coverUrl: storedUrl(n.cover),
    tags: n.tags ?? [],
    publishedAt: iso(n.publishedAt),
  }
}

export function toItem(n: NewsDoc): z.infer<typeof NewsItem> {
  return {
    ...toListItem(n),
    body: localized(n.body),
    status: n.status,
    publishAt: iso(n.publishAt),
    authorId: n.authorId ? String(n.authorId) : null,
    views: n.views ?? 0,
    createdAt: iso(n.createdAt)!,
    updatedAt: iso(n.updatedAt)!,
  }
}

export const LIST_FIELDS = { slug: 1, councilId: 1, title: 1, summary: 1, cover: 1, tags: 1, publishedAt: 1 }

export function toCouncilListItem(n: NewsDoc): z.infer<typeof CouncilNewsListItem> {
  return { ...toListItem(n), status: n.status, publishAt: iso(n.publishAt), updatedAt: iso(n.updatedAt)! }
}

export const COUNCIL_LIST_FIELDS = { ...LIST_FIELDS, status: 1, publishAt: 1, updatedAt: 1 }
