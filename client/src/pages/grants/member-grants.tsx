import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { useCalls, useMyApplications } from '../../api/grants.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'
import { TableRegion } from '../../components/table-region.js'

/** A council member's grants: open calls to apply to, and every application of their councils. */
export default function MemberGrants() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user, loading } = useSession()
  useTitle(t('grants:web.mine.title'))
  const member = hasRole(user, 'council_member')
  const calls = useCalls({ status: 'published' })
  const apps = useMyApplications(member)
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('grants:web.mine.title')} />
  const open = (calls.data?.items ?? []).filter((c) => c.open)
  return (
    <>
      <h1>{t('grants:web.mine.title')}</h1>
      <p>
        <Link to="/grants/recommendations">{t('grants:web.recs.title')}</Link>
      </p>
      <h2>{t('grants:web.mine.openCalls')}</h2>
      <ErrorBox error={calls.error} />
      {calls.data && open.length === 0 && <Empty>{t('grants:web.mine.noCalls')}</Empty>}
      <ul className="qa-list">
        {open.map((c) => (
          <li key={c.id} className="card">
            <div className="card-body">
              <h3 className="card-title">{pick(c.title, lng)}</h3>
              <p className="prewrap">{pick(c.description, lng)}</p>
              <p>
                {t('grants:web.mine.callFacts', {
                  max: formatTenge(c.maxAmountTiyn),
                  count: c.grantsCount,
                  closesAt: formatDate(c.closesAt, lng, true),
                })}
              </p>
              {member && (
                <Link className="btn btn-primary" to={`/grants/apply/${c.id}`}>
                  {t('grants:web.mine.apply')}
                </Link>
              )}
            </div>
          </li>
        ))}
      </ul>
      <h2>{t('grants:web.mine.applications')}</h2>
      <ErrorBox error={apps.error} />
      {apps.data && apps.data.items.length === 0 && <Empty>{t('grants:web.mine.noApplications')}</Empty>}
      {apps.data && apps.data.items.length > 0 && (
        <TableRegion label={t('grants:web.mine.applications')}>
          <table className="table">
            <caption className="sr-only">{t('grants:web.mine.applications')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grants:web.title')}</th>
                <th scope="col">{t('grants:web.council')}</th>
                <th scope="col">{t('grants:web.amount')}</th>
                <th scope="col">{t('grants:web.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {apps.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/grants/applications/${a.id}`}>{pick(a.title, lng)}</Link>
                  </td>
                  <td>{pick(a.councilName, lng)}</td>
                  <td>{formatTenge(a.totalTiyn)}</td>
                  <td>
                    {t(`grants:status.${a.status}`)}
                    {a.awardId && (
                      <>
                        {' · '}
                        <Link to={`/grants/awards/${a.awardId}`}>{t('grants:web.mine.reports')}</Link>
                      </>
                    )}
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
