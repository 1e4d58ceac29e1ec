import type { Lang } from '../../../shared/schemas/common.js'
import { pick, t } from '../../core/i18n.js'
import type { NewsDoc } from './news.model.js'
import { storedUrl } from '../../core/storage.js'
import { bodyText } from './news.sanitize.js'

/** Text safe inside XML: the five entities escaped, characters XML 1.0 forbids removed. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const excerpt = (s: string, max = 400) => (s.length > max ? `${s.slice(0, max).replace(/\s+\S*$/, '')}…` : s)

/** RSS 2.0 in one language, links absolute from the configured public URL. */
export function renderFeed(opts: {
  lng: Lang
  publicUrl: string
  council: { name: { kk?: string | null; ru?: string | null }; slug: string } | null
  items: NewsDoc[]
  selfUrl: string
}): string {
  const { lng, publicUrl, council, items } = opts
  const title = council
    ? t(lng, 'news:feed.council_title', { council: pick(council.name, lng) })
    : t(lng, 'news:feed.title')
  const link = council ? `${publicUrl}/councils/${council.slug}` : `${publicUrl}/news`
  const entries = items.map((n) => {
    const url = `${publicUrl}/news/${encodeURIComponent(n.slug)}`
    const summary = pick(n.summary, lng) || excerpt(bodyText(pick(n.body, lng)))
    const cover = storedUrl(n.cover)
    return [
      '<item>',
      `<title>${xmlEscape(pick(n.title, lng))}</title>`,
      `<link>${xmlEscape(url)}</link>`,
      `<guid isPermaLink="true">${xmlEscape(url)}</guid>`,
      `<pubDate>${new Date(n.publishedAt ?? n.createdAt).toUTCString()}</pubDate>`,
      `<description>${xmlEscape(summary)}</description>`,
      ...(n.tags ?? []).map((tag: string) => `<category>${xmlEscape(tag)}</category>`),
      cover ? `<enclosure url="${xmlEscape(publicUrl + cover)}" type="image/webp" length="0"/>` : '',
      '</item>',
    ].join('')
  })
  const updated = items[0]?.publishedAt ? new Date(items[0].publishedAt) : new Date(0)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${xmlEscape(title)}</title>`,
    `<link>${xmlEscape(link)}</link>`,
    `<description>${xmlEscape(t(lng, 'news:feed.description'))}</description>`,
    `<language>${lng === 'kk' ? 'kk-KZ' : 'ru-KZ'}</language>`,
    `<lastBuildDate>${updated.toUTCString()}</lastBuildDate>`,
    `<atom:link href="${xmlEscape(opts.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    ...entries,
    '</channel>',
    '</rss>',
    '',
  ].join('\n')
}
