import { TICKET_OPEN_STATUSES, type TicketView } from '../../../shared/schemas/support.js'
import type { TicketAccess } from './support.access.js'
import type { TicketDoc } from './support.model.js'

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null)

export function isTicketOverdue(
  t: Pick<TicketDoc, 'status' | 'firstResponseAt' | 'firstResponseDueAt'>,
  now = new Date(),
) {
  return (
    !t.firstResponseAt &&
    (TICKET_OPEN_STATUSES as readonly string[]).includes(t.status) &&
    new Date(t.firstResponseDueAt) < now
  )
}

export const attachmentUrl = (ticketId: string, attachmentId: string) =>
  `/api/v1/support/tickets/${ticketId}/attachments/${attachmentId}`

/** The ticket as its author or staff see it (staff also see the author's e-mail). */
export function toTicketView(t: TicketDoc, access: TicketAccess): TicketView {
  const id = String(t._id)
  return {
    id,
    number: t.number,
    category: t.category as TicketView['category'],
    subject: t.subject,
    text: t.text,
    status: t.status as TicketView['status'],
    author: { name: t.author.name, guest: !t.author.userId, ...(access === 'staff' ? { email: t.author.email } : {}) },
    assigneeId: t.assigneeId ? String(t.assigneeId) : null,
    firstResponseDueAt: iso(t.firstResponseDueAt)!,
    firstResponseAt: iso(t.firstResponseAt),
    overdue: isTicketOverdue(t),
    attachments: (t.attachments ?? []).map((f) => ({
      id: String(f._id),
      name: f.name,
      mime: f.mime,
      size: f.size,
      url: attachmentUrl(id, String(f._id)),
    })),
    messages: (t.messages ?? []).map((m) => ({
      id: String(m._id),
      by: m.by,
      authorName: m.authorName,
      text: m.text,
      createdAt: iso(m.createdAt)!,
    })),
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  }
}
