import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { controlApi, useScorecard, type ScorecardRow } from '../../api/control.js'
import { useRegions } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { TableRegion } from '../../components/table-region.js'

const THIS_YEAR = new Date().getFullYear()
const YEARS = Array.from({ length: 4 }, (_, i) => THIS_YEAR + 1 - i)
const COLUMNS = ['sent', 'answeredOnTime', 'answeredLate', 'unanswered', 'overdue', 'implemented'] as const
type SortKey = 'stateBody' | (typeof COLUMNS)[number]

/** How state bodies answer councils' recommendations: sortable, by region, downloadable as CSV. */
export default function ScorecardPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const regions = useRegions()
  const [params, setParams] = useSearchParams()
  const year = Number(params.get('year')) || THIS_YEAR
  const regionId = params.get('region') || undefined
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'sent', desc: true })
  useTitle(t('grants:web.scorecard.title'))
  const card = useScorecard(year, regionId)
  const rows = useMemo(() => {
    const items = [...(card.data?.items ?? [])]
    const val = (r: ScorecardRow) => (sort.key === 'stateBody' ? pick(r.stateBody, lng) : r[sort.key])
    items.sort((a, b) => {
      const x = val(a)
      const y = val(b)
      const c = typeof x === 'number' ? x - (y as number) : String(x).localeCompare(String(y), lng)
      return sort.desc ? -c : c
    })
    return items
  }, [card.data, sort, lng])
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params)
    if (v) next.set(k, v)
    else next.delete(k)
    setParams(next)
  }
  const header = (key: SortKey, label: string) => {
    const active = sort.key === key
    return (
      <th scope="col" aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="btn-link"
          onClick={() => setSort({ key, desc: active ? !sort.desc : key !== 'stateBody' })}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
        </button>
      </th>
    )
  }
  return (
    <>
      <h1>{t('grants:web.scorecard.title')}</h1>
      <p className="lead">{t('grants:web.scorecard.lead')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="sc-year">{t('grants:web.year')}</label>
          <select id="sc-year" value={year} onChange={(e) => set('year', e.target.value)}>
            {YEARS.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="sc-region">{t('grants:web.region')}</label>
          <select id="sc-region" value={regionId ?? ''} onChange={(e) => set('region', e.target.value)}>
            <option value="">{t('grants:web.allRegions')}</option>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {pick(r.name, lng)}
              </option>
            ))}
          </select>
        </div>
        <p>
          <a className="btn" href={controlApi.scorecardCsvUrl(year, lng, regionId)} download>
            {t('grants:web.scorecard.csv')}
          </a>{' '}
          <Link to={`/grants?year=${year}`}>{t('grants:web.results.link')}</Link>
        </p>
      </div>
      <ErrorBox error={card.error} />
      {card.loading && <Loading />}
      {card.data && rows.length === 0 && <Empty>{t('grants:web.scorecard.empty')}</Empty>}
      {rows.length > 0 && (
        <TableRegion label={t('grants:web.scorecard.caption', { year })}>
          <table className="table">
            <caption>{t('grants:web.scorecard.caption', { year })}</caption>
            <thead>
              <tr>
                {header('stateBody', t('control:csv.stateBody'))}
                {COLUMNS.map((c) => header(c, t(`control:csv.${c}`)))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={pick(r.stateBody, 'ru') + pick(r.stateBody, 'kk')}>
                  <th scope="row">{pick(r.stateBody, lng)}</th>
                  {COLUMNS.map((c) => (
                    <td key={c}>{r[c]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  )
}
