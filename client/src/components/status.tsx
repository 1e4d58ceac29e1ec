import { useTranslation } from 'react-i18next'
import type { ApiError } from '../lib/api.js'

/** Announced politely to screen readers while data loads. */
export function Loading() {
  const { t } = useTranslation()
  return (
    <p className="muted" role="status" aria-live="polite">
      {t('status.loading')}
    </p>
  )
}

export function problemText(err: ApiError, t: (k: string) => string): string {
  if (err.status === 0) return t('status.network')
  return [err.problem.title, err.problem.detail].filter(Boolean).join('. ') || t('status.error')
}

/** An API error as an alert (role=alert is announced at once). */
export function ErrorBox({ error }: { error: ApiError | null | undefined }) {
  const { t } = useTranslation()
  if (!error) return null
  return (
    <div className="alert alert-error" role="alert">
      {problemText(error, t)}
    </div>
  )
}

export function Notice({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'success' | 'error'
  children: React.ReactNode
}) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="muted empty">{children}</p>
}
