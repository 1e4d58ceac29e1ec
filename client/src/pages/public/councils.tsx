import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { useRegions } from '../../lib/directory.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { usePaged } from '../../lib/paged.js'
import type { CouncilSummary } from '../../lib/types.js'
import { CouncilCard } from '../../components/cards.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

const LEVELS = ['republican', 'oblast', 'city', 'district'] as const

/** The council directory: region and level filters and a search that knows kk/ru inflection (server side). */
export default function Councils() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('councils.title'))
  const [params, setParams] = useSearchParams()
  const region = params.get('region') ?? ''
  const level = params.get('level') ?? ''
  const q = params.get('q') ?? ''
  const [text, setText] = useState(q)
  const regions = useRegions()
  const regionById = useMemo(() => new Map(regions.map((r) => [r.id, r])), [regions])
  const sortedRegions = useMemo(() => [...regions].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)), [regions, lng])
  const list = usePaged<CouncilSummary>('/councils', { region, level, q, limit: 30 })

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    set('q', text.trim())
  }

  return (
    <>
      <h1>{t('councils.title')}</h1>
      <form className="filters" role="search" aria-label={t('councils.searchLabel')} onSubmit={submit}>
        <div className="field">
          <label htmlFor="c-q">{t('councils.search')}</label>
          <input id="c-q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('councils.searchPlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="c-region">{t('councils.region')}</label>
          <select id="c-region" value={region} onChange={(e) => set('region', e.target.value)}>
            <option value="">{t('councils.allRegions')}</option>
            {sortedRegions.map((r) => <option key={r.id} value={r.id}>{pick(r.name, lng)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="c-level">{t('councils.level')}</label>
          <select id="c-level" value={level} onChange={(e) => set('level', e.target.value)}>
            <option value="">{t('councils.allLevels')}</option>
            {LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
          </select>
        </div>
        <button type="submit" className="btn btn-primary">{t('councils.find')}</button>
      </form>
      <p className="sr-only" role="status" aria-live="polite">{list.loading ? '' : t('councils.found', { count: list.items.length })}</p>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('councils.empty')}</Empty>}
      <ul className="grid council-grid" aria-label={t('councils.results')}>
        {list.items.map((c) => <CouncilCard key={c.id} council={c} region={c.regionId ? regionById.get(c.regionId) : undefined} />)}
      </ul>
      <More list={list} />
    </>
  )
}
