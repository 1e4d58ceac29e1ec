import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useCouncilsPaged, useRegions } from '../../api/directory.js'
import { COUNCIL_LEVELS as LEVELS, is } from '../../../../shared/domain.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams, useSearchBox } from '../../lib/query-params.js'
import { CouncilCard } from '../../components/cards.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

/** The council directory: region and level filters and a search that knows kk/ru inflection (server side). */
export default function Councils() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('councils.title'))
  const qp = useQueryParams()
  const search = useSearchBox(qp)
  const region = qp.get('region')
  const level = qp.get('level')
  const q = qp.get('q')
  const regions = useRegions()
  const regionById = useMemo(() => new Map(regions.map((r) => [r.id, r])), [regions])
  const sortedRegions = useMemo(
    () => [...regions].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [regions, lng],
  )
  const list = useCouncilsPaged({ region, level: is(LEVELS, level) ? level : undefined, q, limit: 30 })

  return (
    <>
      <h1>{t('councils.title')}</h1>
      <form className="filters" role="search" aria-label={t('councils.searchLabel')} onSubmit={search.submit}>
        <div className="field">
          <label htmlFor="c-q">{t('councils.search')}</label>
          <input
            id="c-q"
            type="search"
            value={search.text}
            onChange={(e) => search.setText(e.target.value)}
            placeholder={t('councils.searchPlaceholder')}
          />
        </div>
        <FilterSelect
          id="c-region"
          label={t('councils.region')}
          name="region"
          qp={qp}
          all={t('councils.allRegions')}
          options={sortedRegions.map((r) => [r.id, pick(r.name, lng)] as const)}
        />
        <FilterSelect
          id="c-level"
          label={t('councils.level')}
          name="level"
          qp={qp}
          all={t('councils.allLevels')}
          options={LEVELS.map((l) => [l, t(`level.${l}`)] as const)}
        />
        <button type="submit" className="btn btn-primary">
          {t('councils.find')}
        </button>
      </form>
      <p className="sr-only" role="status" aria-live="polite">
        {list.loading ? '' : t('councils.found', { count: list.items.length })}
      </p>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('councils.empty')}</Empty>}
      <ul className="grid council-grid" aria-label={t('councils.results')}>
        {list.items.map((c) => (
          <CouncilCard key={c.id} council={c} region={c.regionId ? regionById.get(c.regionId) : undefined} />
        ))}
      </ul>
      <More list={list} />
    </>
  )
}
