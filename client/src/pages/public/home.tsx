import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCouncilMap, useCouncils, useRegions } from '../../api/directory.js'
import { useNewsQuery } from '../../api/news.js'
import { useVideosQuery } from '../../api/videos.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { NewsCard, VideoCard } from '../../components/cards.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'

/** Latest news and videos, a call to send an appeal, and the councils grouped by region. */
export function Home() {
  const { t } = useTranslation()
  useTitle(undefined)
  const news = useNewsQuery({ limit: 6 })
  const videos = useVideosQuery({ limit: 4 })
  const councils = useCouncilMap()
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <p className="actions">
          <Link className="btn btn-primary" to="/appeals/new">
            {t('home.sendAppeal')}
          </Link>
          <Link className="btn" to="/councils">
            {t('home.findCouncil')}
          </Link>
        </p>
      </section>

      <section aria-labelledby="home-news">
        <div className="section-head">
          <h2 id="home-news">{t('home.latestNews')}</h2>
          <Link to="/news">{t('home.allNews')}</Link>
        </div>
        {news.isLoading ? <Loading /> : <ErrorBox error={news.error} />}
        {news.data &&
          (news.data.items.length === 0 ? (
            <Empty>{t('news.empty')}</Empty>
          ) : (
            <div className="grid">
              {news.data.items.map((n) => (
                <NewsCard key={n.id} item={n} council={councils.get(n.councilId)} />
              ))}
            </div>
          ))}
      </section>

      <section aria-labelledby="home-videos">
        <div className="section-head">
          <h2 id="home-videos">{t('home.latestVideos')}</h2>
          <Link to="/videos">{t('home.allVideos')}</Link>
        </div>
        {videos.isLoading ? <Loading /> : <ErrorBox error={videos.error} />}
        {videos.data &&
          (videos.data.items.length === 0 ? (
            <Empty>{t('video.empty')}</Empty>
          ) : (
            <div className="grid grid-4">
              {videos.data.items.map((v) => (
                <VideoCard key={v.id} video={v} council={councils.get(v.councilId)} />
              ))}
            </div>
          ))}
      </section>

      <CouncilsByRegion />
    </>
  )
}

function CouncilsByRegion() {
  const { t } = useTranslation()
  const lng = useLang()
  const regions = useRegions()
  const councils = useCouncils()
  const counts = useMemo(() => {
    const m = new Map<string, number>()
    for (const c of councils) m.set(c.regionId ?? 'republican', (m.get(c.regionId ?? 'republican') ?? 0) + 1)
    return m
  }, [councils])
  const sorted = useMemo(
    () => [...regions].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [regions, lng],
  )
  return (
    <section aria-labelledby="home-regions">
      <h2 id="home-regions">{t('home.byRegion')}</h2>
      <ul className="region-list">
        <li>
          <Link to="/councils?level=republican">{t('level.republican')}</Link>{' '}
          <span className="badge">{counts.get('republican') ?? 0}</span>
        </li>
        {sorted.map((r) => (
          <li key={r.id}>
            <Link to={`/councils?region=${r.id}`}>{pick(r.name, lng)}</Link>{' '}
            <span className="badge">{counts.get(r.id) ?? 0}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
