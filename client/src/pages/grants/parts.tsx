import { useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatTenge, parseTenge } from '../../../../shared/money.js'
import type { Recommendation } from '../../api/control.js'
import { formatDate } from '../../lib/format.js'
import { useLang } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'

/** A recommendation's state in words: sent (overdue?), the answer's decision, the implementation. */
export function RecommendationStatus({ r }: { r: Recommendation }) {
  const { t } = useTranslation()
  const lng = useLang()
  return (
    <span>
      {t(`control:status.${r.status}`)}
      {r.response && <> · {t(`control:decision.${r.response.decision}`)}</>}
      {r.implementation && <> · {t(`control:implementation.${r.implementation.status}`)}</>}
      {r.overdue && (
        <>
          {' '}
          <span className="badge badge-danger">{t('grants:web.overdue')}</span>
        </>
      )}
      {r.status === 'sent' && (
        <span className="small muted"> ({t('grants:web.dueAt', { date: formatDate(r.dueAt, lng) })})</span>
      )}
    </span>
  )
}

/**
 * An amount typed in tenge ("500 000"), kept as integer tiyn: the text is what the person typed,
 * the number is parsed with integer arithmetic (null while it is not an amount).
 */
export function TengeInput({
  id,
  label,
  tiyn,
  onChange,
  error,
}: {
  id: string
  label: string
  tiyn: number | null
  onChange: (tiyn: number | null) => void
  error?: string
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(tiyn == null ? '' : formatTenge(tiyn).replace(/\u00a0₸$/, ''))
  const invalid = text.trim() !== '' && parseTenge(text) == null
  const msg = invalid ? t('grants:web.badAmount') : error
  return (
    <div className={`field${msg ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode="decimal"
        value={text}
        aria-invalid={msg ? true : undefined}
        aria-describedby={msg ? `${id}-err` : undefined}
        onChange={(e) => {
          setText(e.target.value)
          onChange(parseTenge(e.target.value))
        }}
      />
      {msg && (
        <span className="field-error" id={`${id}-err`}>
          {msg}
        </span>
      )}
    </div>
  )
}

/** "2026-05-01" for a date input from an ISO instant (local date), and back to an ISO instant at local noon. */
export const toDateInput = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '')
export const fromDateInput = (d: string) => (d ? new Date(`${d}T12:00:00`).toISOString() : '')

/** Where each role works in the programme (the main menu only links the public results, to keep the first load small). */
export function RoleLinks() {
  const { t } = useTranslation()
  const { user } = useSession()
  const links: [string, string][] = []
  if (hasRole(user, 'council_member')) links.push(['/grants/mine', t('grants:web.mine.title')])
  if (hasRole(user, 'council_member')) links.push(['/grants/recommendations', t('grants:web.recs.title')])
  if (hasRole(user, 'expert')) links.push(['/grants/review', t('grants:web.review.title')])
  if (hasRole(user, 'admin')) links.push(['/grants/admin', t('grants:web.admin.title')])
  if (!links.length) return null
  return (
    <nav aria-label={t('grants:web.workspace')}>
      <ul className="inline-list">
        {links.map(([to, label]) => (
          <li key={to}>
            <Link className="btn" to={to}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Files of an application or a report: links, and (when allowed) an upload field. */
export function Files({
  files,
  upload,
  label,
}: {
  files: { id: string; name: string; url: string; size: number }[]
  upload?: (files: File[]) => Promise<unknown>
  label: string
}) {
  const { t } = useTranslation()
  const input = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()
  return (
    <fieldset>
      <legend>{label}</legend>
      {files.length > 0 && (
        <ul className="file-list">
          {files.map((f) => (
            <li key={f.id}>
              <a href={f.url} download={f.name}>
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      {upload && (
        <div className="field">
          <label htmlFor={`${id}-files`}>{t('grants:web.files.choose')}</label>
          <input
            ref={input}
            id={`${id}-files`}
            type="file"
            multiple
            accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
            aria-describedby={`${id}-files-hint`}
          />
          <span className="hint" id={`${id}-files-hint`}>
            {t('grants:web.files.hint')}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={async () => {
              const chosen = [...(input.current?.files ?? [])]
              if (!chosen.length) return
              setBusy(true)
              try {
                await upload(chosen)
                if (input.current) input.current.value = ''
              } finally {
                setBusy(false)
              }
            }}
          >
            {t('grants:web.files.upload')}
          </button>
        </div>
      )}
    </fieldset>
  )
}
