import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { errFor, TextField } from '../../components/field.js'
import { ErrorBox } from '../../components/status.js'
import { safeNext } from './sign-in-first.js'

export default function Login() {
  const { t } = useTranslation()
  useTitle(t('auth.loginTitle'))
  const { signIn } = useSession()
  const nav = useNavigate()
  const [params] = useSearchParams()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const s = useSubmit()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const u = await s.run(() => signIn(email, password))
    if (!u) return
    const next = params.get('next')
    nav(
      next
        ? safeNext(next)
        : hasRole(u, 'council_member')
          ? '/member'
          : hasRole(u, 'moderator', 'admin')
            ? '/moderation'
            : '/',
      { replace: true },
    )
  }
  return (
    <div className="narrow">
      <h1>{t('auth.loginTitle')}</h1>
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('auth.email')}
          type="email"
          required
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errFor(s.fields, 'email')}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errFor(s.fields, 'password')}
        />
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('auth.signIn')}
          </button>
        </p>
      </form>
      <p>
        <Link to="/forgot-password">{t('auth.forgotLink')}</Link>
      </p>
      <p>
        {t('auth.noAccount')} <Link to="/register">{t('nav.register')}</Link>
      </p>
    </div>
  )
}
