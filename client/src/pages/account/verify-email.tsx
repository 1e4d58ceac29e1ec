import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { api, ApiError } from '../../lib/api.js'
import { useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

export default function VerifyEmail() {
  const { t } = useTranslation()
  useTitle(t('auth.verifyTitle'))
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const { refresh } = useSession()
  const [ok, setOk] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const sent = useRef(false)
  useEffect(() => {
    if (sent.current || !token) return
    sent.current = true
    api('/auth/verify-email', { body: { token } }).then(
      () => {
        setOk(true)
        void refresh()
      },
      (e) => setError(e instanceof ApiError ? e : null),
    )
  }, [token, refresh])
  return (
    <div className="narrow">
      <h1>{t('auth.verifyTitle')}</h1>
      {!token && <Notice kind="error">{t('confirm.noToken')}</Notice>}
      {token && !ok && !error && <Loading />}
      <ErrorBox error={error} />
      {ok && (
        <>
          <Notice kind="success">{t('auth.verified')}</Notice>
          <p>
            <Link to="/">{t('notFound.home')}</Link>
          </p>
        </>
      )}
    </div>
  )
}
