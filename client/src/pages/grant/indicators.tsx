import { useTranslation } from 'react-i18next'
import type { IndicatorsResponse } from '../../../../shared/schemas/stats.js'
import { indicatorsCsvUrl, useIndicators } from '../../api/stats.js'
import { IndicatorChart } from '../../components/indicator-chart.js'
import { ErrorBox, Loading } from '../../components/status.js'
import { formatNumber, pick } from '../../lib/format.js'
import { useRegions } from '../../api/directory.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams } from '../../lib/query-params.js'

type Indicator = IndicatorsResponse['indicators'][number]
const THIS_YEAR = new Date(Date.now() + 5 * 3600_000).getUTCFullYear()
const YEARS = [THIS_YEAR, THIS_YEAR - 1, THIS_YEAR - 2]

/** The grant's indicators against their targets, a chart and a table per indicator, by year. */
export default function IndicatorsPage() {
  const { t } = useTranslation()
  useTitle(t('stats:web.title'))
  const lng = useLang()
  const qp = useQueryParams()
  const year = Number(qp.get('year')) || THIS_YEAR
  const data = useIndicators(year)
  return (
    <>
      <h1>{t('stats:web.title')}</h1>
      <p>{t('stats:web.intro')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="ind-year">{t('stats:web.year')}</label>
          <select id="ind-year" value={String(year)} onChange={(e) => qp.set('year', e.target.value)}>
            {YEARS.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <a className="btn btn-ghost" href={indicatorsCsvUrl(year, lng)} download>
          {t('stats:web.csv')}
        </a>
      </div>
      {data.loading && <Loading />}
      <ErrorBox error={data.error} />
      {data.data && (
        <ul className="indicator-list">
          {data.data.indicators.map((i) => (
            <IndicatorCard key={i.key} indicator={i} />
          ))}
        </ul>
      )}
    </>
  )
}

function IndicatorCard({ indicator: i }: { indicator: Indicator }) {
  const { t } = useTranslation()
  const lng = useLang()
  const unit = t(`stats:unit.${i.unit}`)
  const show = (v: number | null) => (v === null ? t('stats:web.noValue') : `${formatNumber(v, lng)} ${unit}`)
  const headingId = `ind-${i.key}`
  return (
    <li className="card card-pad indicator" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {i.name}
      </h2>
      <p className="indicator-figures">
        <span>{t('stats:web.value', { value: show(i.value) })}</span>
        <span>{t('stats:web.target', { target: `${formatNumber(i.target, lng)} ${unit}` })}</span>
        <span className={`badge ${i.met ? 'badge-ok' : 'badge-danger'}`}>
          {i.met ? t('stats:web.met') : t('stats:web.notMet')}
        </span>
      </p>
      {i.source === 'pending' && <p className="muted">{t('stats:web.pending')}</p>}
      {i.regions && i.regions.length > 0 && <RegionTable indicator={i} show={show} />}
      <div className="indicator-body">
        <IndicatorChart
          values={i.series.map((p) => p.value)}
          target={i.target}
          labels={{ value: t('stats:web.monthValue'), target: t('stats:web.target', { target: i.target }) }}
        />
        <div className="sr-only">
          <table>
            <caption>{t('stats:web.table', { name: i.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stats:web.month')}</th>
                <th scope="col">{t('stats:web.monthValue')}</th>
              </tr>
            </thead>
            <tbody>
              {i.series.map((p) => (
                <tr key={p.month}>
                  <th scope="row">{p.month}</th>
                  <td>{show(p.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </li>
  )
}

/** The year's value by region, where the indicator has one (visible to everyone, readable as a table). */
function RegionTable({ indicator: i, show }: { indicator: Indicator; show: (v: number | null) => string }) {
  const { t } = useTranslation()
  const lng = useLang()
  const regions = useRegions()
  const nameOf = (id: string | null) =>
    id === null ? t('stats:web.republic') : pick(regions.find((r) => r.id === id)?.name, lng) || id
  const rows = [...(i.regions ?? [])].sort((a, b) => b.value - a.value)
  return (
    <table className="table indicator-regions">
      <caption>{t('stats:web.byRegion')}</caption>
      <tbody>
        {rows.map((r) => (
          <tr key={r.regionId ?? 'republic'}>
            <th scope="row">{nameOf(r.regionId)}</th>
            <td>{show(r.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
