import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useMyAppealsPaged } from '../../api/appeals.js'
import { useSession } from '../../lib/session.js'
import { StatusBadge } from '../../components/appeal-view.js'
import { More } from '../../components/more.js'
import { Empty, Loading } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'
import { TableRegion } from '../../components/table-region.js'

export default function MyAppeals() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('mine.title'))
  const { user, loading } = useSession()
  const councils = useCouncilMap()
  const list = useMyAppealsPaged(Boolean(user))
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('mine.title')} />
  return (
    <>
      <h1>{t('mine.title')}</h1>
      <p>
        <Link className="btn btn-primary" to="/appeals/new">
          {t('home.sendAppeal')}
        </Link>
      </p>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('mine.empty')}</Empty>}
      {list.items.length > 0 && (
        <TableRegion label={t('mine.title')}>
          <table className="table">
            <caption className="sr-only">{t('mine.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('appeal.number')}</th>
                <th scope="col">{t('appeal.subject')}</th>
                <th scope="col">{t('appeal.council')}</th>
                <th scope="col">{t('appeal.status')}</th>
                <th scope="col">{t('appeal.dueAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/appeals/mine/${a.id}`}>{a.trackingNumber}</Link>
                  </td>
                  <td>{a.subject}</td>
                  <td>{councils.get(a.councilId) ? pick(councils.get(a.councilId)!.name, lng) : ''}</td>
                  <td>
                    <StatusBadge status={a.status} overdue={a.overdue} />
                  </td>
                  <td>{a.dueAt ? formatDate(a.dueAt, lng) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <More list={list} />
    </>
  )
}
