import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useOperationsQuery, useRetryJobMutation } from '../../api/console.js'
import { asApiError } from '../../api/query-client.js'
import { formatDate, formatNumber } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

/** Admins: health, the background job queue (retry failed jobs) and the key metrics of this server. */
export function Operations() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('console.operations'))
  const q = useOperationsQuery()
  const retry = useRetryJobMutation()
  const [retried, setRetried] = useState<string | null>(null)
  const ops = q.data
  const n = (v: number) => formatNumber(v, lng)
  return (
    <section aria-labelledby="ops-h">
      <div className="section-head">
        <h2 id="ops-h">{t('console.operations')}</h2>
        <button type="button" className="btn btn-small" onClick={() => void q.refetch()} disabled={q.isFetching}>
          {t('console.refresh')}
        </button>
      </div>
      <ErrorBox error={asApiError(q.error)} />
      {!ops ? (
        q.isPending && <Loading />
      ) : (
        <>
          <p className="small muted">
            {t('console.asOf')}: <time dateTime={ops.at}>{formatDate(ops.at, lng, true)}</time>
          </p>
          <h3>{t('console.health')}</h3>
          <dl className="stats-grid" data-testid="health">
            <div>
              <dt>{t('console.status')}</dt>
              <dd>
                <span className={`badge ${ops.health.status === 'ok' ? 'badge-success' : 'badge-danger'}`}>
                  {t(`console.status_${ops.health.status}`)}
                </span>
              </dd>
            </div>
            <div>
              <dt>{t('console.database')}</dt>
              <dd>{t(`console.db_${ops.health.db}`)}</dd>
            </div>
            <div>
              <dt>{t('console.version')}</dt>
              <dd>{ops.health.version}</dd>
            </div>
            <div>
              <dt>{t('console.uptime')}</dt>
              <dd>
                {t('console.uptimeValue', {
                  h: Math.floor(ops.health.uptimeSec / 3600),
                  m: Math.floor((ops.health.uptimeSec % 3600) / 60),
                })}
              </dd>
            </div>
          </dl>

          <h3>{t('console.metrics')}</h3>
          <dl className="stats-grid" data-testid="metrics">
            <div>
              <dt>{t('console.requests')}</dt>
              <dd>{n(ops.metrics.requests)}</dd>
            </div>
            <div>
              <dt>{t('console.errorRate')}</dt>
              <dd>{formatNumber(ops.metrics.errorRate, lng, { style: 'percent', maximumFractionDigits: 2 })}</dd>
            </div>
            <div>
              <dt>{t('console.p95')}</dt>
              <dd>{ops.metrics.p95Ms === null ? '—' : t('console.ms', { n: ops.metrics.p95Ms })}</dd>
            </div>
            <div>
              <dt>{t('console.sockets')}</dt>
              <dd>{n(ops.metrics.sockets)}</dd>
            </div>
            <div>
              <dt>{t('console.users')}</dt>
              <dd>
                {n(ops.metrics.users.total)}{' '}
                <span className="small muted">({t('console.disabledN', { n: ops.metrics.users.disabled })})</span>
              </dd>
            </div>
            <div>
              <dt>{t('console.appeals')}</dt>
              <dd>
                {n(ops.metrics.appeals.total)}{' '}
                <span className="small muted">
                  ({t('console.openN', { n: ops.metrics.appeals.open })},{' '}
                  {t('console.overdueN', { n: ops.metrics.appeals.overdue })})
                </span>
              </dd>
            </div>
          </dl>

          <h3>{t('console.jobs')}</h3>
          {ops.jobs.byName.length === 0 ? (
            <p className="muted">{t('console.noJobs')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('console.jobs')}>
              <table className="table" data-testid="jobs">
                <thead>
                  <tr>
                    <th scope="col">{t('console.jobName')}</th>
                    <th scope="col">{t('console.waiting')}</th>
                    <th scope="col">{t('console.running')}</th>
                    <th scope="col">{t('console.failed')}</th>
                    <th scope="col">{t('console.done')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ops.jobs.byName.map((r) => (
                    <tr key={r.name} className={r.failed ? 'overdue' : undefined}>
                      <th scope="row">
                        <code>{r.name}</code>
                      </th>
                      <td>{n(r.queued)}</td>
                      <td>{n(r.running)}</td>
                      <td>{n(r.failed)}</td>
                      <td>{n(r.done)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h3>{t('console.failedJobs')}</h3>
          <ErrorBox error={asApiError(retry.error)} />
          {retried && <Notice kind="success">{t('console.retried', { name: retried })}</Notice>}
          {ops.jobs.failed.length === 0 ? (
            <p className="muted">{t('console.noFailed')}</p>
          ) : (
            <ul className="failed-jobs">
              {ops.jobs.failed.map((j) => (
                <li key={j.id} className="card">
                  <div className="card-body">
                    <p>
                      <code>{j.name}</code> · {t('console.attempts', { n: j.attempts, max: j.maxAttempts })}
                      {j.finishedAt && (
                        <>
                          {' '}
                          · <time dateTime={j.finishedAt}>{formatDate(j.finishedAt, lng, true)}</time>
                        </>
                      )}
                    </p>
                    {j.lastError && <p className="small prewrap">{j.lastError}</p>}
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate(j.id, { onSuccess: (r) => setRetried(r.name) })}
                    >
                      {t('console.retry')}
                      <span className="sr-only">: {j.name}</span>
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
