// Collation (MongoDB's ICU collation) through Intl.Collator, which Node ships with full ICU: locale,
// strength (1 base letters, 2 + accents, 3 + case: the default), caseLevel, caseFirst, numericOrdering.
// Applied to string comparisons in sorts, query comparisons and $in, on find, aggregate, count, distinct,
// update, delete and findAndModify; a collection's default collation applies when a command names none.
import { isPlainObject, type Doc } from './bson-utils.js'
import { MongoError } from './errors.js'

export type Collator = (a: string, b: string) => number

const cache = new Map<string, Collator | undefined>()
const FIELDS = new Set([
  'locale',
  'strength',
  'caseLevel',
  'caseFirst',
  'numericOrdering',
  'alternate',
  'maxVariable',
  'backwards',
  'normalization',
  'version',
])

/** Validate a collation document; undefined for none or `{ locale: 'simple' }` (binary comparison). */
export function collatorFor(spec: unknown): Collator | undefined {
  if (spec === undefined || spec === null) return undefined
  if (!isPlainObject(spec)) throw new MongoError(14, "BSON field 'collation' is the wrong type, expected an object")
  const key = JSON.stringify(spec)
  if (cache.has(key)) return cache.get(key)
  for (const k of Object.keys(spec))
    if (!FIELDS.has(k)) throw new MongoError(40415, `BSON field 'Collation.${k}' is an unknown field.`)
  const locale = spec.locale
  if (typeof locale !== 'string')
    throw new MongoError(40414, "BSON field 'Collation.locale' is missing but a required field")
  let out: Collator | undefined
  if (locale !== 'simple') {
    const strength = spec.strength === undefined ? 3 : Number(spec.strength)
    if (![1, 2, 3, 4, 5].includes(strength))
      throw new MongoError(
        2,
        `unable to parse collation :: caused by :: strength must be 1-5, got ${String(spec.strength)}`,
      )
    const sensitivity =
      strength === 1
        ? spec.caseLevel
          ? 'case'
          : 'base'
        : strength === 2
          ? spec.caseLevel
            ? 'variant'
            : 'accent'
          : 'variant'
    const caseFirst = spec.caseFirst === 'upper' || spec.caseFirst === 'lower' ? spec.caseFirst : 'false'
    const supported = Intl.Collator.supportedLocalesOf([locale.replace(/_/g, '-')])
    if (!supported.length && locale !== 'root')
      throw new MongoError(2, `unable to parse collation :: caused by :: Field 'locale' is invalid in: ${key}`)
    const c = new Intl.Collator(locale === 'root' ? 'und' : supported[0], {
      sensitivity,
      caseFirst,
      numeric: !!spec.numericOrdering,
      ignorePunctuation: spec.alternate === 'shifted',
      usage: 'sort',
    })
    out = c.compare
  }
  cache.set(key, out)
  return out
}

/** The command's collation, or the collection's default one. */
export function effectiveCollation(cmdCollation: unknown, collOptions: Doc | undefined): unknown {
  return cmdCollation ?? collOptions?.collation
}
