import { createRequire } from 'node:module'
import mongoose from 'mongoose'

/**
 * Application-level search for Kazakh and Russian, identical on the embedded engine and MongoDB
 * (no `$text`). A stored `searchTokens: string[]` field (multikey index) holds, for every word of
 * the indexed texts, its normalized form, its Russian Snowball stem and its Kazakh stems. A query
 * word matches a document when any of the query word's own three forms is among those tokens, so
 * "кеңес" finds "кеңестің" (Kazakh stem), "совет" finds "советов" (Russian stem), and a word's
 * language never has to be guessed: a Kazakh word in the ambiguous Cyrillic range gets both stems.
 *
 *   const f = searchFilter(q)            // AND over query words, OR over each word's forms
 *   Model.find({ ...other, ...f })       // then rank with `relevance(doc.searchTokens, q)`
 */

const require = createRequire(import.meta.url)
const snowball = require('snowball-stemmers') as { newStemmer(lang: string): { stem(word: string): string } }
const russian = snowball.newStemmer('russian')

/** Letters only Kazakh uses: a word with one of them is Kazakh, never Russian. */
const KAZAKH_ONLY = /[әғқңөұүһі]/
const CYRILLIC = /[а-яё]/

/** Words that carry no meaning for search (kk and ru function words). */
const STOPWORDS = new Set([
  'и',
  'в',
  'во',
  'на',
  'по',
  'с',
  'со',
  'к',
  'ко',
  'о',
  'об',
  'от',
  'до',
  'из',
  'за',
  'для',
  'не',
  'а',
  'но',
  'или',
  'же',
  'ли',
  'у',
  'при',
  'под',
  'над',
  'және',
  'мен',
  'бен',
  'пен',
  'да',
  'де',
  'та',
  'те',
  'үшін',
  'бойынша',
  'туралы',
  'немесе',
  'бұл',
  'сол',
  'ол',
])

/** At most this many tokens are stored per document (long bodies are cut, the start counts most). */
export const MAX_TOKENS = 1500

/**
 * Lowercase, NFC, ё→е, every run of anything but letters/digits becomes one space. Kazakh letters
 * are letters (\p{L}), so they survive; Latin is kept too (abbreviations, names).
 */
