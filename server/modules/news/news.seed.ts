/**
 * Demo news for `npm run seed` (the news module's `seed()` hook): a few articles in Kazakh and
 * Russian for every demo council. Runs after the councils' seed; everything it writes has
 * `demo: true` and a "[Демо]" note. Idempotent: upserts by slug, never touches a real article.
 */
import { indexTokens } from '../../core/search.js'
import { listDemoCouncils } from '../councils/index.js'
import { News } from './news.model.js'
import { bodyText, sanitizeBody } from './news.sanitize.js'
import { DEMO_NEWS } from './news.seed-data.js'

export async function seedDemoNews(): Promise<{ news: number }> {
  let news = 0
  for (const [i, council] of (await listDemoCouncils()).entries()) {
    for (const [k, tpl] of DEMO_NEWS.entries()) {
      const article = tpl(council.name)
      const newsSlug = `${council.slug.slice(0, 60)}-demo-${k + 1}`
      const other = await News.findOne({ slug: newsSlug }, { demo: 1 }).lean()
      if (other && !other.demo) continue
      const body = { kk: sanitizeBody(article.body.kk), ru: sanitizeBody(article.body.ru) }
      const publishedAt = new Date(Date.UTC(2026, 0, 1) + ((i * 3 + k) % 300) * 86_400_000 + i * 60_000)
      await News.updateOne(
        { slug: newsSlug },
        {
          $set: {
            councilId: council.id,
            regionId: council.regionId,
            councilArchived: false,
            title: article.title,
            summary: { kk: `[Демо] ${article.summary.kk}`, ru: `[Демо] ${article.summary.ru}` },
            body,
            tags: article.tags,
            status: 'published',
            publishAt: null,
            publishedAt,
            demo: true,
            searchTokens: indexTokens(
              article.title,
              article.summary,
              article.tags.join(' '),
              bodyText(body.kk),
              bodyText(body.ru),
            ),
          },
          $setOnInsert: { slug: newsSlug, views: 0, cover: null, authorId: null },
        },
        { upsert: true },
      )
      news++
    }
  }
  return { news }
}
