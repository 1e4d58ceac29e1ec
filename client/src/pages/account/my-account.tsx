import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { downloadMyData, useChangePasswordMutation, useEraseAccountMutation } from '../../api/auth.js'
import { useSubmit } from '../../lib/form.js'
import { Checkbox, errFor, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'
import { NewPasswordFields } from './password-fields.js'

/** Profile: a new password with the current one (the other sessions end). */
export function ChangePassword() {
  const { t } = useTranslation()
  const s = useSubmit()
  const change = useChangePasswordMutation()
  const [currentPassword, setCurrent] = useState('')
  const [newPassword, setNew] = useState('')
  const [repeat, setRepeat] = useState('')
  const [done, setDone] = useState(false)
  const mismatch = repeat !== '' && repeat !== newPassword
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setDone(false)
    if (mismatch) return
    const ok = await s.run(async () => (await change.mutateAsync({ currentPassword, newPassword }), true))
    if (!ok) return
    setCurrent('')
    setNew('')
    setRepeat('')
    setDone(true)
  }
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">{t('profile.passwordTitle')}</h2>
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('profile.currentPassword')}
          type="password"
          required
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          error={errFor(s.fields, 'currentPassword')}
        />
        <NewPasswordFields
          password={newPassword}
          onPassword={setNew}
          repeat={repeat}
          onRepeat={setRepeat}
          error={errFor(s.fields, 'newPassword')}
          mismatch={mismatch}
        />
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('profile.changePassword')}
          </button>
        </p>
        {done && <Notice kind="success">{t('profile.passwordChanged')}</Notice>}
      </form>
    </section>
  )
}

/** Profile: download everything the portal keeps about me; delete the account (with the password). */
export function MyData({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useTranslation()
  const s = useSubmit()
  const download = useSubmit()
  const erase = useEraseAccountMutation()
  const [password, setPassword] = useState('')
  const [sure, setSure] = useState(false)
  const [unconfirmed, setUnconfirmed] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setUnconfirmed(!sure)
    if (!sure) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('#delete-form [aria-invalid="true"]')?.focus())
      return
    }
    const ok = await s.run(async () => (await erase.mutateAsync(password), true))
    if (ok) onDeleted()
  }
  return (
    <>
      <section aria-labelledby="data-title">
        <h2 id="data-title">{t('profile.dataTitle')}</h2>
        <p>{t('profile.dataLead')}</p>
        <ErrorBox error={download.error} />
        <p>
          <button
            type="button"
            className="btn"
            disabled={download.busy}
            onClick={() => void download.run(downloadMyData)}
          >
            {t('profile.download')}
          </button>
        </p>
      </section>
      <section aria-labelledby="delete-title">
        <h2 id="delete-title">{t('profile.deleteTitle')}</h2>
        <p>{t('profile.deleteLead')}</p>
        <ErrorBox error={s.error} />
        <form className="form" id="delete-form" onSubmit={submit} noValidate>
          <TextField
            label={t('auth.password')}
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errFor(s.fields, 'password')}
          />
          <Checkbox
            label={t('profile.deleteConfirm')}
            checked={sure}
            onChange={(e) => setSure(e.target.checked)}
            error={unconfirmed && !sure ? t('profile.deleteConfirmNeeded') : undefined}
          />
          <p>
            <button className="btn btn-danger" disabled={s.busy}>
              {t('profile.deleteButton')}
            </button>
          </p>
        </form>
      </section>
    </>
  )
}
