import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { useDeleteVideoMutation, useModerateVideoMutation, useVideoQuery } from '../../api/videos.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, formatDuration, personName, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { canModerate, type ModerationAction } from '../../../../shared/domain.js'
import { errFor, TextArea } from '../../components/field.js'
import { HlsPlayer } from '../../components/hls-player.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

/** Watch, then publish or reject with a reason (the reason is mailed to the council). */
export function VideoReview() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id = '' } = useParams()
  const councils = useCouncilMap()
  const v = useVideoQuery(id)
  const moderate = useModerateVideoMutation(id)
  const remove = useDeleteVideoMutation()
  useTitle(v.data ? pick(v.data.title, lng) : t('moderation.videos'))
  const [reason, setReason] = useState('')
  const [done, setDone] = useState('')
  const s = useSubmit()
  const nav = useNavigate()
  if (v.isLoading) return <Loading />
  if (!v.data) return <ErrorBox error={v.error} />
  const video = v.data
  const act = (action: ModerationAction) => async (e?: FormEvent) => {
    e?.preventDefault()
    setDone('')
    // The answer (the video as it is now) replaces the cached one; the queues refresh.
    const r = await s.run(() => moderate.mutateAsync({ action, reason: reason.trim() }))
    if (r) {
      setReason('')
      setDone(t(`moderation.done_${action}`))
    }
  }
  return (
    <article aria-labelledby="vr-h">
      <p>
        <Link to="/moderation">← {t('moderation.videos')}</Link>
      </p>
      <h2 id="vr-h">{pick(video.title, lng)}</h2>
      <p className="meta">
        <span className={`badge status-${video.status}`} data-testid="video-status">
          {t(`videoStatus.${video.status}`)}
        </span>
        {' · '}
        {councils.get(video.councilId) ? pick(councils.get(video.councilId)!.name, lng) : ''}
        {video.durationSec ? <> · {formatDuration(video.durationSec)}</> : null}
        {video.width ? (
          <>
            {' '}
            · {video.width}×{video.height}
          </>
        ) : null}
      </p>
      {video.hlsUrl ? (
        <HlsPlayer src={video.hlsUrl} poster={video.thumbnailUrl} title={pick(video.title, lng)} />
      ) : (
        <Notice>{t('video.notReady')}</Notice>
      )}
      {video.description && <p className="prewrap">{pick(video.description, lng)}</p>}
      {video.failure && <Notice kind="error">{video.failure.message}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorBox error={s.error} />
      {(canModerate('approve', video.status) || canModerate('unpublish', video.status)) && (
        <form className="form" onSubmit={(e) => e.preventDefault()} aria-label={t('moderation.decision')}>
          <TextArea
            label={t('moderation.reason')}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errFor(s.fields, 'reason')}
            hint={t('moderation.reasonHint')}
          />
          <p className="actions">
            {canModerate('approve', video.status) && (
              <button type="button" className="btn btn-primary" disabled={s.busy} onClick={() => void act('approve')()}>
                {t('moderation.approve')}
              </button>
            )}
            {canModerate('reject', video.status) && (
              <button type="button" className="btn btn-danger" disabled={s.busy} onClick={() => void act('reject')()}>
                {t('moderation.reject')}
              </button>
            )}
            {canModerate('unpublish', video.status) && (
              <button
                type="button"
                className="btn btn-danger"
                disabled={s.busy}
                onClick={() => void act('unpublish')()}
              >
                {t('moderation.unpublish')}
              </button>
            )}
          </p>
        </form>
      )}
      <p>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={s.busy}
          onClick={async () => {
            if (!window.confirm(t('member.confirmDeleteVideo', { title: pick(video.title, lng) }))) return
            const ok = await s.run(async () => {
              await remove.mutateAsync(video.id)
              return true
            })
            if (ok) nav('/moderation')
          }}
        >
          {t('moderation.deleteVideo')}
        </button>
      </p>
      {video.moderation && video.moderation.length > 0 && (
        <section aria-labelledby="vh-h">
          <h3 id="vh-h">{t('moderation.history')}</h3>
          <ul>
            {video.moderation.map((m, i) => (
              <li key={i}>
                {formatDate(m.at, lng, true)} · {m.byName ? personName(m.byName, t) : m.by} ·{' '}
                {t(`moderation.decision_${m.decision}`)}
                {m.reason && <> — {m.reason}</>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  )
}
