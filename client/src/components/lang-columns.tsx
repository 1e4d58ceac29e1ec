import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Lang } from '../lib/types.js'
import { LANGS } from '../../../shared/domain.js'

/** Side by side (stacked on phones) Kazakh and Russian versions of the same fields, each marked with its `lang`. */
export function LangColumns({ children }: { children: (lang: Lang) => ReactNode }) {
  const { t } = useTranslation()
  return (
    <div className="lang-columns">
      {LANGS.map((l) => (
        <fieldset key={l} lang={l}>
          <legend>{t(`editor.in_${l}`)}</legend>
          {children(l)}
        </fieldset>
      ))}
    </div>
  )
}
