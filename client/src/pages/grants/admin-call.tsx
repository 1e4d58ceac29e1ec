import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { grantsApi, useCall, useCallApplications } from '../../api/grants.js'
import { formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { Empty, ErrorBox, Loading, Notice } from '../../components/status.js'
import { TableRegion } from '../../components/table-region.js'

/**
 * One call for the operator: publish or close it, the submitted applications ranked by the
 * experts' weighted mean score (conflicts shown), and awarding within the number and the budget.
 */
export default function AdminCall() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id = '' } = useParams()
  const call = useCall(id)
  const apps = useCallApplications(id)
  const submit = useSubmit()
  const [chosen, setChosen] = useState<string[]>([])
  const [notice, setNotice] = useState('')
  useTitle(call.data ? pick(call.data.title, lng) : t('grants:web.admin.title'))
  if (call.error) return <ErrorBox error={call.error} />
  if (!call.data) return <Loading />
  const c = call.data
  const items = apps.data?.items ?? []
  const chosenTotal = items.filter((a) => chosen.includes(a.id)).reduce((s, a) => s + a.totalTiyn, 0)
  const deadlinePassed = c.status === 'closed' || Date.parse(c.closesAt) < Date.now()

  async function move(status: 'published' | 'closed') {
    const r = await submit.run(() => grantsApi.updateCall(id, { status, version: c.version }))
    if (r) call.setData(r)
  }
  async function award() {
    const r = await submit.run(() => grantsApi.award(id, chosen))
    if (r) {
      setNotice(t('grants:web.admin.awardedNotice', { count: r.items.length }))
      setChosen([])
      call.reload()
      apps.reload()
    }
  }
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/grants/admin">{t('grants:web.admin.title')}</Link>
      </p>
      <h1>{pick(c.title, lng)}</h1>
      <p>
        {t('grants:web.statusLabel')}: <strong>{t(`grants:status.${c.status}`)}</strong> ·{' '}
        {t('grants:web.application.deadline', { date: formatDate(c.closesAt, lng, true) })}
      </p>
      <p>
        {t('grants:web.admin.usage', {
          count: c.awardedCount,
          of: c.grantsCount,
          amount: formatTenge(c.awardedTiyn),
          budget: formatTenge(c.budgetTiyn),
        })}
      </p>
      <ErrorBox error={submit.error} />
      {notice && <Notice kind="success">{notice}</Notice>}
      <div className="actions">
        {c.status === 'draft' && (
          <button type="button" className="btn btn-primary" disabled={submit.busy} onClick={() => move('published')}>
            {t('grants:web.admin.publish')}
          </button>
        )}
        {c.status === 'published' && (
          <button type="button" className="btn" disabled={submit.busy} onClick={() => move('closed')}>
            {t('grants:web.admin.close')}
          </button>
        )}
      </div>
      <h2>{t('grants:web.admin.ranked')}</h2>
      <ErrorBox error={apps.error} />
      {apps.loading && <Loading />}
      {apps.data && items.length === 0 && <Empty>{t('grants:web.review.noApplications')}</Empty>}
      {items.length > 0 && (
        <TableRegion label={t('grants:web.admin.ranked')}>
          <table className="table">
            <caption className="sr-only">{t('grants:web.admin.ranked')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grants:web.admin.rank')}</th>
                <th scope="col">{t('grants:web.title')}</th>
                <th scope="col">{t('grants:web.council')}</th>
                <th scope="col">{t('grants:web.amount')}</th>
                <th scope="col">{t('grants:web.admin.score')}</th>
                <th scope="col">{t('grants:web.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a, i) => (
                <tr key={a.id}>
                  <td>{i + 1}</td>
                  <td>
                    {a.status === 'submitted' && deadlinePassed ? (
                      <div className="field-check">
                        <input
                          type="checkbox"
                          id={`pick-${a.id}`}
                          checked={chosen.includes(a.id)}
                          onChange={(e) =>
                            setChosen(e.target.checked ? [...chosen, a.id] : chosen.filter((x) => x !== a.id))
                          }
                        />
                        <label htmlFor={`pick-${a.id}`}>{pick(a.title, lng)}</label>
                      </div>
                    ) : (
                      pick(a.title, lng)
                    )}
                  </td>
                  <td>{pick(a.councilName, lng)}</td>
                  <td>{formatTenge(a.totalTiyn)}</td>
                  <td>
                    {a.score?.mean ?? '—'}{' '}
                    <span className="small muted">
                      {t('grants:web.admin.reviews', {
                        count: a.score?.reviews ?? 0,
                        conflicts: a.score?.conflicts ?? 0,
                      })}
                    </span>
                  </td>
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
      {deadlinePassed && items.some((a) => a.status === 'submitted') && (
        <div className="actions">
          <p aria-live="polite">
            {t('grants:web.admin.selected', {
              count: chosen.length,
              amount: formatTenge(chosenTotal),
              left: formatTenge(c.budgetTiyn - c.awardedTiyn),
            })}
          </p>
          <button type="button" className="btn btn-primary" disabled={submit.busy || !chosen.length} onClick={award}>
            {t('grants:web.admin.award')}
          </button>
        </div>
      )}
    </>
  )
}
