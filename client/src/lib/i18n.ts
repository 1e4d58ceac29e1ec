import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { DEFAULT_LANG, LANGS, type Lang } from '../../../shared/domain.js'

/**
 * The client reads the repo's own locale files (shared/locales/<lng>/<ns>.json): `web` is the
 * client's namespace, `common` and `errors` are shared with the server. Bundled at build time
 * (small), so the first paint is already in the right language.
 */
const files = import.meta.glob<Record<string, unknown>>('../../../shared/locales/*/{web,common,errors}.json', {
  eager: true,
  import: 'default',
})
const resources: Record<string, Record<string, Record<string, unknown>>> = {}
for (const [file, data] of Object.entries(files)) {
  const m = /locales\/(\w+)\/(\w+)\.json$/.exec(file)
  if (!m) continue
  ;(resources[m[1]] ??= {})[m[2]] = data
}

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v)
}

export function readLangCookie(): Lang | null {
  const m = /(?:^|; )lng=(kk|ru)(?:;|$)/.exec(document.cookie)
  return m ? (m[1] as Lang) : null
}

/** `?lng=` in the address, then the `lng` cookie, then Kazakh (the portal's default). */
export function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lng')
  if (isLang(q)) {
    markLangPicked()
    return q
  }
  return readLangCookie() ?? DEFAULT_LANG
}

const PICKED = 'kenes.lngPicked'
/** The person chose the language with the switch (or `?lng=`) in this browser session. */
export function markLangPicked(): void {
  try {
    sessionStorage.setItem(PICKED, '1')
  } catch {}
}
export function langPicked(): boolean {
  try {
    return sessionStorage.getItem(PICKED) === '1'
  } catch {
    return false
  }
}

export function rememberLang(lng: Lang): void {
  document.cookie = `lng=${lng}; path=/; max-age=${60 * 60 * 24 * 365}; samesite=lax`
  document.documentElement.lang = lng
}

const lng = initialLang()
rememberLang(lng)
void i18next.use(initReactI18next).init({
  resources,
  lng,
  fallbackLng: false, // a missing key shows itself in tests rather than the other language
  supportedLngs: [...LANGS],
  ns: ['web', 'common', 'errors'],
  defaultNS: 'web',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
})
i18next.on('languageChanged', (l) => {
  if (isLang(l)) rememberLang(l)
})

export default i18next
