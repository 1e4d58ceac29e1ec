import { z } from 'zod'
import { LangSchema, personName } from './common.js'

/** E-mail addresses are compared case-insensitively: trimmed and lower-cased before anything else. */
export const Email = z.string().trim().toLowerCase().max(254).email()
export const NewPassword = z.string().min(10).max(256)
export const DisplayName = personName(1, 100)
/** Single-use tokens from e-mailed links (base64url of 32 random bytes). */
export const LinkToken = z
  .string()
  .trim()
  .min(16)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'invalid_format' })

export const AccessibilityPrefs = z.strictObject({
  /** Text size multiplier of the web client. */
  fontScale: z.number().min(1).max(2),
  highContrast: z.boolean(),
  hideImages: z.boolean(),
})
export type AccessibilityPrefs = z.infer<typeof AccessibilityPrefs>
export const DEFAULT_ACCESSIBILITY: AccessibilityPrefs = { fontScale: 1, highContrast: false, hideImages: false }

export const RegisterBody = z.strictObject({
  email: Email,
  password: NewPassword,
  displayName: DisplayName,
  locale: LangSchema.optional(),
})
export type RegisterBody = z.infer<typeof RegisterBody>

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
})
export const VerifyEmailBody = z.strictObject({ token: LinkToken })
export const ForgotPasswordBody = z.strictObject({ email: Email })
export const ResetPasswordBody = z.strictObject({ token: LinkToken, password: NewPassword })

/** PATCH /auth/me: what signed-in users change about themselves (never roles or e-mail). */
export const UpdateMeBody = z.strictObject({
  displayName: DisplayName.optional(),
  locale: LangSchema.optional(),
  accessibility: AccessibilityPrefs.partial().optional(),
})
export type UpdateMeBody = z.infer<typeof UpdateMeBody>

export const CsrfResponse = z.object({ csrfToken: z.string() })

/** POST /auth/password/change: the signed-in user proves the current password. */
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: NewPassword,
})

/** POST /auth/me/erase: deleting one's account takes the password again. */
export const EraseAccountBody = z.strictObject({ password: z.string().min(1).max(256) })
export type EraseAccountBody = z.infer<typeof EraseAccountBody>
