import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * HLS playback: the browser's own player where it has one (Safari, iOS, some Android), else
 * hls.js (its light build, loaded only when a video is actually shown).
 */
export function HlsPlayer({ src, poster, title }: { src: string; poster?: string | null; title: string }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  const [failed, setFailed] = useState(false)
  const [mode, setMode] = useState<'native' | 'hls.js' | ''>('')
  useEffect(() => {
    const el = video.current
    if (!el) return
    setFailed(false)
    let destroy: (() => void) | undefined
    let cancelled = false
    if (el.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = src
      setMode('native')
    } else {
      void import('hls.js/light').then(({ default: Hls }) => {
        if (cancelled) return
        if (!Hls.isSupported()) {
          setFailed(true)
          return
        }
        const hls = new Hls({ enableWorker: true })
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (data.fatal) setFailed(true)
        })
        hls.loadSource(src)
        hls.attachMedia(el)
        setMode('hls.js')
        destroy = () => hls.destroy()
      }, () => setFailed(true))
    }
    return () => {
      cancelled = true
      destroy?.()
    }
  }, [src])
  return (
    <div className="player">
      <video ref={video} controls playsInline preload="metadata" poster={poster ?? undefined} aria-label={title} data-player={mode} />
      {failed && <p className="alert alert-error" role="alert">{t('video.playFailed')}</p>}
    </div>
  )
}
