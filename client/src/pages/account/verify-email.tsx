import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useVerifyEmailMutation } from '../../api/auth.js'
import type { ApiError } from '../../lib/api.js'
import { useTitle } from '../../lib/hooks.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

export default function VerifyEmail() {
  const { t } = useTranslation()
  useTitle(t('auth.verifyTitle'))
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const verify = useVerifyEmailMutation()
  const { mutate } = verify
  const [ok, setOk] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const sent = useRef(false)
  useEffect(() => {
    if (sent.current || !token) return
    sent.current = true
    // The mutation refreshes the cached user (now verified).
    mutate(token, { onSuccess: () => setOk(true), onError: (e) => setError(e) })
  }, [token, mutate])
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
