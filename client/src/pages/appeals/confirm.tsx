import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useConfirmAppealMutation } from '../../api/appeals.js'
import { formatDate } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

/** The page behind the link e-mailed to a guest: it registers the appeal with the council. */
export default function AppealConfirm() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('confirm.title'))
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const confirm = useConfirmAppealMutation()
  const { mutate } = confirm
  const result = confirm.data
  const error = confirm.error
  const sent = useRef(false)
  useEffect(() => {
    if (sent.current || !token) return
    sent.current = true // the token is single-use: never post it twice (StrictMode runs effects twice)
    mutate(token)
  }, [token, mutate])
  return (
    <>
      <h1>{t('confirm.title')}</h1>
      {!token && <Notice kind="error">{t('confirm.noToken')}</Notice>}
      {token && !result && !error && <Loading />}
      <ErrorBox error={error} />
      {result && (
        <>
          <Notice kind="success">{t('confirm.done', { number: result.trackingNumber })}</Notice>
          {result.dueAt && <p>{t('confirm.due', { date: formatDate(result.dueAt, lng) })}</p>}
          <p>
            <Link className="btn btn-primary" to={`/appeals/track?number=${encodeURIComponent(result.trackingNumber)}`}>
              {t('appeal.trackIt')}
            </Link>
          </p>
        </>
      )}
    </>
  )
}
