import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useForgotPasswordMutation } from '../../api/auth.js'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { errFor, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'

export default function Forgot() {
  const { t } = useTranslation()
  useTitle(t('auth.forgotTitle'))
  const [email, setEmail] = useState('')
  const [sent, setSent] = useState(false)
  const s = useSubmit()
  const forgot = useForgotPasswordMutation()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await s.run(async () => {
      await forgot.mutateAsync(email)
      return true
    })
    if (r) setSent(true)
  }
  return (
    <div className="narrow">
      <h1>{t('auth.forgotTitle')}</h1>
      {sent ? (
        <Notice kind="success">{t('auth.forgotSent')}</Notice>
      ) : (
        <>
          <p>{t('auth.forgotLead')}</p>
          <ErrorBox error={s.error} />
          <form className="form" onSubmit={submit} noValidate>
            <TextField
              label={t('auth.email')}
              type="email"
              required
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errFor(s.fields, 'email')}
            />
            <p>
              <button className="btn btn-primary" disabled={s.busy}>
                {t('auth.sendLink')}
              </button>
            </p>
          </form>
        </>
      )}
    </div>
  )
}
