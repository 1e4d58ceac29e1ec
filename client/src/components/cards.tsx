import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatDate, formatDuration, pick, pickLang } from '../lib/format.js'
import { useLang } from '../lib/hooks.js'
import type { CouncilSummary, NewsItem, Region, Video } from '../lib/types.js'

export function NewsCard({
  item,
  council,
  headingLevel = 3,
}: {
  item: NewsItem
  council?: CouncilSummary
  headingLevel?: 2 | 3
}) {
  const lng = useLang()
  const H = `h${headingLevel}` as 'h2' | 'h3'
  return (
    <article className="card news-card">
      {item.coverUrl && <img className="card-img" src={item.coverUrl} alt="" loading="lazy" />}
      <div className="card-body">
        <H className="card-title" lang={pickLang(item.title, lng)}>
          <Link to={`/news/${item.slug || item.id}`}>{pick(item.title, lng)}</Link>
        </H>
        <p className="meta">
          {item.publishedAt && <time dateTime={item.publishedAt}>{formatDate(item.publishedAt, lng)}</time>}
          {council && (
            <>
              {' '}
              · <Link to={`/councils/${council.slug || council.id}`}>{pick(council.name, lng)}</Link>
            </>
          )}
        </p>
        {item.summary && <p lang={pickLang(item.summary, lng)}>{pick(item.summary, lng)}</p>}
      </div>
    </article>
  )
}

export function VideoCard({
  video,
  council,
  headingLevel = 3,
}: {
  video: Video
  council?: CouncilSummary
  headingLevel?: 2 | 3
}) {
  const lng = useLang()
  const { t } = useTranslation()
  const H = `h${headingLevel}` as 'h2' | 'h3'
  return (
    <article className="card video-card">
      <div className="thumb">
        {video.thumbnailUrl ? (
          <img className="card-img" src={video.thumbnailUrl} alt="" loading="lazy" />
        ) : (
          <div className="card-img placeholder" aria-hidden="true">
            ▶
          </div>
        )}
        {video.durationSec ? (
          <span className="duration">
            <span className="sr-only">{t('video.duration')}: </span>
            {formatDuration(video.durationSec)}
          </span>
        ) : null}
      </div>
      <div className="card-body">
        <H className="card-title" lang={pickLang(video.title, lng)}>
          <Link to={`/videos/${video.id}`}>{pick(video.title, lng)}</Link>
        </H>
        <p className="meta">
          {video.publishedAt && <time dateTime={video.publishedAt}>{formatDate(video.publishedAt, lng)}</time>}
          {council && <> · {pick(council.name, lng)}</>}
        </p>
      </div>
    </article>
  )
}

export function CouncilCard({ council, region }: { council: CouncilSummary; region?: Region }) {
  const lng = useLang()
  const { t } = useTranslation()
  return (
    <li className="card council-card">
      {council.logoUrl && <img className="council-logo" src={council.logoUrl} alt="" loading="lazy" />}
      <div className="card-body">
        <h3 className="card-title" lang={pickLang(council.name, lng)}>
          <Link to={`/councils/${council.slug || council.id}`}>{pick(council.name, lng)}</Link>
        </h3>
        <p className="meta">
          {t(`level.${council.level}`)}
          {region && <> · {pick(region.name, lng)}</>}
        </p>
        {council.stateBody && <p className="muted small">{pick(council.stateBody, lng)}</p>}
      </div>
    </li>
  )
}
