import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useCouncilNewsPaged } from '../../api/news.js'
import { useQueryParams } from '../../lib/query-params.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

import { is, NEWS_STATUSES as STATUSES } from '../../../../shared/domain.js'
import { TableRegion } from '../../components/table-region.js'

/** Every article of the council (drafts, scheduled, published, archived) with edit links, and the button to write one. */
export function CouncilNews({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('member.news'))
  const qp = useQueryParams()
  const status = qp.get('status')
  const list = useCouncilNewsPaged(councilId, { status: is(STATUSES, status) ? status : undefined, limit: 20 })
  return (
    <section aria-labelledby="cn-h">
      <h2 id="cn-h">{t('member.news')}</h2>
      <p>
        <Link className="btn btn-primary" to={`/member/news/new?council=${councilId}`}>
          {t('member.writeNews')}
        </Link>
      </p>
      <p className="muted small">{t('member.draftsHint')}</p>
      <div className="filters">
        <FilterSelect
          id="cn-status"
          label={t('member.status')}
          name="status"
          qp={qp}
          all={t('member.allStatuses')}
          options={STATUSES.map((s) => [s, t(`newsStatus.${s}`)] as const)}
        />
      </div>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('news.empty')}</Empty>}
      {list.items.length > 0 && (
        <TableRegion label={t('member.news')}>
          <table className="table">
            <caption className="sr-only">{t('member.news')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('editor.title')}</th>
                <th scope="col">{t('member.status')}</th>
                <th scope="col">{t('member.publishedAt')}</th>
                <th scope="col">{t('member.updatedAt')}</th>
                <th scope="col">
                  <span className="sr-only">{t('member.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((n) => (
                <tr key={n.id} data-news-id={n.id}>
                  <td>
                    <Link to={`/news/${n.slug || n.id}`}>{pick(n.title, lng)}</Link>
                  </td>
                  <td>
                    <span className={`badge status-${n.status}`}>{t(`newsStatus.${n.status}`)}</span>
                  </td>
                  {/* A scheduled article shows when it will go out. */}
                  <td>
                    {formatDate(n.status === 'scheduled' ? n.publishAt : n.publishedAt, lng, n.status === 'scheduled')}
                  </td>
                  <td>{formatDate(n.updatedAt, lng, true)}</td>
                  <td>
                    <Link to={`/member/news/${n.id}/edit`}>
                      {t('news.edit')}
                      <span className="sr-only">: {pick(n.title, lng)}</span>
                    </Link>
                  </td>
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
