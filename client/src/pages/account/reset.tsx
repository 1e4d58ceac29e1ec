import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useResetPasswordMutation } from '../../api/auth.js'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { errFor, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'

export default function Reset() {
  const { t } = useTranslation()
  useTitle(t('auth.resetTitle'))
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [mismatch, setMismatch] = useState(false)
  const [done, setDone] = useState(false)
  const s = useSubmit()
  const reset = useResetPasswordMutation()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setMismatch(password !== repeat)
    if (password !== repeat) return
    const r = await s.run(async () => {
      await reset.mutateAsync({ token, password })
      return true
    })
    if (r) setDone(true)
  }
  return (
    <div className="narrow">
      <h1>{t('auth.resetTitle')}</h1>
      {!token && <Notice kind="error">{t('confirm.noToken')}</Notice>}
      {done ? (
        <>
          <Notice kind="success">{t('auth.resetDone')}</Notice>
          <p>
            <Link className="btn btn-primary" to="/login">
              {t('nav.login')}
            </Link>
          </p>
        </>
      ) : (
        token && (
          <>
            <ErrorBox error={s.error} />
            <form className="form" onSubmit={submit} noValidate>
              <TextField
                label={t('auth.newPassword')}
                type="password"
                required
                minLength={10}
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={errFor(s.fields, 'password')}
                hint={t('auth.passwordHint')}
              />
              <TextField
                label={t('auth.repeatPassword')}
                type="password"
                required
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                error={mismatch ? t('auth.mismatch') : undefined}
              />
              <p>
                <button className="btn btn-primary" disabled={s.busy}>
                  {t('auth.savePassword')}
                </button>
              </p>
            </form>
          </>
        )
      )}
    </div>
  )
}
