import type { Lang } from '../../../shared/schemas/common.js'
import { t } from '../../core/i18n.js'
import type { AppealDoc } from './appeal.model.js'
import { formatDay } from './appeals.notify.js'
import { isOverdue } from './appeals.view.js'

/**
 * CSV for a council's reports, opened by Excel: UTF-8 with a BOM (else Cyrillic is garbled),
 * CRLF rows, RFC 4180 quoting, and a formula-injection guard: a cell starting with = + - @
 * (or a tab/CR) gets a leading apostrophe so a spreadsheet shows it as text, never runs it.
 */
const COLUMNS = [
  'trackingNumber',
  'registeredAt',
  'category',
  'subject',
  'author',
  'status',
  'dueAt',
  'answeredAt',
  'overdue',
  'rating',
] as const

export function csvCell(value: unknown): string {
  let s = value == null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

export function appealsCsv(docs: AppealDoc[], lng: Lang): string {
  const rows = [COLUMNS.map((c) => csvCell(t(lng, `appeals:csv.${c}`)))]
  for (const a of docs) {
    rows.push(
      [
        a.trackingNumber,
        formatDay(a.registeredAt),
        t(lng, `appeals:category.${a.category}`),
        a.subject,
        a.author.name,
        t(lng, `appeals:status.${a.status}`),
        formatDay(a.dueAt),
        a.answeredAt ? formatDay(a.answeredAt) : '',
        t(lng, isOverdue(a) ? 'appeals:csv.yes' : 'appeals:csv.no'),
        a.rating?.score ?? '',
      ].map(csvCell),
    )
  }
  return '\uFEFF' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n'
}
