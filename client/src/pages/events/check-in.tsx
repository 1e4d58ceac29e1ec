import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { eventEndpoints, useEvent, type CheckInResult } from '../../api/events.js'
import { TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'
import { ApiError } from '../../lib/api.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { Forbidden } from '../account/sign-in-first.js'
import './shared.js'

type Outcome = { kind: 'ok' | 'again'; r: CheckInResult } | { kind: 'unknown' | 'waitlisted' } | null

/** At the door: a typed code or the QR read by the camera (jsQR, loaded only when the camera starts). */
export default function EventCheckIn() {
  const { idOrSlug } = useParams()
  const { t } = useTranslation()
  const lng = useLang()
  const ev = useEvent(idOrSlug)
  useTitle(t('events:web.checkin.title'))
  const [code, setCode] = useState('')
  const [outcome, setOutcome] = useState<Outcome>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const [scanning, setScanning] = useState(false)
  const form = useRef<HTMLFormElement>(null)

  async function check(value: string) {
    if (!ev.data || !value.trim()) return
    setBusy(true)
    setError(null)
    setOutcome(null)
    try {
      const r = await eventEndpoints.checkIn(ev.data.id, value)
      setOutcome({ kind: r.alreadyCheckedIn ? 'again' : 'ok', r })
      setCode('')
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setOutcome({ kind: 'unknown' })
      else if (err instanceof ApiError && err.code === 'events.not_registered') setOutcome({ kind: 'waitlisted' })
      else setError(err instanceof ApiError ? err : null)
    } finally {
      setBusy(false)
      form.current?.querySelector('input')?.focus()
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void check(code)
  }

  if (ev.loading && !ev.data) return <Loading />
  if (!ev.data) return <ErrorBox error={ev.error} />
  if (!ev.data.canOrganize) return <Forbidden />
  return (
    <>
      <h1>{t('events:web.checkin.title')}</h1>
      <p>
        <Link to={`/events/${ev.data.slug}`}>{pick(ev.data.title, lng)}</Link>
      </p>
      <div aria-live="assertive" className="checkin-result">
        {outcome?.kind === 'ok' && (
          <Notice kind="success">
            {t('events:web.checkin.ok', { name: outcome.r.name })}
            {outcome.r.councilName && <> · {pick(outcome.r.councilName, lng)}</>}
          </Notice>
        )}
        {outcome?.kind === 'again' && (
          <Notice kind="info">
            {t('events:web.checkin.again', { name: outcome.r.name })}
            {outcome.r.councilName && <> · {pick(outcome.r.councilName, lng)}</>}
          </Notice>
        )}
        {outcome?.kind === 'unknown' && <Notice kind="error">{t('events:web.checkin.unknown')}</Notice>}
        {outcome?.kind === 'waitlisted' && <Notice kind="error">{t('events:web.checkin.waitlisted')}</Notice>}
      </div>
      <ErrorBox error={error} />
      <form className="form" onSubmit={submit} ref={form}>
        <TextField
          label={t('events:web.checkin.code')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
        />
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {t('events:web.checkin.submit')}
        </button>
      </form>
      <p>
        <button type="button" className="btn" aria-pressed={scanning} onClick={() => setScanning((s) => !s)}>
          {scanning ? t('events:web.checkin.stopScan') : t('events:web.checkin.scan')}
        </button>
      </p>
      {scanning && <Scanner onCode={(c) => void check(c)} />}
    </>
  )
}

type JsQr = (typeof import('jsqr'))['default']
/** jsQR is a UMD bundle: its function sits under one or two `default`s depending on the interop. */
function unwrapDefault(mod: unknown): JsQr {
  let m = mod as { default?: unknown } | JsQr
  while (typeof m !== 'function' && m && 'default' in m) m = m.default as typeof m
  return m as JsQr
}

/** The camera preview; every readable QR is checked in once per appearance. */
function Scanner({ onCode }: { onCode(code: string): void }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  const [failed, setFailed] = useState(false)
  const onCodeRef = useRef(onCode)
  onCodeRef.current = onCode
  useEffect(() => {
    let stream: MediaStream | undefined
    let frame = 0
    let stopped = false
    let last = ''
    ;(async () => {
      try {
        const [mod, media] = await Promise.all([
          import('jsqr') as Promise<unknown>,
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }),
        ])
        stream = media
        const jsQR = unwrapDefault(mod)
        if (stopped || !video.current) return
        video.current.srcObject = media
        await video.current.play()
        const canvas = document.createElement('canvas')
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!
        const tick = () => {
          if (stopped) return
          const v = video.current
          if (v && v.videoWidth) {
            canvas.width = v.videoWidth
            canvas.height = v.videoHeight
            ctx.drawImage(v, 0, 0)
            const img = ctx.getImageData(0, 0, canvas.width, canvas.height)
            const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' })
            if (found?.data && found.data !== last) {
              last = found.data
              onCodeRef.current(found.data)
            }
            if (!found) last = ''
          }
          frame = requestAnimationFrame(tick)
        }
        tick()
      } catch {
        if (!stopped) setFailed(true)
      }
    })()
    return () => {
      stopped = true
      cancelAnimationFrame(frame)
      stream?.getTracks().forEach((tr) => tr.stop())
    }
  }, [])
  if (failed) return <Notice kind="error">{t('events:web.checkin.cameraError')}</Notice>
  return <video ref={video} className="scan-video" muted playsInline aria-label={t('events:web.checkin.scan')} />
}
