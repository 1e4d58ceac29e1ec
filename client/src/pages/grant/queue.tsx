import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../../../shared/schemas/support.js'
import { ticketsCsvUrl, updateTicket, useTickets, type QueueFilters } from '../../api/support.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { ErrorBox } from '../../components/status.js'
import { formatDate } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams } from '../../lib/query-params.js'
import { hasRole, useSession } from '../../lib/session.js'
import './grant.css'

/** Support staff's queue: filters in the address, overdue tickets marked, CSV of the same filters. */
export default function QueuePage() {
  const { t } = useTranslation('support')
  useTitle(t('web.queueTitle'))
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
      <h1>{t('web.queueTitle')}</h1>
      <div className="filters">
        <FilterSelect
          id="q-status"
          label={t('web.statusLabel')}
          name="status"
          qp={qp}
          all={t('web.all')}
          options={TICKET_STATUSES.map((s) => [s, t(`status.${s}`)] as const)}
        />
        <FilterSelect
          id="q-category"
          label={t('web.category')}
          name="category"
          qp={qp}
          all={t('web.all')}
          options={TICKET_CATEGORIES.map((c) => [c, t(`category.${c}`)] as const)}
        />
        <FilterSelect
          id="q-assignee"
          label={t('csv.assigneeId')}
          name="assignee"
          qp={qp}
          all={t('web.all')}
          options={[['none', t('web.unassigned')], ...(user ? [[user.id, user.displayName] as const] : [])]}
        />
        <FilterSelect
          id="q-overdue"
          label={t('web.overdue')}
          name="overdue"
          qp={qp}
          all={t('web.all')}
          options={[['true', t('web.onlyOverdue')]]}
        />
        <a className="btn btn-ghost" href={ticketsCsvUrl(filters)} download>
          {t('web.exportCsv')}
        </a>
      </div>
      <ErrorBox error={list.error} />
      {!list.loading && list.items.length === 0 && <p className="muted">{t('web.empty')}</p>}
      <ul className="ticket-list">
        {list.items.map((tk) => (
          <li key={tk.id} className={`card card-pad${tk.overdue ? ' ticket-overdue' : ''}`}>
            <Link to={`/help/tickets/${tk.id}`}>
              {tk.number}: {tk.subject}
            </Link>
            <p className="meta">
              <span className="badge">{t(`status.${tk.status}`)}</span> {t(`category.${tk.category}`)} ·{' '}
              {tk.author.name} · <time dateTime={tk.createdAt}>{formatDate(tk.createdAt, lng, true)}</time>
              {tk.overdue && <span className="badge badge-danger"> {t('web.overdue')}</span>}
            </p>
            {user && tk.assigneeId !== user.id && (
              <button
                className="btn btn-ghost"
                type="button"
                onClick={() => void updateTicket(tk.id, { assigneeId: user.id }).then(list.reload)}
              >
                {t('web.assignToMe')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <More list={list} />
    </>
  )
}
