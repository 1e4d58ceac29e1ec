import { Router, type Request, type RequestHandler } from 'express'
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
import { actorOf, authorize, requireAuth } from '../../core/auth/middleware.js'
import { cachePublicResponse } from '../../core/cache.js'
import { currentConfig } from '../../core/config.js'
import { input, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import { acceptUpload, IMAGE_TYPES } from '../../core/uploads.js'
import { NEWS_CACHE_TAGS } from './news.jobs.js'
import { findCouncilSummary } from '../councils/index.js'
import { notFound } from '../../core/errors.js'
import { feedItems, getNews, listCouncilNews, listNews } from './news.queries.js'
import { renderFeed } from './news.rss.js'
import * as news from './news.service.js'

export const newsRouter = Router()
const newsScope = async (req: Request) => ({ councilId: await news.newsCouncilId(String(req.params.id)) })
/** Who is looking, for the view window: the account if signed in, else address + browser. */
const visitorOf = (req: Request) =>
  req.user ? `u:${req.user.id}` : `a:${req.ip}|${String(req.headers['user-agent'] ?? '').slice(0, 200)}`

describeRoute({
  method: 'get',
  path: '/news/feed.xml',
  tags: ['news'],
  summary: 'RSS 2.0 of the 50 newest published articles in the request language; `council` (id or slug) narrows it',
  query: NewsFeedQuery,
  responseType: 'application/rss+xml',
  errors: [400, 404],
})
newsRouter.get('/news/feed.xml', validate({ query: NewsFeedQuery }), async (req, res) => {
  const { council: ref } = input(req, 'query', NewsFeedQuery)
  const { council, items } = await feedItems(ref)
  const publicUrl = currentConfig().publicUrl
  cachePublicResponse(res, NEWS_CACHE_TAGS)
  res.type('application/rss+xml; charset=utf-8')
  res.send(renderFeed({ lng: req.lng, publicUrl, council, items, selfUrl: `${publicUrl}${req.originalUrl}` }))
})

describeRoute({
  method: 'get',
  path: '/news',
  tags: ['news'],
  summary:
    'Published news, newest first (with `q`: by relevance, kk/ru with inflections, then date). `council` is an id or slug, `region` an id or ISO code, `tag` a tag; unknown keys ignored; `limit` capped at 100',
  query: NewsListQuery,
  response: NewsPage,
  errors: [400],
})
newsRouter.get('/news', validate({ query: NewsListQuery }), async (req, res) => {
  cachePublicResponse(res, NEWS_CACHE_TAGS)
  res.json(await listNews(input(req, 'query', NewsListQuery)))
})

describeRoute({
  method: 'get',
  path: '/news/{idOrSlug}',
  tags: ['news'],
  summary:
    'One article. Unpublished ones only for their council and staff (404 for everyone else). A view counts once per visitor per 30 minutes',
  params: NewsRefParams,
  response: NewsItem,
  errors: [404],
})
newsRouter.get('/news/:idOrSlug', validate({ params: NewsRefParams }), async (req, res) => {
  res.setHeader('Cache-Control', 'private, no-store')
  res.json(await getNews(actorOf(req), input(req, 'params', NewsRefParams).idOrSlug, visitorOf(req)))
})

describeRoute({
  method: 'get',
  path: '/councils/{councilId}/news',
  tags: ['news'],
  summary:
    "Extension: the council's own articles in every status (`status` narrows to one), last edited first, with `status`, `publishAt`, `updatedAt`; never cached. Unknown or malformed council → 404",
  auth: 'news.read_draft',
  params: CouncilNewsParams,
  query: CouncilNewsListQuery,
  response: CouncilNewsPage,
  errors: [400, 401, 403, 404],
})
/** 404 before the rights check: an unknown council has no members to be refused as. */
const councilExists: RequestHandler = async (req, _res, next) => {
  const c = await findCouncilSummary(input(req, 'params', CouncilNewsParams).councilId, { includeArchived: true })
  next(c ? undefined : notFound('council'))
}
newsRouter.get(
  '/councils/:councilId/news',
  requireAuth,
  validate({ params: CouncilNewsParams }),
  councilExists,
  authorize('news.read_draft', (req) => ({ councilId: req.params.councilId })),
  validate({ query: CouncilNewsListQuery }),
  async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store')
    res.json(
      await listCouncilNews(
        input(req, 'params', CouncilNewsParams).councilId,
        input(req, 'query', CouncilNewsListQuery),
      ),
    )
  },
)

