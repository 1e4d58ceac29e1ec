import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useUpdateMeMutation } from '../../api/auth.js'
import { formatDate } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { FONT_STEPS, usePrefs } from '../../lib/prefs.js'
import { useSession } from '../../lib/session.js'
import type { Lang } from '../../lib/types.js'
import { Checkbox, errFor, SelectField, TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'
import { SignInFirst } from './sign-in-first.js'
import { ChangePassword, MyData } from './my-account.js'

/**
 * Name, language and accessibility settings, saved to the account (PATCH /auth/me); the password;
 * my data (download, delete the account).
 */
export default function Profile() {
  const { t, i18n } = useTranslation()
  const lng = useLang()
  useTitle(t('profile.title'))
  const { user, loading } = useSession()
  const { prefs, replace } = usePrefs()
  const [displayName, setName] = useState('')
  const [locale, setLocale] = useState<Lang>(lng)
  const [fontScale, setFontScale] = useState(prefs.fontScale)
  const [highContrast, setHc] = useState(prefs.highContrast)
  const [hideImages, setHide] = useState(prefs.hideImages)
  const [saved, setSaved] = useState(false)
  const [deleted, setDeleted] = useState(false)
  const deletedHeading = useRef<HTMLHeadingElement>(null)
  // Once, when the account is gone: the form that had the focus is no longer there.
  useEffect(() => {
    if (deleted) deletedHeading.current?.focus()
  }, [deleted])
  const s = useSubmit()
  const updateMe = useUpdateMeMutation()
  useEffect(() => {
    if (!user) return
    setName(user.displayName)
    setLocale(user.locale)
  }, [user])
  if (loading) return <Loading />
  if (deleted)
    return (
      <div className="narrow">
        <h1 tabIndex={-1} ref={deletedHeading}>
          {t('profile.deleteTitle')}
        </h1>
        <Notice kind="success">{t('profile.deleted')}</Notice>
        <p>
          <Link to="/">{t('nav.home')}</Link>
        </p>
      </div>
    )
  if (!user) return <SignInFirst title={t('profile.title')} />
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setSaved(false)
    const accessibility = { fontScale, highContrast, hideImages }
    // The answer replaces the cached user (useUpdateMeMutation).
    const r = await s.run(() => updateMe.mutateAsync({ displayName, locale, accessibility }))
    if (!r) return
    replace(r.user.accessibility ?? accessibility)
    if (locale !== i18n.language) await i18n.changeLanguage(locale)
    setSaved(true)
  }
  return (
    <div className="narrow">
      <h1>{t('profile.title')}</h1>
      <dl className="facts">
        <div>
          <dt>{t('auth.email')}</dt>
          <dd>
            {user.email}{' '}
            {user.emailVerified ? (
              <span className="badge">{t('profile.verified')}</span>
            ) : (
              <span className="badge badge-danger">{t('profile.notVerified')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('profile.roles')}</dt>
          <dd>{user.roles.map((r) => t(`role.${r}`)).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('profile.since')}</dt>
          <dd>{formatDate(user.createdAt, lng)}</dd>
        </div>
      </dl>
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('auth.displayName')}
          required
          value={displayName}
          onChange={(e) => setName(e.target.value)}
          error={errFor(s.fields, 'displayName')}
        />
        <SelectField
          label={t('profile.language')}
          value={locale}
          onChange={(e) => setLocale(e.target.value as Lang)}
          error={errFor(s.fields, 'locale')}
        >
          <option value="kk" lang="kk">
            Қазақша
          </option>
          <option value="ru" lang="ru">
            Русский
          </option>
        </SelectField>
        <fieldset>
          <legend>{t('a11y.toggle')}</legend>
          <SelectField
            label={t('a11y.fontSize')}
            value={String(fontScale)}
            onChange={(e) => setFontScale(Number(e.target.value))}
            error={errFor(s.fields, 'accessibility.fontScale')}
          >
            {FONT_STEPS.map((f) => (
              <option key={f} value={f}>
                {Math.round(f * 100)}%
              </option>
            ))}
          </SelectField>
          <Checkbox label={t('a11y.highContrast')} checked={highContrast} onChange={(e) => setHc(e.target.checked)} />
          <Checkbox label={t('a11y.hideImages')} checked={hideImages} onChange={(e) => setHide(e.target.checked)} />
        </fieldset>
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('profile.save')}
          </button>
        </p>
        {saved && <Notice kind="success">{t('profile.saved')}</Notice>}
      </form>
      <ChangePassword />
      <MyData onDeleted={() => setDeleted(true)} />
    </div>
  )
}
