import { Router, type Request } from 'express'
import { z } from 'zod'
import {
  CouncilNewsListQuery,
  CouncilNewsPage,
  CouncilNewsParams,
  CreateNews,
  NewsFeedQuery,
  NewsIdParams,
  NewsItem,
  NewsListQuery,
  NewsPage,
  NewsRefParams,
  UpdateNews,
} from '../../../shared/schemas/news.js'
import { cachePublicResponse } from '../../core/cache.js'
import { currentConfig } from '../../core/config.js'
import { notFound } from '../../core/errors.js'
import { route } from '../../core/route.js'
import { acceptUpload, IMAGE_TYPES } from '../../core/uploads.js'
import { findCouncilSummary } from '../councils/index.js'
import { NEWS_CACHE_TAGS } from './news.jobs.js'
import { feedItems, getNews, listCouncilNews, listNews } from './news.queries.js'
import { renderFeed } from './news.rss.js'
import * as news from './news.service.js'

export const newsRouter = Router()
const tags = ['news']
const newsScope = async ({ params }: { params: { id: string } }) => ({ councilId: await news.newsCouncilId(params.id) })
/** 404 before the rights check: an unknown council has no members to be refused as. */
const existingCouncilScope = async ({ params }: { params: { councilId: string } }) => {
  const c = await findCouncilSummary(params.councilId, { includeArchived: true })
  if (!c) throw notFound('council')
  return { councilId: params.councilId }
}
/** Who is looking, for the view window: the account if signed in, else address + browser. */
const visitorOf = (req: Request) =>
  req.user ? `u:${req.user.id}` : `a:${req.ip}|${String(req.headers['user-agent'] ?? '').slice(0, 200)}`

route(
  newsRouter,
  {
    method: 'get',
    path: '/news/feed.xml',
    tags,
    auth: 'public',
    summary: 'RSS 2.0 of the 50 newest published articles in the request language; `council` (id or slug) narrows it',
    query: NewsFeedQuery,
    responseType: 'application/rss+xml',
    errors: [400, 404],
  },
  async ({ query, req, res }) => {
    const { council, items } = await feedItems(query.council)
    const publicUrl = currentConfig().publicUrl
    cachePublicResponse(res, NEWS_CACHE_TAGS)
    res.type('application/rss+xml; charset=utf-8')
    res.send(renderFeed({ lng: req.lng, publicUrl, council, items, selfUrl: `${publicUrl}${req.originalUrl}` }))
  },
)

route(
  newsRouter,
  {
    method: 'get',
    path: '/news',
    tags,
    auth: 'public',
    summary:
      'Published news, newest first (with `q`: by relevance, kk/ru with inflections, then date). `council` is an id or slug, `region` an id or ISO code, `tag` a tag; unknown keys ignored; `limit` capped at 100',
    query: NewsListQuery,
    response: NewsPage,
    errors: [400],
  },
  ({ query, res }) => {
    cachePublicResponse(res, NEWS_CACHE_TAGS)
    return listNews(query)
  },
)

route(
  newsRouter,
  {
    method: 'get',
    path: '/news/{id}',
    tags,
    auth: 'public',
    summary:
      'One article. Unpublished ones only for their council and staff (404 for everyone else). A view counts once per visitor per 30 minutes',
    params: NewsRefParams,
    response: NewsItem,
    errors: [404],
  },
  ({ actor, params, req, res }) => {
    res.setHeader('Cache-Control', 'private, no-store')
    return getNews(actor, params.id, visitorOf(req))
  },
)

route(
  newsRouter,
  {
    method: 'get',
    path: '/councils/{councilId}/news',
    tags,
    auth: 'news.read_draft',
    scope: existingCouncilScope,
    summary:
      "Extension: the council's own articles in every status (`status` narrows to one), last edited first, with `status`, `publishAt`, `updatedAt`; never cached. Unknown or malformed council → 404",
    params: CouncilNewsParams,
    query: CouncilNewsListQuery,
    response: CouncilNewsPage,
    errors: [400, 401, 403, 404],
  },
  ({ params, query, res }) => {
    res.setHeader('Cache-Control', 'private, no-store')
    return listCouncilNews(params.councilId, query)
  },
)

route(
  newsRouter,
  {
    method: 'post',
    path: '/councils/{councilId}/news',
    tags,
    auth: 'news.publish',
    scope: ({ params }) => ({ councilId: params.councilId }),
    summary:
      'Write an article: `draft`, `published` now, or `scheduled` for `publishAt` (a persisted job publishes it). Body HTML is sanitized to a safe allow-list; tags normalized, at most 10',
    params: CouncilNewsParams,
    body: CreateNews,
    response: NewsItem,
    status: 201,
    errors: [400, 401, 403, 404],
  },
  ({ actor, params, body, req }) => news.createNews(actor, params.councilId, body, { lng: req.lng }),
)

route(
  newsRouter,
  {
    method: 'patch',
    path: '/news/{id}',
    tags,
    auth: 'news.publish',
    scope: newsScope,
    summary: 'Edit an article or change its status (`archived` hides it; `scheduled` needs a future `publishAt`)',
    params: NewsIdParams,
    body: UpdateNews,
    response: NewsItem,
    errors: [400, 401, 403, 404],
  },
  ({ actor, params, body }) => news.updateNews(actor, params.id, body),
)

route(
  newsRouter,
  {
    method: 'delete',
    path: '/news/{id}',
    tags,
    auth: 'news.publish',
    scope: newsScope,
    summary: 'Erase an article and its cover (to keep it but hide it, PATCH `status: "archived"`)',
    params: NewsIdParams,
    status: 204,
    errors: [401, 403, 404],
  },
  async ({ actor, params }) => {
    await news.deleteNews(actor, params.id)
  },
)

route(
  newsRouter,
  {
    method: 'post',
    path: '/news/{id}/cover',
    tags,
    auth: 'news.publish',
    scope: newsScope,
    summary: 'Upload the cover: multipart `file`, JPEG/PNG/WebP (sniffed) ≤ 5 MB, re-encoded to WebP ≤ 1600 px',
    params: NewsIdParams,
    multipart: true,
    body: z.object({}),
    use: [
      acceptUpload({
        field: 'file',
        maxBytes: news.COVER_MAX_BYTES,
        allowed: IMAGE_TYPES,
        required: true,
        maxFields: 0,
      }),
    ],
    response: NewsItem,
    errors: [400, 401, 403, 404, 413, 415],
  },
  ({ actor, params, req }) => news.setNewsCover(actor, params.id, req.uploads![0].path),
)
