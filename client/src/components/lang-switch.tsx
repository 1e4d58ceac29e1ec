import { useTranslation } from 'react-i18next'
import { markLangPicked } from '../lib/i18n.js'
import { useUpdateMeMutation } from '../api/auth.js'
import { useLang } from '../lib/hooks.js'
import { useSession } from '../lib/session.js'
import type { Lang } from '../lib/types.js'

const LABELS: Record<Lang, { short: string; full: string }> = {
  kk: { short: 'ҚАЗ', full: 'Қазақша' },
  ru: { short: 'РУС', full: 'Русский' },
}

/**
 * kk/ru switch on every page. The cookie `lng` remembers it (and the server reads it, so API
 * answers follow); a signed-in person's profile is updated too.
 */
export function LangSwitch() {
  const { t, i18n } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const updateMe = useUpdateMeMutation()
  const change = (next: Lang) => {
    if (next === lng) return
    markLangPicked()
    void i18n.changeLanguage(next)
    // The answer replaces the cached user; a failure leaves the profile as it was.
    if (user && user.locale !== next) updateMe.mutate({ locale: next })
  }
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {(Object.keys(LABELS) as Lang[]).map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === lng}
          onClick={() => change(l)}
          title={LABELS[l].full}
        >
          <span aria-hidden="true">{LABELS[l].short}</span>
          <span className="sr-only">{LABELS[l].full}</span>
        </button>
      ))}
    </div>
  )
}
