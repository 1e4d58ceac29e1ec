import type { Lang } from '../../../shared/schemas/common.js'
import { sendMail } from '../../core/mail.js'
import { log } from '../../core/logger.js'
import { findCouncilMembers, findUsersByIds } from '../users/index.js'

/** Template variables, per recipient language (titles are picked in the reader's language). */
export type MailVars = (lng: Lang) => Record<string, unknown>

/**
 * Each recipient in their own language; a failed delivery is retried by the mail job, never lost.
 * `key`: the mails' idempotency key (each member's address is added), for a job that may run again.
 */
export async function mailCouncil(
  councilId: string,
  template: string,
  vars: MailVars,
  ns = 'grants',
  key?: string,
): Promise<number> {
  const members = await findCouncilMembers(councilId)
  for (const m of members)
    await sendMail({
      to: m.email,
      lng: m.locale,
      template: `${ns}:email.${template}`,
      vars: vars(m.locale),
      ...(key ? { key: `${key}:${m.email}` } : {}),
    })
  log.debug({ councilId, template, sent: members.length }, 'mail to council')
  return members.length
}

export async function mailUsers(ids: string[], template: string, vars: MailVars): Promise<number> {
  const users = await findUsersByIds(ids)
  for (const u of users)
    await sendMail({ to: u.email, lng: u.locale, template: `grants:email.${template}`, vars: vars(u.locale) })
  return users.length
}
