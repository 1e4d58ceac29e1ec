import type { Lang } from '../../../shared/schemas/common.js'
import { currentConfig } from '../../core/config.js'
import { pick, t } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { findCouncilSummary } from '../councils/index.js'
import { findCouncilMembers, findUserById } from '../users/index.js'
import type { AppealDoc } from './appeal.model.js'
import { almatyDay } from './calendar.js'

/**
 * E-mails about an appeal. Always called after the change is stored, with the document the
 * update returned: what the mail says is exactly what the web shows.
 */
export type AuthorTemplate = 'confirm' | 'received' | 'answered' | 'status_changed' | 'redirected' | 'extended'
export type CouncilTemplate = 'council_new' | 'author_replied' | 'reminder_due_soon' | 'reminder_overdue'

/** `DD.MM.YYYY` of the Almaty day (how dates are written in kk and ru alike). */
export function formatDay(d: Date | string | null | undefined): string {
  if (!d) return '—'
  const [y, m, day] = almatyDay(new Date(d)).split('-')
  return `${day}.${m}.${y}`
}

async function baseVars(a: AppealDoc, lng: Lang): Promise<Record<string, unknown>> {
  const council = await findCouncilSummary(String(a.councilId), { includeArchived: true })
  const site = currentConfig().publicUrl
  return {
    trackingNumber: a.trackingNumber,
    subject: a.subject,
    councilName: pick(council?.name, lng),
    status: t(lng, `appeals:status.${a.status}`),
    dueDate: formatDay(a.dueAt),
    reason: a.statusReason ?? '',
    trackUrl: `${site}/appeals/track?number=${encodeURIComponent(a.trackingNumber)}`,
    appealUrl: `${site}/appeals/${String(a._id)}`,
  }
}

/** Where and in which language the author is written to: the account's current e-mail and locale, or the guest's. */
async function authorAddress(a: AppealDoc): Promise<{ to: string; lng: Lang; name: string }> {
  if (a.author.userId) {
    const user = await findUserById(String(a.author.userId))
    if (user) return { to: user.email, lng: user.locale, name: user.displayName }
  }
  return { to: a.author.email, lng: (a.author.lng as Lang) ?? 'kk', name: a.author.name }
}

export async function notifyAuthor(
  a: AppealDoc,
  template: AuthorTemplate,
  extra: Record<string, unknown> = {},
  /** Idempotency key of the mail (core/mail.ts). */
  key?: string,
): Promise<void> {
  try {
    const { to, lng, name } = await authorAddress(a)
    await sendMail({
      to,
      lng,
      template: `appeals:email.${template}`,
      vars: { ...(await baseVars(a, lng)), name, ...extra },
      ...(key ? { key } : {}),
    })
  } catch (err) {
    // sendMail already queues failed deliveries; this only guards rendering/lookup errors.
    log.error({ err, appealId: String(a._id), template }, 'appeal author mail failed')
  }
}

export async function notifyCouncil(
  a: AppealDoc,
  template: CouncilTemplate,
  extra: Record<string, unknown> = {},
  /** Idempotency key of the mails (each member's address is added). */
  key?: string,
): Promise<number> {
  const members = await findCouncilMembers(String(a.councilId))
  for (const m of members) {
    try {
      await sendMail({
        to: m.email,
        lng: m.locale,
        template: `appeals:email.${template}`,
        vars: { ...(await baseVars(a, m.locale)), name: m.displayName, ...extra },
        ...(key ? { key: `${key}:${m.email}` } : {}),
      })
    } catch (err) {
      log.error({ err, appealId: String(a._id), template }, 'appeal council mail failed')
    }
  }
  return members.length
}
