import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { useCouncilMap } from '../../lib/directory.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { usePaged } from '../../lib/paged.js'
import type { NewsItem } from '../../lib/types.js'
import { NewsCard } from '../../components/cards.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

export default function NewsList() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('news.title'))
  const [params, setParams] = useSearchParams()
  const council = params.get('council') ?? ''
  const tag = params.get('tag') ?? ''
  const q = params.get('q') ?? ''
  const [text, setText] = useState(q)
  const councils = useCouncilMap()
  const list = usePaged<NewsItem>('/news', { council, tag, q, limit: 12 })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const next = new URLSearchParams(params)
    if (text.trim()) next.set('q', text.trim())
    else next.delete('q')
    setParams(next, { replace: true })
  }
  const c = councils.get(council)
  return (
    <>
      <h1>{t('news.title')}{c && <> — {pick(c.name, lng)}</>}</h1>
      <form className="filters" role="search" aria-label={t('news.searchLabel')} onSubmit={submit}>
        <div className="field">
          <label htmlFor="n-q">{t('news.search')}</label>
          <input id="n-q" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary">{t('councils.find')}</button>
      </form>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('news.empty')}</Empty>}
      <div className="grid">{list.items.map((n) => <NewsCard key={n.id} item={n} council={councils.get(n.councilId)} headingLevel={2} />)}</div>
      <More list={list} />
    </>
  )
}
