import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api } from '../../lib/api.js'
import { useLoad, useTitle } from '../../lib/hooks.js'
import type { Appeal } from '../../lib/types.js'
import { AppealView } from '../../components/appeal-view.js'
import { ErrorBox, Loading } from '../../components/status.js'

export default function MyAppeal() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const a = useLoad((signal) => api<Appeal>(`/appeals/${encodeURIComponent(id)}`, { signal }), [id])
  useTitle(a.data?.trackingNumber ?? t('mine.title'))
  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/appeals/mine">{t('mine.title')}</Link>
      </nav>
      <h1>{t('mine.one', { number: a.data?.trackingNumber ?? '' })}</h1>
      {a.loading && !a.data ? <Loading /> : <ErrorBox error={a.error} />}
      {a.data && <AppealView appeal={a.data} role="author" onChange={a.setData} />}
    </>
  )
}
