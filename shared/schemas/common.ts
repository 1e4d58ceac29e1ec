import { z } from 'zod'

import { LANGS } from '../domain.js'
export { DEFAULT_LANG, LANGS } from '../domain.js'
export type { Lang } from '../domain.js'
export const LangSchema = z.enum(LANGS)

/** A MongoDB ObjectId as a 24-hex string: anything else is rejected before it reaches the database. */
export const ObjectIdString = z.string().regex(/^[0-9a-fA-F]{24}$/, { message: 'invalid_id' })

/** `{ kk, ru }` with at least one non-empty language; the API never invents the other one. */
export function localizedText(opts: { max?: number; min?: number } = {}) {
  const text = z
    .string()
    .trim()
    .min(opts.min ?? 1)
    .max(opts.max ?? 500)
  return z
    .strictObject({ kk: text.optional(), ru: text.optional() })
    .refine((v) => Boolean(v.kk || v.ru), { message: 'localized_required' })
    .meta({ minProperties: 1 }) // the refinement, as the document can say it
}
export const LocalizedText = localizedText()
export type LocalizedText = { kk?: string; ru?: string }

/**
 * `?limit=` is 1..100 (default 20); a larger request is capped rather than refused so that
 * old bookmarks and greedy clients still get a page.
 */
export const LimitParam = z.coerce
  .number()
  .int()
  .min(1)
  .default(20)
  .transform((n) => Math.min(n, 100))

/** An opaque list cursor, the `nextCursor` of the previous page (base64url; empty: the first page). */
export const Cursor = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]*$/)
  .describe('`nextCursor` of the previous page')

export const ListQuery = z.object({
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type ListQuery = z.infer<typeof ListQuery>

export const IdParams = z.strictObject({ id: ObjectIdString })

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** Query-string booleans: only the literal words, never truthy coercion of arbitrary strings. */
export const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true')

/**
 * A person's name as they give it: at least one letter (a name of dashes or digits is refused: it
 * could pass for the placeholder an erased account's records keep).
 */
export const personName = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/\p{L}/u, 'name_needs_letter')
