import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../../../shared/schemas/support.js'
import { ticketsCsvUrl, updateTicket, useTickets, type QueueFilters } from '../../api/support.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { ErrorBox } from '../../components/status.js'
import { formatDate, personName } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams } from '../../lib/query-params.js'
import { hasRole, useSession } from '../../lib/session.js'
import './grant.css'

/** Support staff's queue: filters in the address, overdue tickets marked, CSV of the same filters. */
export default function QueuePage() {
  const { t } = useTranslation()
  useTitle(t('support:web.queueTitle'))
  const lng = useLang()
  const { user } = useSession()
  const qp = useQueryParams()
  const filters: QueueFilters = {
    status: qp.get('status') || undefined,
    category: qp.get('category') || undefined,
    assignee: qp.get('assignee') || undefined,
    overdue: qp.get('overdue') || undefined,
  }
  const staff = hasRole(user, 'moderator', 'admin')
  const list = useTickets(staff, filters)
  return (
    <>
      <h1>{t('support:web.queueTitle')}</h1>
      <div className="filters">
        <FilterSelect
          id="q-status"
          label={t('support:web.statusLabel')}
          name="status"
          qp={qp}
          all={t('support:web.all')}
          options={TICKET_STATUSES.map((s) => [s, t(`support:status.${s}`)] as const)}
        />
        <FilterSelect
          id="q-category"
          label={t('support:web.category')}
          name="category"
          qp={qp}
          all={t('support:web.all')}
          options={TICKET_CATEGORIES.map((c) => [c, t(`support:category.${c}`)] as const)}
        />
        <FilterSelect
          id="q-assignee"
          label={t('support:csv.assigneeId')}
          name="assignee"
          qp={qp}
          all={t('support:web.all')}
          options={[['none', t('support:web.unassigned')], ...(user ? [[user.id, user.displayName] as const] : [])]}
        />
        <FilterSelect
          id="q-overdue"
          label={t('support:web.overdue')}
          name="overdue"
          qp={qp}
          all={t('support:web.all')}
          options={[['true', t('support:web.onlyOverdue')]]}
        />
        <a className="btn btn-ghost" href={ticketsCsvUrl(filters)} download>
          {t('support:web.exportCsv')}
        </a>
      </div>
      <ErrorBox error={list.error} />
      {!list.loading && list.items.length === 0 && <p className="muted">{t('support:web.empty')}</p>}
      <ul className="ticket-list">
        {list.items.map((tk) => (
          <li key={tk.id} className={`card card-pad${tk.overdue ? ' ticket-overdue' : ''}`}>
            <Link to={`/help/tickets/${tk.id}`}>
              {tk.number}: {tk.subject}
            </Link>
            <p className="meta">
              <span className="badge">{t(`support:status.${tk.status}`)}</span> {t(`support:category.${tk.category}`)} ·{' '}
              {personName(tk.author.name, t)} ·{' '}
              <time dateTime={tk.createdAt}>{formatDate(tk.createdAt, lng, true)}</time>
              {tk.overdue && <span className="badge badge-danger"> {t('support:web.overdue')}</span>}
            </p>
            {user && tk.assigneeId !== user.id && (
              <button
                className="btn btn-ghost"
                type="button"
                onClick={() => void updateTicket(tk.id, { assigneeId: user.id }).then(list.reload)}
              >
                {t('support:web.assignToMe')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <More list={list} />
    </>
  )
}
