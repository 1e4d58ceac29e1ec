import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { useVideoQuery } from '../../api/videos.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, formatDuration, pick, pickLang } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { HlsPlayer } from '../../components/hls-player.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

export default function VideoPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id = '' } = useParams()
  const councils = useCouncilMap()
  const v = useVideoQuery(id)
  const video = v.data
  useTitle(video ? pick(video.title, lng) : undefined)
  if (v.isLoading) return <Loading />
  if (v.error || !video)
    return (
      <>
        <h1>{t('video.notFound')}</h1>
        <ErrorBox error={v.error} />
      </>
    )
  const council = councils.get(video.councilId)
  return (
    <article className="article">
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/videos">{t('nav.videos')}</Link>
        {council && (
          <>
            {' '}
            › <Link to={`/councils/${council.slug || council.id}`}>{pick(council.name, lng)}</Link>
          </>
        )}
      </nav>
      <h1 lang={pickLang(video.title, lng)}>{pick(video.title, lng)}</h1>
      {video.status !== 'published' && (
        <Notice>{t('video.statusIs', { status: t(`videoStatus.${video.status}`) })}</Notice>
      )}
      {video.hlsUrl ? (
        <HlsPlayer src={video.hlsUrl} poster={video.thumbnailUrl} title={pick(video.title, lng)} />
      ) : (
        <Notice>{t('video.notReady')}</Notice>
      )}
      <p className="meta">
        {video.publishedAt && <time dateTime={video.publishedAt}>{formatDate(video.publishedAt, lng)}</time>}
        {video.durationSec ? (
          <>
            {' '}
            · {t('video.duration')}: {formatDuration(video.durationSec)}
          </>
        ) : null}
      </p>
      {video.description && (
        <p className="prewrap" lang={pickLang(video.description, lng)}>
          {pick(video.description, lng)}
        </p>
      )}
      {video.hlsUrl && (
        <p className="small">
          <a href={`/media/videos/${video.id}/source`} download>
            {t('video.download')}
          </a>
        </p>
      )}
    </article>
  )
}
