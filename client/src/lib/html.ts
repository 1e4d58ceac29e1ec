import DOMPurify from 'dompurify'
import { RICH_TEXT_ATTRIBUTES, RICH_TEXT_TAGS } from '../../../shared/rich-text.js'

/**
 * The client's second line of defence for rich text (the server's sanitize-html in
 * server/modules/news/news.sanitize.ts is the first), on DOMPurify with the same allow-list:
 * the same tags, attributes per tag, link schemes (http, https, mailto; relative), images only
 * from https or our own /media/, and external links opening safely.
 */
export const ALLOWED_TAGS: string[] = [...RICH_TEXT_TAGS]
const ATTRS_BY_TAG = RICH_TEXT_ATTRIBUTES
const ALLOWED_ATTR = [...new Set(Object.values(ATTRS_BY_TAG).flat())]
/** Absolute http(s)/mailto, or relative (DOMPurify's default rule without its other schemes). */
const HREF = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i
const IMG_SRC = /^https:\/\/[^\s"'<>]+$|^\/media\/[A-Za-z0-9/_.-]+$/i
const SIZE = /^\d{1,4}$/

let purify: ReturnType<typeof DOMPurify> | null = null
function instance(): ReturnType<typeof DOMPurify> {
  if (purify) return purify
  const p = DOMPurify(window)
  p.addHook('uponSanitizeAttribute', (node, data) => {
    const allowed = ATTRS_BY_TAG[node.nodeName.toLowerCase()] ?? []
    if (!allowed.includes(data.attrName)) data.keepAttr = false
  })
  p.addHook('afterSanitizeAttributes', (node) => {
    const tag = node.nodeName.toLowerCase()
    if (tag === 'a') {
      const href = node.getAttribute('href') ?? ''
      node.removeAttribute('rel')
      node.removeAttribute('target')
      if (!href || href.startsWith('//') || !HREF.test(href)) node.removeAttribute('href')
      else if (/^https?:\/\//i.test(href)) {
        node.setAttribute('rel', 'noopener noreferrer')
        node.setAttribute('target', '_blank')
      }
    } else if (tag === 'img') {
      const src = node.getAttribute('src') ?? ''
      // The server drops an image that has no acceptable source.
      if (!IMG_SRC.test(src) || src.includes('..')) return void node.parentNode?.removeChild(node)
      for (const k of ['width', 'height']) if (!SIZE.test(node.getAttribute(k) ?? '')) node.removeAttribute(k)
    }
  })
  purify = p
  return p
}

let sanitizer: ((html: string) => string) | null = null
/** The server renderer has no DOM: it sanitizes with the API's own rules (sanitize-html, same allow-list). */
export function setSanitizer(fn: (html: string) => string): void {
  sanitizer = fn
}

export function sanitizeHtml(html: string): string {
  if (sanitizer) return sanitizer(html)
  return instance().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: HREF,
    FORBID_CONTENTS: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math'],
    KEEP_CONTENT: true,
  })
}

/** Plain text of some HTML (for the "is the body empty?" check). */
export function htmlText(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent?.trim() ?? ''
}
