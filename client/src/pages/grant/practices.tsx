import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { compendiumPdfUrl, requestCompendium, useCompendium, usePractices } from '../../api/practices.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { ErrorBox } from '../../components/status.js'
import { useCouncilMap, useRegions } from '../../api/directory.js'
import { useSubmit } from '../../lib/form.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams } from '../../lib/query-params.js'
import { hasRole, useSession } from '../../lib/session.js'
import './grant.css'

const THIS_YEAR = new Date(Date.now() + 5 * 3600_000).getUTCFullYear()
const YEARS = [THIS_YEAR, THIS_YEAR - 1, THIS_YEAR - 2]

/** Approved best practices by year and region, and the year's compendium in kk and ru. */
export default function PracticesPage() {
  const { t } = useTranslation()
  useTitle(t('practices:web.title'))
  const lng = useLang()
  const qp = useQueryParams()
  const year = Number(qp.get('year')) || THIS_YEAR
  const regionId = qp.get('region') || null
  const regions = useRegions()
  const councils = useCouncilMap()
  const list = usePractices(year, regionId)
  const { user } = useSession()
  return (
    <>
      <h1>{t('practices:web.title')}</h1>
      <p>{t('practices:web.intro')}</p>
      {hasRole(user, 'council_member', 'moderator', 'admin') && (
        <p>
          <Link to="/best-practices/manage">{t('practices:web.manageLink')}</Link>
        </p>
      )}
      <div className="filters">
        <FilterSelect
          id="bp-year"
          label={t('practices:web.year')}
          name="year"
          qp={qp}
          fallback={String(THIS_YEAR)}
          options={YEARS.map((y) => [String(y), String(y)] as const)}
        />
        <FilterSelect
          id="bp-region"
          label={t('practices:web.region')}
          name="region"
          qp={qp}
          all={t('practices:web.allRegions')}
          options={[
            ...regions.map((r) => [r.id, r.name[lng]] as const),
            ['republican', t('practices:web.republican')] as const,
          ]}
        />
      </div>
      <Compendium year={year} />
      <ErrorBox error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 && <p className="muted">{t('practices:web.empty')}</p>}
      <ul className="practice-list">
        {list.items.map((p) => (
          <li key={p.id} className="card card-pad">
            <h2 className="card-title">{pick(p.title, lng)}</h2>
            <p className="meta">{pick(p.councilName, lng) || pick(councils.get(p.councilId)?.name, lng)}</p>
            <p className="prewrap">{pick(p.summary, lng)}</p>
            {p.images.length > 0 && (
              <div className="practice-images">
                {p.images.map((img) => (
                  <img key={img.id} src={img.url} alt="" loading="lazy" />
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
      <More list={list} />
    </>
  )
}

function Compendium({ year }: { year: number }) {
  const { t } = useTranslation()
  const { user } = useSession()
  const status = useCompendium(year)
  const s = useSubmit()
  const [polling, setPolling] = useState(false)
  const running = status.data?.status === 'queued' || status.data?.status === 'running'
  // While a generation runs, its progress is re-read every second (the moderator sees it move).
  useEffect(() => {
    if (!running && !polling) return
    const timer = setTimeout(() => {
      status.reload()
      if (!running) setPolling(false)
    }, 1000)
    return () => clearTimeout(timer)
  }, [running, polling, status])
  const files = status.data?.files ?? []
  return (
    <section aria-labelledby="compendium-title" className="card card-pad">
      <h2 id="compendium-title">{t('practices:web.compendium', { year })}</h2>
      {files.length ? (
        <p className="compendium-links">
          {files.map((f) => (
            <a key={f.lng} className="btn" href={compendiumPdfUrl(year, f.lng)} hrefLang={f.lng} type="application/pdf">
              {t('practices:web.download', { language: f.lng === 'kk' ? 'Қазақша' : 'Русский' })}
            </a>
          ))}
        </p>
      ) : (
        <p className="muted">{t('practices:web.noCompendium')}</p>
      )}
      {running && (
        <p role="status" aria-live="polite">
          {t('practices:web.progress', { progress: status.data?.progress ?? 0 })}
        </p>
      )}
      <ErrorBox error={s.error} />
      {hasRole(user, 'moderator', 'admin') && (
        <button
          className="btn btn-primary"
          type="button"
          disabled={s.busy || running}
          onClick={() =>
            void s
              .run(() => requestCompendium(year))
              .then((r) => {
                if (r) {
                  setPolling(true)
                  status.reload()
                }
              })
          }
        >
          {t('practices:web.generate')}
        </button>
      )}
    </section>
  )
}
