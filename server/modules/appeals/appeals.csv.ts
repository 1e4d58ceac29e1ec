import type { Lang } from '../../../shared/schemas/common.js'
import { t } from '../../core/i18n.js'
import type { AppealDoc } from './appeal.model.js'
import { formatDay } from './appeals.notify.js'
import { isOverdue } from './appeals.view.js'
import { toCsv } from '../../core/csv.js'

/** CSV for a council's reports, opened by Excel (`server/core/csv.ts`: BOM, quoting, formula guard). */
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

export function appealsCsv(docs: AppealDoc[], lng: Lang): string {
  const rows = docs.map((a) => [
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
  ])
  return toCsv(
    COLUMNS.map((c) => t(lng, `appeals:csv.${c}`)),
    rows,
  )
}
