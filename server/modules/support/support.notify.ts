import type { Lang } from '../../../shared/schemas/common.js'
import { currentConfig } from '../../core/config.js'
import { t } from '../../core/i18n.js'
import type { ClientSession } from 'mongoose'
import { enqueueJob, type JobContext, type JobHandlers } from '../../core/jobs.js'
import { sendMail } from '../../core/mail.js'
import { findUserById } from '../users/index.js'
import { almatyDay } from '../appeals/index.js'
import { Ticket, type TicketDoc } from './support.model.js'

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

/** What a mail to a ticket's author is about; queued with the change it reports (`queueTicketMail`). */
export interface TicketMailJob {
  ticketId: string
  template: TicketTemplate
  /** `answered`: the staff message it quotes. */
  messageId?: string
  /** `status_changed`: the status it reports (the ticket may have moved on when the job runs). */
  status?: TicketDoc['status']
  /** `received`, a guest's: the code that opens the ticket (the job is sealed then). */
  accessCode?: string
}

declare module '../../core/jobs.js' {
  interface JobPayloads {
    'support.mail': TicketMailJob
  }
}

/**
 * Queues the author's mail with the write it reports (pass the write's transaction): a crash or a
 * mail server that is down loses neither. A guest's access code rides sealed.
 */
export async function queueTicketMail(job: TicketMailJob, session: ClientSession): Promise<void> {
  await enqueueJob('support.mail', job, { session, sealed: Boolean(job.accessCode) })
}

/** The job: e-mails the author, in their language, once (the job's id is the mail's idempotency key). */
async function mailTicketAuthor(job: TicketMailJob, ctx: JobContext): Promise<void> {
  const tk = await Ticket.findById(job.ticketId).lean<TicketDoc>()
  if (!tk) return
  const { to, lng, name } = await authorAddress(tk)
  const extra: Record<string, unknown> = {}
  if (job.template === 'received') extra.accessCode = job.accessCode ?? ''
  if (job.template === 'answered') {
    const message = tk.messages.find((m) => String(m._id) === job.messageId)
    if (!message) return
    extra.text = message.text
  }
  await sendMail({
    to,
    lng,
    template: `support:email.${job.template}`,
    key: `support.mail:${ctx.jobId}`,
    vars: {
      name,
      number: tk.number,
      subject: tk.subject,
      status: t(lng, `support:status.${job.status ?? tk.status}`),
      dueDate: day(tk.firstResponseDueAt),
      ticketUrl: `${currentConfig().publicUrl}/help/tickets/${String(tk._id)}`,
      ...extra,
    },
  })
}

export const supportJobs: JobHandlers = { 'support.mail': { run: mailTicketAuthor } }
