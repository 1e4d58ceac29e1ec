import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { Lang } from './types.js'

export function useLang(): Lang {
  const { i18n } = useTranslation()
  return (i18n.resolvedLanguage ?? i18n.language) === 'ru' ? 'ru' : 'kk'
}

/** Sets the document title (`page · portal`) so screen-reader users hear where they landed. */
export function useTitle(title: string | undefined): void {
  const { t } = useTranslation()
  useEffect(() => {
    document.title = title ? `${title} · ${t('common:appName')}` : t('common:appName')
  }, [title, t])
}
