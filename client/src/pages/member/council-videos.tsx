import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCouncilVideosPaged, useDeleteVideoMutation, useVideoUploaded } from '../../api/videos.js'
import { ApiError } from '../../lib/api.js'
import { formatBytes, formatDate, formatNumber, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { TusProgress, VideoUpload } from '../../lib/video-upload.js'
import type { Video } from '../../lib/types.js'
import { LangColumns } from '../../components/lang-columns.js'
import { errFor, TextArea, TextField } from '../../components/field.js'
import { More } from '../../components/more.js'
import { Empty, ErrorBox, Notice } from '../../components/status.js'
import { TableRegion } from '../../components/table-region.js'

/** Upload (resumable, with progress) and the council's own videos in every status. */
export function CouncilVideos({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('member.videos'))
  const list = useCouncilVideosPaged(councilId, { limit: 20 })
  return (
    <>
      <Upload councilId={councilId} />
      <section aria-labelledby="cv-h">
        <div className="section-head">
          <h2 id="cv-h">{t('member.councilVideos')}</h2>
          <button type="button" className="btn btn-small" onClick={list.reload}>
            {t('member.refresh')}
          </button>
        </div>
        {!list.loading && list.items.length === 0 && <Empty>{t('video.empty')}</Empty>}
        {list.items.length > 0 && (
          <TableRegion label={t('member.councilVideos')}>
            <table className="table">
              <caption className="sr-only">{t('member.councilVideos')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('editor.title')}</th>
                  <th scope="col">{t('member.status')}</th>
                  <th scope="col">{t('member.uploadedAt')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('member.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((v) => (
                  <tr key={v.id} data-video-id={v.id}>
                    <td>
                      <Link to={`/videos/${v.id}`}>{pick(v.title, lng)}</Link>
                    </td>
                    <td>
                      <span className={`badge status-${v.status}`}>{t(`videoStatus.${v.status}`)}</span>
                    </td>
                    <td>{formatDate(v.createdAt, lng, true)}</td>
                    <td>{v.status !== 'published' && <DeleteVideo video={v} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
        <More list={list} />
      </section>
    </>
  )
}

function Upload({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  const endpoint = `/api/v1/councils/${councilId}/videos/tus`
  const [title, setTitle] = useState({ kk: '', ru: '' })
  const [desc, setDesc] = useState({ kk: '', ru: '' })
  const [file, setFile] = useState<File | null>(null)
  const [progress, setProgress] = useState<TusProgress | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [interrupted, setInterrupted] = useState(false)
  const [resumable, setResumable] = useState(false)
  const current = useRef<VideoUpload | null>(null)
  const uploaded = useVideoUploaded()
  const s = useSubmit()
  // The upload client (tus-js-client) loads with the first file chosen, not with the page.
  useEffect(() => {
    let live = true
    setResumable(false)
    if (file)
      void import('../../lib/video-upload.js')
        .then((m) => m.hasPartialUpload(endpoint, file))
        .then(
          (yes) => live && setResumable(yes),
          () => {},
        )
    return () => {
      live = false
    }
  }, [endpoint, file])
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!file) return
    if (s.busy && current.current) {
      // A retry is waiting (the connection dropped): go on now.
      setInterrupted(false)
      current.current.resumeNow()
      return
    }
    setDone(null)
    setInterrupted(false)
    const meta: Record<string, string> = {}
    if (title.kk.trim()) meta['title.kk'] = title.kk.trim()
    if (title.ru.trim()) meta['title.ru'] = title.ru.trim()
    if (desc.kk.trim()) meta['description.kk'] = desc.kk.trim()
    if (desc.ru.trim()) meta['description.ru'] = desc.ru.trim()
    try {
      const r = await s.run(async () => {
        const { uploadVideo } = await import('../../lib/video-upload.js')
        const up = uploadVideo(endpoint, file, meta, {
          progress: (p) => {
            setProgress(p)
            setInterrupted(false)
          },
          retrying: () => setInterrupted(true),
        })
        current.current = up
        return up.done
      })
      current.current = null
      if (r) {
        setDone(r.videoId ?? '')
        setProgress(null)
        setInterrupted(false)
        void uploaded()
      } else setInterrupted(true)
    } catch (err) {
      current.current = null
      if ((err as Error).name === 'AbortError') setInterrupted(true)
      else if (!(err instanceof ApiError)) throw err
    }
  }
  const pct = progress && progress.total ? Math.floor((progress.sent / progress.total) * 100) : 0
  const f = s.fields
  return (
    <section aria-labelledby="up-h">
      <h2 id="up-h">{t('member.uploadVideo')}</h2>
      <ErrorBox error={s.error} />
      <form className="form form-wide" onSubmit={submit} noValidate>
        <LangColumns>
          {(l) => (
            <>
              <TextField
                label={t('editor.title')}
                value={title[l]}
                maxLength={200}
                onChange={(e) => setTitle({ ...title, [l]: e.target.value })}
                error={
                  errFor(f, `metadata.title.${l}`, `title.${l}`) ??
                  (l === 'kk' ? errFor(f, 'metadata.title', 'title') : undefined)
                }
              />
              <TextArea
                label={t('member.description')}
                rows={3}
                value={desc[l]}
                onChange={(e) => setDesc({ ...desc, [l]: e.target.value })}
              />
            </>
          )}
        </LangColumns>
        <div className="field">
          <label htmlFor="video-file">{t('member.videoFile')}</label>
          <input
            id="video-file"
            type="file"
            accept="video/*"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-describedby="video-file-hint"
          />
          <span className="hint" id="video-file-hint">
            {file ? `${file.name} · ${formatBytes(file.size, lng)}` : t('member.videoHint')}
            {file && resumable ? ` · ${t('member.willResume')}` : ''}
          </span>
        </div>
        {progress && (
          <div className="field">
            <label htmlFor="video-progress">{t('member.progress')}</label>
            <progress id="video-progress" max={100} value={pct} aria-valuetext={`${pct}%`} />
            <span className="hint" aria-live="polite">
              {formatNumber(pct, lng)}% · {formatBytes(progress.sent, lng)} / {formatBytes(progress.total, lng)}
            </span>
          </div>
        )}
        <p className="actions">
          <button className="btn btn-primary" disabled={(s.busy && !interrupted) || !file}>
            {interrupted ? t('member.resume') : t('member.upload')}
          </button>
          {s.busy && !interrupted && (
            <button type="button" className="btn" onClick={() => current.current?.pause()}>
              {t('member.pause')}
            </button>
          )}
        </p>
        {interrupted && (
          <Notice>
            {t('member.interrupted')}
            {s.busy && <> {t('member.retrying')}</>}
          </Notice>
        )}
        {done !== null && <Notice kind="success">{t('member.uploaded')}</Notice>}
      </form>
    </section>
  )
}

/** A council may delete its own video while it is not published (files go too). */
export function DeleteVideo({ video, onDone }: { video: Video; onDone?: () => void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const s = useSubmit()
  const remove = useDeleteVideoMutation()
  const del = async () => {
    if (!window.confirm(t('member.confirmDeleteVideo', { title: pick(video.title, lng) }))) return
    const ok = await s.run(async () => {
      await remove.mutateAsync(video.id)
      return true
    })
    if (ok) onDone?.()
  }
  return (
    <>
      <button type="button" className="btn btn-small btn-danger" onClick={() => void del()} disabled={s.busy}>
        {t('editor.delete')}
        <span className="sr-only">: {pick(video.title, lng)}</span>
      </button>
      <ErrorBox error={s.error} />
    </>
  )
}
