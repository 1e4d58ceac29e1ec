import { useTranslation } from 'react-i18next'
import { TextField } from '../../components/field.js'

/** A new password and its repetition (reset by link, change in the profile). */
export function NewPasswordFields(props: {
  password: string
  onPassword: (value: string) => void
  repeat: string
  onRepeat: (value: string) => void
  /** The server's message for the new password. */
  error?: string
  mismatch: boolean
}) {
  const { t } = useTranslation()
  return (
    <>
      <TextField
        label={t('auth.newPassword')}
        type="password"
        required
        minLength={10}
        autoComplete="new-password"
        value={props.password}
        onChange={(e) => props.onPassword(e.target.value)}
        error={props.error}
        hint={t('auth.passwordHint')}
      />
      <TextField
        label={t('auth.repeatPassword')}
        type="password"
        required
        autoComplete="new-password"
        value={props.repeat}
        onChange={(e) => props.onRepeat(e.target.value)}
        error={props.mismatch ? t('auth.mismatch') : undefined}
      />
    </>
  )
}
