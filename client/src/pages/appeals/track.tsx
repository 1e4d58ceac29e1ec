import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import { useAppealQuery, useTrackAppealMutation } from '../../api/appeals.js'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { AppealView } from '../../components/appeal-view.js'
import { TextField } from '../../components/field.js'
import { ErrorBox } from '../../components/status.js'

/** Tracking without an account: the number and the secret code given when the appeal was sent. */
export default function AppealTrack() {
  const { t } = useTranslation()
  useTitle(t('track.title'))
  const [params] = useSearchParams()
  const [number, setNumber] = useState(params.get('number') ?? '')
  const [code, setCode] = useState('')
  const [found, setFound] = useState<{ id: string; code: string } | null>(null)
  const s = useSubmit()
  const track = useTrackAppealMutation()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const used = code.trim()
    const a = await s.run(() => track.mutateAsync({ number: number.trim(), code: used }))
    setFound(a ? { id: a.id, code: used } : null)
  }
  return (
    <>
      <h1>{t('track.title')}</h1>
      <p>{t('track.lead')}</p>
      <form className="form form-inline" onSubmit={submit} aria-label={t('track.title')}>
        <TextField
          label={t('appeal.number')}
          required
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          placeholder="KK-2026-000123"
          autoComplete="off"
          error={s.fields.number}
        />
        <TextField
          label={t('appeal.code')}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          error={s.fields.code}
        />
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('track.find')}
          </button>
        </p>
      </form>
      <div aria-live="polite">
        {s.error &&
          (s.error.status === 404 ? (
            <div className="alert alert-error" role="alert">
              {t('track.notFound')}
            </div>
          ) : (
            <ErrorBox error={s.error} />
          ))}
        {found && <TrackedAppeal id={found.id} code={found.code} />}
      </div>
    </>
  )
}

/** The tracked appeal, kept current by the query cache (a reply or rating refreshes it). */
function TrackedAppeal({ id, code }: { id: string; code: string }) {
  const a = useAppealQuery(id, code)
  return a.data ? <AppealView appeal={a.data} role="author" code={code} /> : <ErrorBox error={a.error} />
}