export function normalize(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

export function words(text: string): string[] {
  const n = normalize(text)
  return n ? n.split(' ').filter((w) => w.length >= 2 && !STOPWORDS.has(w)) : []
}

/** The Russian Snowball stem (only for Cyrillic words without Kazakh-only letters). */
export function russianStem(word: string): string {
  if (KAZAKH_ONLY.test(word) || !CYRILLIC.test(word)) return word
  return russian.stem(word)
}

// Kazakh endings, each with the sounds it may follow (Kazakh suffixes agree with the stem's last
// sound: -ның after a vowel or м/н/ң, -дың after ж/з/л/р/й/у, -тың after a voiceless consonant…).
// Stripping is iterative and branching: every stem reachable by removing endings one at a time is
// a form of the word, so "облысы" (облыс+ы) and "қаласы" (қала+сы), which look alike, both reach
// their real stem, and every inflected form reaches its base form: a query word and a document word
// of the same lexeme always share a form. Stems never shrink below MIN_STEM letters or lose all vowels.
const V = 'аәеиоөұүыіэюяу'
const VL = 'кқпстшфхцчщбвгд' // voiceless (final б/в/г/д of loanwords are devoiced)
const NAS = 'мнң'
const VOICED = 'жзлрй'
const MIN_STEM = 3
const HAS_VOWEL = /[аәеиоөұүыіэюяу]/
type Ending = [suffix: string, after: string]
const POSS3 = 'ыі' // the 3rd-person possessive, after which -на/-нда/-нан/-н/-ндағы come
const ENDINGS: Ending[] = [
  // genitive, accusative, dative, locative, ablative, instrumental, locative-adjectival
  ...pair('ның', 'нің', V + NAS),
  ...pair('дың', 'дің', VOICED),
  ...pair('тың', 'тің', VL),
  ...pair('ны', 'ні', V),
  ...pair('ды', 'ді', VOICED + NAS),
  ...pair('ты', 'ті', VL),
  ['н', POSS3],
  ...pair('ға', 'ге', V + VOICED + NAS),
  ...pair('қа', 'ке', VL),
  ...pair('на', 'не', POSS3),
  ...pair('а', 'е', 'ымң'),
  ...pair('да', 'де', V + VOICED + NAS),
  ...pair('та', 'те', VL),
  ...pair('нда', 'нде', POSS3),
  ...pair('дан', 'ден', V + VOICED),
  ...pair('тан', 'тен', VL),
  ...pair('нан', 'нен', NAS + POSS3),
  ...pair('мен', 'менен', V + 'рйул'),
  ...pair('бен', 'бенен', 'жзмнң'),
  ...pair('пен', 'пенен', VL),
  ...pair('дағы', 'дегі', V + VOICED + NAS),
  ...pair('тағы', 'тегі', VL),
  ...pair('ндағы', 'ндегі', POSS3),
  // possessive
  ...pair('сы', 'сі', V),
  // ғ: a final қ voiced before the ending; у: the verbal noun (тамақтану → тамақтануы) takes -ы
  ...pair('ы', 'і', VOICED + NAS + VL + 'ғу'),
  ...pair('м', 'ң', V),
  ...pair('ым', 'ім', VOICED + NAS + VL + 'у'),
  ...pair('ың', 'ің', VOICED + NAS + VL + 'у'),
  ...pair('мыз', 'міз', V),
  ...pair('ымыз', 'іміз', VOICED + NAS + VL),
  ...pair('ңыз', 'ңіз', V),
  ...pair('ыңыз', 'іңіз', VOICED + NAS + VL),
  // plural
  ...pair('лар', 'лер', V + 'рйу'),
  ...pair('дар', 'дер', 'жзлмнң'),
  ...pair('тар', 'тер', VL),
]
function pair(a: string, b: string, after: string): Ending[] {
  return [
    [a, after],
    [b, after],
  ]
}

/** Every stem reachable from the word by removing Kazakh endings (the word itself excluded). */
export function kazakhStems(word: string): string[] {
  if (!HAS_VOWEL.test(word) || !/[а-яәғқңөұүһі]/.test(word)) return []
  const seen = new Set<string>()
  const queue = [word]
  while (queue.length && seen.size < 24) {
    const w = queue.shift()!
    for (const [suffix, after] of ENDINGS) {
      if (!w.endsWith(suffix)) continue
      const rest = w.slice(0, -suffix.length)
      if ([...rest].length < MIN_STEM || !HAS_VOWEL.test(rest) || !after.includes(rest.at(-1)!)) continue
      if (seen.has(rest)) continue
      seen.add(rest)
      queue.push(rest)
      // A stem's final к/қ/п voices to г/ғ/б before a vowel ending (министрлік → министрлігі,
      // денсаулық → денсаулығы): the voiceless form is the dictionary one, so it is a form too.
      const devoiced = VOICING[rest.at(-1)!]
      if (devoiced && /^[аәеиоөұүыіэюя]/.test(suffix)) seen.add(rest.slice(0, -1) + devoiced)
    }
  }
  return [...seen]
}
const VOICING: Record<string, string> = { г: 'к', ғ: 'қ', б: 'п' }

/** The forms a word is known by: itself, its Russian stem, its Kazakh stems (deduplicated). */
export function wordForms(word: string): string[] {
  return [...new Set([word, russianStem(word), ...kazakhStems(word)])]
}

export type Indexable = string | { kk?: string | null; ru?: string | null } | undefined | null

/** Tokens to store in a document's `searchTokens` (both languages of every text, both stems). */
export function indexTokens(...texts: Indexable[]): string[] {
  const out = new Set<string>()
  for (const t of texts) {
    if (!t) continue
    const parts = typeof t === 'string' ? [t] : [t.kk, t.ru]
    for (const p of parts) {
      if (!p) continue
      for (const w of words(p)) {
        for (const f of wordForms(w)) out.add(f)
        if (out.size >= MAX_TOKENS) return [...out]
      }
    }
  }
  return [...out]
}

/** One group per query word (its forms); a document matches when every group has a hit. */
export function queryGroups(q: string): string[][] {
  const seen = new Set<string>()
  const groups: string[][] = []
  for (const w of words(q.slice(0, 500))) {
    if (seen.has(w)) continue
    seen.add(w)
    groups.push(wordForms(w))
    if (groups.length >= 12) break
  }
  return groups
}

/** Every form of every query word, flat (for `$in` and for ranking). */
export function queryTokens(q: string): string[] {
  return [...new Set(queryGroups(q).flat())]
}

/**
 * A mongoose filter fragment: every query word must match one of its forms. Returns `null` when
 * the query has no searchable word (then do not filter). Operators are wrapped with
 * `mongoose.trusted` because `sanitizeFilter` is on.
 */
export function searchFilter(q: string | undefined, field = 'searchTokens'): Record<string, unknown> | null {
  if (!q) return null
  const groups = queryGroups(q)
  if (!groups.length) return null
  return { $and: groups.map((g) => ({ [field]: mongoose.trusted({ $in: g }) })) }
}

/**
 * Relevance of a document for a query: how many of the query's forms it holds. An exact word
 * counts for more than a shared stem only (it also matches its stems), so "советов" ranks the
 * document that says "советов" above one that says "совет".
 */
export function relevance(docTokens: readonly string[] | undefined, q: string | string[][]): number {
  if (!docTokens?.length) return 0
  const groups = typeof q === 'string' ? queryGroups(q) : q
  const have = new Set(docTokens)
  let score = 0
  for (const g of groups) for (const f of g) if (have.has(f)) score++
  return score
}

/** Whether a text matches a query the way `searchFilter` would (for tests and in-memory filters). */
export function matchesQuery(text: Indexable, q: string): boolean {
  const groups = queryGroups(q)
  if (!groups.length) return true
  const have = new Set(indexTokens(text))
  return groups.every((g) => g.some((f) => have.has(f)))
}

/**
 * Fills `searchTokens` of documents stored before their collection was searchable (the field is
 * missing), in `_id` order and batches; idempotent, so an interrupted run simply continues at the
 * next start. Returns how many documents it filled.
 */
export async function backfillSearchTokens<D extends { _id: mongoose.Types.ObjectId }>(
  model: mongoose.Model<never>,
  filter: Record<string, unknown>,
  projection: Record<string, 1>,
  tokensOf: (doc: D) => string[],
  batchSize = 500,
): Promise<number> {
  let filled = 0
  let after: mongoose.Types.ObjectId | undefined
  for (;;) {
    const missing = { ...filter, searchTokens: mongoose.trusted({ $exists: false }) }
    if (after) Object.assign(missing, { _id: mongoose.trusted({ $gt: after }) })
    const batch = await model.find(missing, projection).sort({ _id: 1 }).limit(batchSize).lean<D[]>()
    if (!batch.length) return filled
    after = batch.at(-1)!._id
    const res = await model.bulkWrite(
      batch.map((d) => ({
        updateOne: {
          filter: { _id: d._id, searchTokens: mongoose.trusted({ $exists: false }) },
          update: { $set: { searchTokens: tokensOf(d) } },
        },
      })) as never,
    )
    filled += res.modifiedCount
  }
}
