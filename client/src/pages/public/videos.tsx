import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { useCouncilMap } from '../../lib/directory.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { usePaged } from '../../lib/paged.js'
import type { Video } from '../../lib/types.js'
import { VideoCard } from '../../components/cards.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

export default function Videos() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('video.title'))
  const [params, setParams] = useSearchParams()
  const council = params.get('council') ?? ''
  const q = params.get('q') ?? ''
  const [text, setText] = useState(q)
  const councils = useCouncilMap()
  const list = usePaged<Video>('/videos', { council, q, limit: 12 })
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
      <h1>{t('video.title')}{c && <> — {pick(c.name, lng)}</>}</h1>
      <form className="filters" role="search" aria-label={t('video.searchLabel')} onSubmit={submit}>
        <div className="field">
          <label htmlFor="v-q">{t('video.search')}</label>
          <input id="v-q" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary">{t('councils.find')}</button>
      </form>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('video.empty')}</Empty>}
      <div className="grid grid-4">{list.items.map((v) => <VideoCard key={v.id} video={v} council={councils.get(v.councilId)} headingLevel={2} />)}</div>
      <More list={list} />
    </>
  )
}
