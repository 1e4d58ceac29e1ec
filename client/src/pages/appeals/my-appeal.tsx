import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { useAppealQuery } from '../../api/appeals.js'
import { useTitle } from '../../lib/hooks.js'
import { AppealView } from '../../components/appeal-view.js'
import { ErrorBox, Loading } from '../../components/status.js'

export default function MyAppeal() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const a = useAppealQuery(id)
  useTitle(a.data?.trackingNumber ?? t('mine.title'))
  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/appeals/mine">{t('mine.title')}</Link>
      </nav>
      <h1>{t('mine.one', { number: a.data?.trackingNumber ?? '' })}</h1>
      {a.isLoading ? <Loading /> : <ErrorBox error={a.error} />}
      {a.data && <AppealView appeal={a.data} role="author" />}
    </>
  )
}
