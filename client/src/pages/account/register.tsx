import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useRegisterMutation } from '../../api/auth.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { User } from '../../lib/types.js'
import { errFor, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'

export default function Register() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('auth.registerTitle'))
  const [displayName, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [done, setDone] = useState<User | null>(null)
  const s = useSubmit()
  const register = useRegisterMutation()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // Registration signs in: the mutation starts the new session in the cache.
    const r = await s.run(() => register.mutateAsync({ displayName, email, password, locale: lng }))
    if (r) setDone(r.user)
  }
  if (done) {
    return (
      <div className="narrow">
        <h1>{t('auth.registerTitle')}</h1>
        <Notice kind="success">{t('auth.registered', { email: done.email })}</Notice>
        <p>
          <Link className="btn btn-primary" to="/appeals/new">
            {t('home.sendAppeal')}
          </Link>{' '}
          <Link className="btn" to="/profile">
            {t('nav.profile')}
          </Link>
        </p>
      </div>
    )
  }
  return (
    <div className="narrow">
      <h1>{t('auth.registerTitle')}</h1>
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('auth.displayName')}
          required
          autoComplete="name"
          value={displayName}
          onChange={(e) => setName(e.target.value)}
          error={errFor(s.fields, 'displayName')}
        />
        <TextField
          label={t('auth.email')}
          type="email"
          required
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errFor(s.fields, 'email')}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          required
          minLength={10}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errFor(s.fields, 'password')}
          hint={t('auth.passwordHint')}
        />
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('auth.createAccount')}
          </button>
        </p>
      </form>
      <p>
        {t('auth.haveAccount')} <Link to="/login">{t('nav.login')}</Link>
      </p>
    </div>
  )
}
