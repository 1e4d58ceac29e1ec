import sanitizeHtml from 'sanitize-html'
import { sanitizeRichText } from '../../../shared/rich-text-sanitize.js'

/** The only markup a news body keeps (shared/rich-text-sanitize.ts). */
export function sanitizeBody(html: string): string {
  return sanitizeRichText(html)
}

/** Plain text of a body (for search tokens and feed descriptions). */
export function bodyText(html: string | undefined | null): string {
  if (!html) return ''
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, ' ').trim()
}
