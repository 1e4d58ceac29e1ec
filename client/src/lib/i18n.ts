import i18next, { type BackendModule, type Resource } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { DEFAULT_LANG, LANGS, type Lang } from '../../../shared/domain.js'

/**
 * The client reads the repo's own locale files (shared/locales/<lng>/<ns>.json): `web` is the
 * client's namespace, `common` is shared with the server (whose `errors` texts reach the client
 * already localized, in problem+json). Each language is its own
 * chunk (client/src/locales/<lng>.ts): the browser loads the one it shows before the first render
 * (a server-rendered page preloads it) and the other only when the person switches.
 */
export type Texts = Record<string, Record<string, unknown>>
const loaders: Record<Lang, () => Promise<{ default: Texts }>> = {
  kk: () => import('../locales/kk.js'),
  ru: () => import('../locales/ru.js'),
}
export const loadTexts = async (lng: Lang): Promise<Texts> => (await loaders[lng]()).default

/** i18next's loader for a language it does not hold yet (the switch to the other one). */
const lazyTexts: BackendModule = {
  type: 'backend',
  init() {},
  read(lng, ns, done) {
    if (!isLang(lng)) return done(null, {})
    loadTexts(lng).then(
      (texts) => done(null, texts[ns] ?? {}),
      (err: Error) => done(err, false),
    )
  },
}

export const I18N_OPTIONS = {
  fallbackLng: false as const, // a missing key shows itself in tests rather than the other language
  supportedLngs: [...LANGS],
  ns: ['web', 'common'],
  defaultNS: 'web',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
}

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v)
}

export function readLangCookie(): Lang | null {
  const m = /(?:^|; )lng=(kk|ru)(?:;|$)/.exec(document.cookie)
  return m ? (m[1] as Lang) : null
}

/**
 * `?lng=` in the address, then the `lng` cookie, then the language a server-rendered page was
 * rendered in (the server also weighs Accept-Language), then Kazakh (the portal's default).
 */
export function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lng')
  if (isLang(q)) {
    markLangPicked()
    return q
  }
  const rendered = document.documentElement.dataset.ssr !== undefined ? document.documentElement.lang : null
  return readLangCookie() ?? (isLang(rendered) ? rendered : DEFAULT_LANG)
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

/** In the browser (main.tsx): the first language's texts, then i18next, before the first render. */
export async function startI18n(): Promise<void> {
  const lng = initialLang()
  rememberLang(lng)
  const texts = await loadTexts(lng)
  await i18next
    .use(lazyTexts)
    .use(initReactI18next)
    .init({ ...I18N_OPTIONS, resources: { [lng]: texts }, partialBundledLanguages: true, lng })
  i18next.on('languageChanged', (l) => {
    if (isLang(l)) rememberLang(l)
  })
}

/** On the server (entry-server.tsx): both languages at once; each render uses a fixed-language clone. */
export function startServerI18n(resources: Resource): void {
  void i18next.use(initReactI18next).init({ ...I18N_OPTIONS, resources, lng: DEFAULT_LANG })
}

export default i18next
