import { useTranslation } from 'react-i18next'
import { Link, useLocation } from 'react-router-dom'

/** Shown instead of a page that needs an account; sign-in brings the person back here. */
export function SignInFirst({ title }: { title: string }) {
  const { t } = useTranslation()
  const loc = useLocation()
  const back = encodeURIComponent(loc.pathname + loc.search)
  return (
    <>
      <h1>{title}</h1>
      <p>{t('auth.needSignIn')}</p>
      <p className="actions">
        <Link className="btn btn-primary" to={`/login?next=${back}`}>
          {t('nav.login')}
        </Link>{' '}
        <Link className="btn" to="/register">
          {t('nav.register')}
        </Link>
      </p>
    </>
  )
}

export function Forbidden() {
  const { t } = useTranslation()
  return (
    <>
      <h1>{t('auth.forbiddenTitle')}</h1>
      <p>{t('auth.forbiddenText')}</p>
    </>
  )
}

/** Only same-site paths are followed after sign-in (no open redirect through ?next=). */
export function safeNext(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') ? v : '/'
}
