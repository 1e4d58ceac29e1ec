import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useResetPasswordMutation } from '../../api/auth.js'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { errFor } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'
import { NewPasswordFields } from './password-fields.js'

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
              <NewPasswordFields
                password={password}
                onPassword={setPassword}
                repeat={repeat}
                onRepeat={setRepeat}
                error={errFor(s.fields, 'password')}
                mismatch={mismatch}
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