describeRoute({
  method: 'post',
  path: '/councils/{councilId}/news',
  tags: ['news'],
  summary:
    'Write an article: `draft`, `published` now, or `scheduled` for `publishAt` (a persisted job publishes it). Body HTML is sanitized to a safe allow-list; tags normalized, at most 10',
  auth: 'news.publish',
  params: CouncilNewsParams,
  body: CreateNews,
  response: NewsItem,
  status: 201,
  errors: [400, 401, 403, 404],
})
newsRouter.post(
  '/councils/:councilId/news',
  requireAuth,
  validate({ params: CouncilNewsParams }),
  authorize('news.publish', (req) => ({ councilId: req.params.councilId })),
  validate({ body: CreateNews }),
  async (req, res) => {
    res
      .status(201)
      .json(
        await news.createNews(
          actorOf(req)!,
          input(req, 'params', CouncilNewsParams).councilId,
          input(req, 'body', CreateNews),
        ),
      )
  },
)

describeRoute({
  method: 'patch',
  path: '/news/{id}',
  tags: ['news'],
  summary: 'Edit an article or change its status (`archived` hides it; `scheduled` needs a future `publishAt`)',
  auth: 'news.publish',
  params: NewsIdParams,
  body: UpdateNews,
  response: NewsItem,
  errors: [400, 401, 403, 404],
})
newsRouter.patch(
  '/news/:id',
  requireAuth,
  validate({ params: NewsIdParams }),
  authorize('news.publish', newsScope),
  validate({ body: UpdateNews }),
  async (req, res) => {
    res.json(
      await news.updateNews(actorOf(req)!, input(req, 'params', NewsIdParams).id, input(req, 'body', UpdateNews)),
    )
  },
)

describeRoute({
  method: 'delete',
  path: '/news/{id}',
  tags: ['news'],
  summary: 'Erase an article and its cover (to keep it but hide it, PATCH `status: "archived"`)',
  auth: 'news.publish',
  params: NewsIdParams,
  status: 204,
  errors: [401, 403, 404],
})
newsRouter.delete(
  '/news/:id',
  requireAuth,
  validate({ params: NewsIdParams }),
  authorize('news.publish', newsScope),
  async (req, res) => {
    await news.deleteNews(actorOf(req)!, input(req, 'params', NewsIdParams).id)
    res.status(204).end()
  },
)

describeRoute({
  method: 'post',
  path: '/news/{id}/cover',
  tags: ['news'],
  summary: 'Upload the cover: multipart `file`, JPEG/PNG/WebP (sniffed) ≤ 5 MB, re-encoded to WebP ≤ 1600 px',
  auth: 'news.publish',
  params: NewsIdParams,
  multipart: true,
  body: z.object({}),
  response: NewsItem,
  errors: [400, 401, 403, 404, 413, 415],
})
newsRouter.post(
  '/news/:id/cover',
  requireAuth,
  validate({ params: NewsIdParams }),
  authorize('news.publish', newsScope),
  acceptUpload({ field: 'file', maxBytes: news.COVER_MAX_BYTES, allowed: IMAGE_TYPES, required: true, maxFields: 0 }),
  async (req, res) => {
    res.json(await news.setNewsCover(actorOf(req)!, input(req, 'params', NewsIdParams).id, req.uploads![0].path))
  },
)
