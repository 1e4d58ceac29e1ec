import fs from 'node:fs'
import path from 'node:path'
import i18next, { type i18n as I18n, type TFunction } from 'i18next'
import type { NextFunction, Request, Response } from 'express'
import { DEFAULT_LANG, LANGS, type Lang } from '../../shared/schemas/common.js'
import { ROOT_DIR } from './config.js'

export const LOCALES_DIR = path.join(ROOT_DIR, 'shared', 'locales')

/** Every `shared/locales/<lng>/<namespace>.json` becomes namespace `<namespace>` of `<lng>`. */
function loadResources(): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {}
  for (const lng of LANGS) {
    resources[lng] = {}
    const dir = path.join(LOCALES_DIR, lng)
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      resources[lng][file.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    }
  }
  return resources
}

const resources = loadResources()
export const namespaces = Object.keys(resources[DEFAULT_LANG])

/** One shared instance: the resources are static files, read once at start-up. */
export const i18n: I18n = i18next.createInstance()
await i18n.init({
  resources: resources as never,
  lng: DEFAULT_LANG,
  fallbackLng: false, // never show the other language's text in place of a missing key
  supportedLngs: [...LANGS],
  ns: namespaces,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
})

export function t(lng: Lang, key: string | string[], options?: Record<string, unknown>): string {
  return String(i18n.getFixedT(lng)(key as string, options as never))
}
export function fixedT(lng: Lang): TFunction {
  return i18n.getFixedT(lng)
}
export function hasKey(lng: Lang, key: string, options: { count?: number } = {}): boolean {
  return i18n.exists(key, { lng, ...options })
}

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v)
}

/** `?lng=`, then the `lng` cookie, then `Accept-Language` (by q-value), then Kazakh. */
export function detectLanguage(req: Request): Lang {
  const q = req.query?.lng
  if (isLang(q)) return q
  const cookie = readCookie(req.headers.cookie, 'lng')
  if (isLang(cookie)) return cookie
  return fromAcceptLanguage(req.headers['accept-language']) ?? DEFAULT_LANG
}

export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';')
      const qp = params.find((p) => p.trim().startsWith('q='))
      const qv = qp ? Number(qp.trim().slice(2)) : 1
      return { lang: tag.split('-')[0], q: Number.isFinite(qv) ? qv : 0, i }
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  return ranked.map((r) => r.lang).find(isLang)
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

declare module 'express-serve-static-core' {
  interface Request {
    lng: Lang
    t: TFunction
  }
}

/** Sets `req.lng`, `req.t` and `Content-Language` on every response. */
export function languageMiddleware(req: Request, res: Response, next: NextFunction): void {
  req.lng = detectLanguage(req)
  req.t = fixedT(req.lng)
  res.setHeader('Content-Language', req.lng)
  res.vary('Accept-Language')
  next()
}

/** Picks the text for a language from a `{kk, ru}` value, falling back to the other language. */
export function pick(text: { kk?: string | null; ru?: string | null } | undefined | null, lng: Lang): string {
  if (!text) return ''
  return text[lng] || text[lng === 'kk' ? 'ru' : 'kk'] || ''
}

export type Localized = { kk?: string; ru?: string }
/** Only the languages that are really there (the API never invents a translation). */
export function localized(v: { kk?: unknown; ru?: unknown } | null | undefined): Localized {
  const out: Localized = {}
  if (typeof v?.kk === 'string' && v.kk) out.kk = v.kk
  if (typeof v?.ru === 'string' && v.ru) out.ru = v.ru
  return out
}
