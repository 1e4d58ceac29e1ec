import type { Lang } from '../../../shared/schemas/common.js'
import { currentConfig } from '../../core/config.js'
import { t } from '../../core/i18n.js'
import { log } from '../../core/logger.js'
import { sendMail } from '../../core/mail.js'
import { findUserById } from '../users/index.js'
import { almatyDay } from '../appeals/index.js'
import type { TicketDoc } from './support.model.js'

export type TicketTemplate = 'received' | 'answered' | 'status_changed'

const day = (d: Date | string | null | undefined) => {
  if (!d) return '—'
  const [y, m, dd] = almatyDay(new Date(d)).split('-')
  return `${dd}.${m}.${y}`
}

/** The author's current address and language: the account's, or what the guest gave. */
async function authorAddress(tk: TicketDoc): Promise<{ to: string; lng: Lang; name: string }> {
  if (tk.author.userId) {
    const user = await findUserById(String(tk.author.userId))
    if (user) return { to: user.email, lng: user.locale, name: user.displayName }
  }
  return { to: tk.author.email, lng: tk.author.lng ?? 'kk', name: tk.author.name }
}

/** E-mails the author about their ticket, in their language; never fails the change it reports. */
export async function notifyTicketAuthor(
  tk: TicketDoc,
  template: TicketTemplate,
  extra: Record<string, unknown> = {},
): Promise<void> {
  try {
    const { to, lng, name } = await authorAddress(tk)
    const site = currentConfig().publicUrl
    await sendMail({
      to,
      lng,
      template: `support:email.${template}`,
      vars: {
        name,
        number: tk.number,
        subject: tk.subject,
        status: t(lng, `support:status.${tk.status}`),
        dueDate: day(tk.firstResponseDueAt),
        ticketUrl: `${site}/help/tickets/${String(tk._id)}`,
        ...extra,
      },
    })
  } catch (err) {
    log.error({ err, ticketId: String(tk._id), template }, 'support mail failed')
  }
}
