import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatDate, personName } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useCouncilAppealsPaged } from '../../api/appeals.js'
import { useQueryParams } from '../../lib/query-params.js'
import { StatusBadge } from '../../components/appeal-view.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

import { is, QUEUE_STATUSES as STATUSES } from '../../../../shared/domain.js'
import { TableRegion } from '../../components/table-region.js'

/** The council's appeals: status and overdue filters, due dates, overdue rows marked. */
export function AppealsQueue({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('member.appeals'))
  const qp = useQueryParams()
  const status = qp.get('status')
  const overdue = qp.get('overdue') === 'true'
  const list = useCouncilAppealsPaged(councilId, {
    status: is(STATUSES, status) ? status : undefined,
    overdue: overdue ? 'true' : undefined,
    limit: 30,
  })
  return (
    <section aria-labelledby="aq-h">
      <h2 id="aq-h">{t('member.appeals')}</h2>
      <div className="filters">
        <FilterSelect
          id="aq-status"
          label={t('appeal.status')}
          name="status"
          qp={qp}
          all={t('member.allStatuses')}
          options={STATUSES.map((s) => [s, t(`appealStatus.${s}`)] as const)}
        />
        <div className="field field-check">
          <input
            id="aq-overdue"
            type="checkbox"
            checked={overdue}
            onChange={(e) => qp.set('overdue', e.target.checked ? 'true' : '')}
          />
          <label htmlFor="aq-overdue">{t('member.onlyOverdue')}</label>
        </div>
        <a
          className="btn btn-small"
          href={`/api/v1/councils/${councilId}/appeals.csv${status ? `?status=${status}` : ''}`}
        >
          {t('member.csv')}
        </a>
      </div>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('member.noAppeals')}</Empty>}
      {list.items.length > 0 && (
        <TableRegion label={t('member.appeals')}>
          <table className="table">
            <caption className="sr-only">{t('member.appeals')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('appeal.number')}</th>
                <th scope="col">{t('appeal.subject')}</th>
                <th scope="col">{t('appeal.category')}</th>
                <th scope="col">{t('appeal.author')}</th>
                <th scope="col">{t('appeal.status')}</th>
                <th scope="col">{t('appeal.dueAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id} className={a.overdue ? 'overdue' : undefined}>
                  <td>
                    <Link to={`/member/councils/${councilId}/appeals/${a.id}`}>{a.trackingNumber}</Link>
                  </td>
                  <td>{a.subject}</td>
                  <td>{t(`category.${a.category}`)}</td>
                  <td>{personName(a.authorName, t)}</td>
                  <td>
                    <StatusBadge status={a.status} overdue={a.overdue} />
                    {a.needsTriage && (
                      <>
                        {' '}
                        <span className="badge">{t('member.needsTriage')}</span>
                      </>
                    )}
                  </td>
                  <td>{a.dueAt ? formatDate(a.dueAt, lng) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <More list={list} />
    </section>
  )
}
