import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useCouncilMap } from '../api/directory.js'
import { pick } from '../lib/format.js'
import { useLang, useTitle } from '../lib/hooks.js'
import type { Paged } from '../api/paged.js'
import { useQueryParams, useSearchBox } from '../lib/query-params.js'
import type { CouncilSummary } from '../lib/types.js'
import { More } from './more.js'
import { Empty } from './status.js'

/** What a public feed asks its list for (both GET /news and GET /videos take these). */
export interface FeedQuery {
  council?: string | null
  q?: string | null
  tag?: string | null
  limit: number
}

interface FeedProps<T> {
  /** The locale section with `title`, `search`, `searchLabel` and `empty`: 'news' or 'video'. */
  section: 'news' | 'video'
  /** The list's paged query hook (useNewsPaged, useVideosPaged). */
  useList: (query: FeedQuery) => Paged<T>
  /** Address filters passed on to the API besides `council` and `q`. */
  filters?: 'tag'[]
  gridClass?: string
  render(item: T, council: CouncilSummary | undefined): ReactNode
}

/** A public feed (news, videos): search, an optional council filter from the address, cards, "more". */
export function FeedPage<T extends { id: string; councilId: string }>({
  section,
  useList,
  filters = [],
  gridClass = 'grid',
  render,
}: FeedProps<T>) {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t(`${section}.title`))
  const qp = useQueryParams()
  const search = useSearchBox(qp)
  const council = qp.get('council')
  const query: FeedQuery = { council, q: qp.get('q'), limit: 12 }
  for (const f of filters) query[f] = qp.get(f)
  const councils = useCouncilMap()
  const list = useList(query)
  const c = councils.get(council)
  const inputId = `${section}-q`
  return (
    <>
      <h1>
        {t(`${section}.title`)}
        {c && <> — {pick(c.name, lng)}</>}
      </h1>
      <form className="filters" role="search" aria-label={t(`${section}.searchLabel`)} onSubmit={search.submit}>
        <div className="field">
          <label htmlFor={inputId}>{t(`${section}.search`)}</label>
          <input id={inputId} type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary">
          {t('councils.find')}
        </button>
      </form>
      {!list.loading && !list.error && list.items.length === 0 && (
        // A search or filter that matched nothing says so; an empty portal says there is nothing yet.
        <Empty>{t(query.q || query.council || query.tag ? 'list.nothingFound' : `${section}.empty`)}</Empty>
      )}
      <div className={gridClass}>{list.items.map((item) => render(item, councils.get(item.councilId)))}</div>
      <More list={list} />
    </>
  )
}
