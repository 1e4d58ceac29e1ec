import { createContext, useContext, useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { Lang } from './types.js'

export function useLang(): Lang {
  const { i18n } = useTranslation()
  return (i18n.resolvedLanguage ?? i18n.language) === 'ru' ? 'ru' : 'kk'
}

/** Where a server render collects the page's title for its <title> (null in the browser). */
export const TitleSink = createContext<{ title?: string } | null>(null)

/** Sets the document title (`page · portal`) so screen-reader users hear where they landed. */
export function useTitle(title: string | undefined): void {
  const { t } = useTranslation()
  const full = title ? `${title} · ${t('common:appName')}` : t('common:appName')
  const sink = useContext(TitleSink)
  if (sink) sink.title = full
  useEffect(() => {
    document.title = full
  }, [full])
}
