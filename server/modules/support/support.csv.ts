import type { Lang } from '../../../shared/schemas/common.js'
import { toCsv } from '../../core/csv.js'
import { t } from '../../core/i18n.js'
import { almatyDay } from '../appeals/index.js'
import type { TicketDoc } from './support.model.js'
import { isTicketOverdue } from './support.view.js'

/** CSV of the queue: UTF-8 with BOM, CRLF, RFC 4180 quoting, cells that look like formulas defused. */
const COLUMNS = [
  'number',
  'createdAt',
  'category',
  'subject',
  'author',
  'email',
  'status',
  'assigneeId',
  'firstResponseDueAt',
  'firstResponseAt',
  'overdue',
] as const

const day = (d: Date | null | undefined) => (d ? almatyDay(new Date(d)) : '')

export function ticketsCsv(docs: TicketDoc[], lng: Lang): string {
  const rows = docs.map((d) => [
    d.number,
    day(d.createdAt),
    t(lng, `support:category.${d.category}`),
    d.subject,
    d.author.name,
    d.author.email,
    t(lng, `support:status.${d.status}`),
    d.assigneeId ? String(d.assigneeId) : '',
    day(d.firstResponseDueAt),
    day(d.firstResponseAt),
    t(lng, isTicketOverdue(d) ? 'support:csv.yes' : 'support:csv.no'),
  ])
  return toCsv(
    COLUMNS.map((c) => t(lng, `support:csv.${c}`)),
    rows,
  )
}
