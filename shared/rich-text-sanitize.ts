import sanitizeHtml from 'sanitize-html'
import { RICH_TEXT_ATTRIBUTES, RICH_TEXT_TAGS } from './rich-text.js'

// Server-side only (the API, and the server renderer of the web client): the browser has its own
// DOMPurify pass over the same allow-list (client/src/lib/html.ts).

/**
 * The only markup a news body keeps. Links: http, https, mailto, and they open safely; images:
 * our own /media/ files or https; everything else (scripts, styles, handlers, iframes, forms,
 * javascript:/data: URLs) is dropped.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...RICH_TEXT_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(RICH_TEXT_ATTRIBUTES).map(([tag, attrs]) => [tag, [...attrs]])),
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math'],
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? ''
      const external = /^https?:\/\//i.test(href)
      return {
        tagName,
        attribs: { ...(href ? { href } : {}), ...(external ? { rel: 'noopener noreferrer', target: '_blank' } : {}) },
      }
    },
    img: (tagName, attribs) => {
      const src = attribs.src ?? ''
      const ok = /^https:\/\/[^\s"'<>]+$/i.test(src) || /^\/media\/[A-Za-z0-9/_.-]+$/.test(src)
      const safe: Record<string, string> = ok && !src.includes('..') ? { src } : {}
      if (attribs.alt) safe.alt = attribs.alt
      for (const k of ['width', 'height'] as const) if (/^\d{1,4}$/.test(attribs[k] ?? '')) safe[k] = attribs[k]
      return { tagName, attribs: safe }
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
}

/** Rich text (a news body) reduced to the allowed markup. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim()
}
