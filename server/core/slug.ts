/**
 * URL slugs from Russian or Kazakh names: transliterated to Latin (a simple, readable scheme close
 * to the 2021 Kazakh Latin alphabet for the Kazakh letters), lowercase, words joined by '-'.
 */
const MAP: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  ә: 'a',
  ғ: 'gh',
  қ: 'q',
  ң: 'ng',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
  і: 'i',
}

export function slugify(text: string, maxLength = 80): string {
  const latin = [...text.normalize('NFC').toLowerCase()].map((ch) => MAP[ch] ?? ch).join('')
  const slug = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= maxLength) return slug
  const cut = slug.slice(0, maxLength)
  return cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut
}

/**
 * The first free slug among `base`, `base-2`, `base-3` … (`taken` answers from the database).
 * A unique index still guards the race between two creators; callers retry on a duplicate key.
 */
export async function uniqueSlug(
  base: string,
  taken: (slugs: string[]) => Promise<string[]>,
  fallback = 'item',
): Promise<string> {
  const root = base || fallback
  for (let start = 1; start < 10_000; start += 50) {
    const candidates = Array.from({ length: 50 }, (_, i) => (start + i === 1 ? root : `${root}-${start + i}`))
    const used = new Set(await taken(candidates))
    const free = candidates.find((c) => !used.has(c))
    if (free) return free
  }
  return `${root}-${Date.now().toString(36)}`
}
