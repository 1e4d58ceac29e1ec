import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * HLS playback: the browser's own player where it has one (Safari, iOS, some Android), else
 * hls.js (light build). hls.js (~115 KB gzipped) is fetched only when the viewer presses play,
 * so a video page's first load stays as light as any other public page.
 */
export function HlsPlayer({ src, poster, title }: { src: string; poster?: string | null; title: string }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  const destroy = useRef<(() => void) | null>(null)
  const [failed, setFailed] = useState(false)
  const [mode, setMode] = useState<'native' | 'hls.js' | 'idle' | 'loading'>('idle')

  useEffect(() => {
    const el = video.current
    setFailed(false)
    if (el?.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = src
      setMode('native')
    } else setMode('idle')
    return () => {
      destroy.current?.()
      destroy.current = null
    }
  }, [src])

  const start = async () => {
    const el = video.current
    if (!el) return
    setMode('loading')
    try {
      const { default: Hls } = await import('hls.js/light')
      if (!Hls.isSupported()) throw new Error('unsupported')
      const hls = new Hls({ enableWorker: true })
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) setFailed(true)
      })
      hls.loadSource(src)
      hls.attachMedia(el)
      destroy.current = () => hls.destroy()
      setMode('hls.js')
      await el.play().catch(() => {})
      el.focus()
    } catch {
      setFailed(true)
      setMode('idle')
    }
  }

  const ready = mode === 'native' || mode === 'hls.js'
  return (
    <div className="player">
      <video
        ref={video}
        controls={ready}
        playsInline
        preload="metadata"
        poster={poster ?? undefined}
        aria-label={title}
        data-player={mode}
        tabIndex={ready ? 0 : -1}
      />
      {!ready && (
        <button type="button" className="play-button" onClick={() => void start()} disabled={mode === 'loading'}>
          <span aria-hidden="true">▶</span> {mode === 'loading' ? t('status.loading') : t('video.play', { title })}
        </button>
      )}
      {failed && (
        <p className="alert alert-error" role="alert">
          {t('video.playFailed')}
        </p>
      )}
    </div>
  )
}
