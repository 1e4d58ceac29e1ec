import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, formatDuration, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useModerationVideosPaged } from '../../api/videos.js'
import { useQueryParams } from '../../lib/query-params.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

import { is, MODERATION_QUEUE_STATUSES as STATUSES } from '../../../../shared/domain.js'
import { TableRegion } from '../../components/table-region.js'

export function VideoQueue() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('moderation.videos'))
  const qp = useQueryParams()
  const wanted = qp.get('status')
  const status = is(STATUSES, wanted) ? wanted : 'pending_review'
  const councils = useCouncilMap()
  const list = useModerationVideosPaged({ status, limit: 30 })
  return (
    <section aria-labelledby="vq-h">
      <h2 id="vq-h">{t('moderation.videos')}</h2>
      <div className="filters">
        <FilterSelect
          id="vq-status"
          label={t('member.status')}
          name="status"
          qp={qp}
          fallback="pending_review"
          options={STATUSES.map((s) => [s, t(`videoStatus.${s}`)] as const)}
        />
        <button type="button" className="btn btn-small" onClick={list.reload}>
          {t('member.refresh')}
        </button>
      </div>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('moderation.queueEmpty')}</Empty>}
      {list.items.length > 0 && (
        <TableRegion label={t('moderation.videos')}>
          <table className="table">
            <caption className="sr-only">{t('moderation.videos')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('editor.title')}</th>
                <th scope="col">{t('appeal.council')}</th>
                <th scope="col">{t('video.duration')}</th>
                <th scope="col">{t('member.uploadedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((v) => (
                <tr key={v.id}>
                  <td>
                    <Link to={`/moderation/videos/${v.id}`}>{pick(v.title, lng)}</Link>
                  </td>
                  <td>{councils.get(v.councilId) ? pick(councils.get(v.councilId)!.name, lng) : ''}</td>
                  <td>{formatDuration(v.durationSec)}</td>
                  <td>{formatDate(v.createdAt, lng, true)}</td>
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
