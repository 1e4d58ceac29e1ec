import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useTitle } from '../../lib/hooks.js'

export default function NotFound() {
  const { t } = useTranslation()
  useTitle(t('notFound.title'))
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  )
}
