import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { useArticleQuery } from '../../api/news.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, formatNumber, pick, pickLang } from '../../lib/format.js'
import { sanitizeHtml } from '../../lib/html.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { canUser, useSession } from '../../lib/session.js'
import { ErrorBox, Loading } from '../../components/status.js'

export default function NewsArticle() {
  const { t } = useTranslation()
  const lng = useLang()
  const { idOrSlug = '' } = useParams()
  const { user } = useSession()
  const councils = useCouncilMap()
  const a = useArticleQuery(idOrSlug)
  const n = a.data
  useTitle(n ? pick(n.title, lng) : undefined)
  const body = useMemo(() => (n ? sanitizeHtml(pick(n.body, lng)) : ''), [n, lng])
  if (a.isLoading) return <Loading />
  if (a.error || !n)
    return (
      <>
        <h1>{t('news.notFound')}</h1>
        <ErrorBox error={a.error} />
      </>
    )
  const council = councils.get(n.councilId)
  return (
    <article className="article">
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/news">{t('nav.news')}</Link>
        {council && (
          <>
            {' '}
            › <Link to={`/councils/${council.slug || council.id}`}>{pick(council.name, lng)}</Link>
          </>
        )}
      </nav>
      <h1 lang={pickLang(n.title, lng)}>{pick(n.title, lng)}</h1>
      <p className="meta">
        {n.publishedAt ? (
          <time dateTime={n.publishedAt}>{formatDate(n.publishedAt, lng)}</time>
        ) : (
          <span className="badge">{t(`newsStatus.${n.status ?? 'draft'}`)}</span>
        )}
        {typeof n.views === 'number' && <> · {t('news.views', { n: formatNumber(n.views, lng) })}</>}
      </p>
      {n.coverUrl && <img className="cover" src={n.coverUrl} alt="" />}
      {n.summary && (
        <p className="lead" lang={pickLang(n.summary, lng)}>
          {pick(n.summary, lng)}
        </p>
      )}
      <div className="prose" lang={pickLang(n.body, lng)} dangerouslySetInnerHTML={{ __html: body }} />
      {n.tags?.length > 0 && (
        <ul className="tags" aria-label={t('news.tags')}>
          {n.tags.map((tag) => (
            <li key={tag}>
              <Link to={`/news?tag=${encodeURIComponent(tag)}`}>#{tag}</Link>
            </li>
          ))}
        </ul>
      )}
      {canUser(user, 'news.publish', n.councilId) && (
        <p>
          <Link className="btn" to={`/member/news/${n.id}/edit`}>
            {t('news.edit')}
          </Link>
        </p>
      )}
    </article>
  )
}
