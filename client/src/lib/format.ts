import { ERASED_NAME } from '../../../shared/domain.js'
import type { Lang, LocalizedText } from './types.js'

/** A person's name as records keep it; an account its owner deleted reads "deleted account". */
export function personName(name: string | null | undefined, t: (key: string) => string): string {
  return name === ERASED_NAME ? t('erasedAccount') : (name ?? '')
}

/** Intl locales of the portal's languages as used in Kazakhstan. */
export const INTL_LOCALE: Record<Lang, string> = { kk: 'kk-KZ', ru: 'ru-KZ' }

/**
 * The text in the reader's language; if a council wrote only the other one, that one is shown
 * (with its own `lang` attribute via `pickLang`) rather than nothing: the API never invents it.
 */
export function pick(text: LocalizedText | null | undefined, lng: Lang): string {
  if (!text) return ''
  return text[lng] || text[lng === 'kk' ? 'ru' : 'kk'] || ''
}
export function pickLang(text: LocalizedText | null | undefined, lng: Lang): Lang {
  if (!text || text[lng]) return lng
  return lng === 'kk' ? 'ru' : 'kk'
}

// CLDR month names for Kazakh, used only where the browser's Intl lacks Kazakh data (some
// Chromium builds ship a reduced ICU and would print "2026 M11 27").
const KK_MONTHS = [
  'қаңтар',
  'ақпан',
  'наурыз',
  'сәуір',
  'мамыр',
  'маусым',
  'шілде',
  'тамыз',
  'қыркүйек',
  'қазан',
  'қараша',
  'желтоқсан',
]
const hasKk = (() => {
  try {
    return new Intl.DateTimeFormat('kk-KZ', { month: 'long' }).format(new Date(2026, 10, 15)) === 'қараша'
  } catch {
    return false
  }
})()
function kkDate(d: Date, withTime: boolean): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Asia/Almaty',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  )
  const date = `${parts.year} ж. ${Number(parts.day)} ${KK_MONTHS[Number(parts.month) - 1]}`
  return withTime ? `${date}, ${parts.hour}:${parts.minute}` : date
}

export function formatDate(iso: string | null | undefined, lng: Lang, withTime = false): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  if (lng === 'kk' && !hasKk) return kkDate(d, withTime)
  return new Intl.DateTimeFormat(
    INTL_LOCALE[lng],
    withTime
      ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Almaty' }
      : { dateStyle: 'long', timeZone: 'Asia/Almaty' },
  ).format(d)
}
export function formatTime(iso: string, lng: Lang): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[lng], { timeStyle: 'short', timeZone: 'Asia/Almaty' }).format(
    new Date(iso),
  )
}
export function formatNumber(n: number | null | undefined, lng: Lang, opts?: Intl.NumberFormatOptions): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return new Intl.NumberFormat(INTL_LOCALE[lng], opts).format(n)
}
/** Size units as Kazakh and Russian write them (ICU data for kk units is missing in some browsers). */
const BYTE_UNITS: Record<Lang, readonly string[]> = { kk: ['Б', 'КБ', 'МБ', 'ГБ'], ru: ['Б', 'КБ', 'МБ', 'ГБ'] }
export function formatBytes(n: number, lng: Lang): string {
  let i = 0
  let v = n
  while (v >= 1024 && i < BYTE_UNITS[lng].length - 1) {
    v /= 1024
    i++
  }
  // Kazakh writes numbers as Russian does (space groups, decimal comma): without kk data, use ru's.
  const locale = lng === 'kk' && !hasKk ? INTL_LOCALE.ru : INTL_LOCALE[lng]
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v)
  return `${num}\u00a0${BYTE_UNITS[lng][i]}`
}
export function formatDuration(sec: number | null | undefined): string {
  if (!sec && sec !== 0) return ''
  const s = Math.round(sec)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`
}
/** ISO (UTC) → the value of an <input type="datetime-local"> in the user's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  const off = d.getTimezoneOffset() * 60000
  return new Date(d.getTime() - off).toISOString().slice(0, 16)
}
