import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { usePublicAwards } from '../../api/grants.js'
import { useRecommendations } from '../../api/control.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { RecommendationStatus, RoleLinks } from './parts.js'
import { TableRegion } from '../../components/table-region.js'

const THIS_YEAR = new Date().getFullYear()
const YEARS = Array.from({ length: 4 }, (_, i) => THIS_YEAR + 1 - i)

/** Public results of a year: who got grants, what they control, progress, and what came of their recommendations. */
export default function Results() {
  const { t } = useTranslation()
  const lng = useLang()
  const [params, setParams] = useSearchParams()
  const year = Number(params.get('year')) || THIS_YEAR
  useTitle(t('grants:web.results.title', { year }))
  const awards = usePublicAwards(year)
  const recs = useRecommendations({ year })
  return (
    <>
      <h1>{t('grants:web.results.title', { year })}</h1>
      <p className="lead">{t('grants:web.results.lead')}</p>
      <RoleLinks />
      <div className="filters">
        <label htmlFor="year-select">{t('grants:web.year')}</label>{' '}
        <select id="year-select" value={year} onChange={(e) => setParams({ year: e.target.value })}>
          {YEARS.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>{' '}
        <Link to={`/grants/scorecard?year=${year}`}>{t('grants:web.scorecard.title')}</Link>
      </div>
      <ErrorBox error={awards.error} />
      {awards.loading && <Loading />}
      {awards.data && (
        <>
          <ul className="stats" aria-label={t('grants:web.results.totals')}>
            <li>
              <strong>{awards.data.totals.awards}</strong> {t('grants:web.results.awards')}
            </li>
            <li>
              <strong>{awards.data.totals.councils}</strong> {t('grants:web.results.councils')}
            </li>
            <li>
              <strong>{formatTenge(awards.data.totals.amountTiyn)}</strong> {t('grants:web.results.amount')}
            </li>
          </ul>
          <h2>{t('grants:web.results.awardsHeading')}</h2>
          {awards.data.items.length === 0 && <Empty>{t('grants:web.results.none')}</Empty>}
          <ul className="qa-list">
            {awards.data.items.map((a) => (
              <li key={a.id} className="card">
                <div className="card-body">
                  <h3 className="card-title">{pick(a.title, lng)}</h3>
                  <p>
                    <Link to={`/councils/${a.councilId}`}>{pick(a.councilName, lng)}</Link>
                  </p>
                  <dl className="facts">
                    <dt>{t('grants:web.stateBody')}</dt>
                    <dd>{pick(a.stateBody, lng)}</dd>
                    <dt>{t('grants:web.subject')}</dt>
                    <dd>{pick(a.subject, lng)}</dd>
                    <dt>{t('grants:web.amount')}</dt>
                    <dd>{formatTenge(a.amountTiyn)}</dd>
                    <dt>{t('grants:web.statusLabel')}</dt>
                    <dd>{t(`grants:status.${a.status}`)}</dd>
                  </dl>
                  <h4>{t('grants:web.plan')}</h4>
                  <ol>
                    {a.milestones.map((m, i) => (
                      <li key={i}>
                        {m.title} — {formatDate(m.dueAt, lng)}{' '}
                        {m.passed && <span className="badge">{t('grants:web.results.passed')}</span>}
                      </li>
                    ))}
                  </ol>
                  <h4>{t('grants:web.results.acceptedReports')}</h4>
                  {a.acceptedReports.length === 0 ? (
                    <p className="muted">{t('grants:web.results.noReports')}</p>
                  ) : (
                    <ul>
                      {a.acceptedReports.map((r) => (
                        <li key={r.id}>
                          {t(`grants:reportKind.${r.kind}`)} — {formatDate(r.acceptedAt, lng)}
                          <p className="prewrap">{r.text}</p>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('grants:web.results.recommendations')}</h2>
      <ErrorBox error={recs.error} />
      {recs.data && recs.data.items.length === 0 && <Empty>{t('grants:web.results.noRecommendations')}</Empty>}
      {recs.data && recs.data.items.length > 0 && (
        <TableRegion label={t('grants:web.results.recommendations')}>
          <table className="table">
            <caption className="sr-only">{t('grants:web.results.recommendations')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grants:web.council')}</th>
                <th scope="col">{t('grants:web.stateBody')}</th>
                <th scope="col">{t('grants:web.recommendation')}</th>
                <th scope="col">{t('grants:web.sentAt')}</th>
                <th scope="col">{t('grants:web.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {recs.data.items.map((r) => (
                <tr key={r.id}>
                  <td>{pick(r.councilName, lng)}</td>
                  <td>{pick(r.stateBody, lng)}</td>
                  <td>{pick(r.text, lng)}</td>
                  <td>{formatDate(r.sentAt, lng)}</td>
                  <td>
                    <RecommendationStatus r={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  )
}
