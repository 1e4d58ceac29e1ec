import i18next from './i18n.js'

/**
 * A module's own texts (`shared/locales/<lng>/<module>.json`), added to i18next when the module's
 * lazy page chunk loads: they never weigh on the home page's first load. Call with the result of
 * `import.meta.glob('…/shared/locales/*\/<module>.json', { eager: true, import: 'default' })`.
 */
export function addModuleTexts(ns: string, files: Record<string, Record<string, unknown>>): void {
  for (const [file, data] of Object.entries(files)) {
    const lng = /locales\/(\w+)\//.exec(file)?.[1]
    if (lng && !i18next.hasResourceBundle(lng, ns)) i18next.addResourceBundle(lng, ns, data, true, false)
  }
}
