import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams, useSearchParams } from 'react-router-dom'
import { TICKET_STATUSES } from '../../../../shared/schemas/support.js'
import { postTicketMessage, updateTicket, useTicket } from '../../api/support.js'
import { SelectField, TextArea } from '../../components/field.js'
import { ErrorBox, Loading } from '../../components/status.js'
import { useSubmit } from '../../lib/form.js'
import { formatDate, personName } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { SignInFirst } from '../account/sign-in-first.js'
import './grant.css'

/** One support ticket and its conversation: the author (account or code) and staff. */
export default function TicketPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id } = useParams()
  const [params] = useSearchParams()
  const code = params.get('code') ?? undefined
  const { user, loading } = useSession()
  const staff = hasRole(user, 'moderator', 'admin')
  // Without the access code the ticket is for its signed-in author or staff: a guest signs in first.
  const ticket = useTicket(id, code, Boolean(code || user))
  const tk = ticket.data
  useTitle(tk ? `${tk.number}: ${tk.subject}` : t('support:web.trackTitle'))
  const [text, setText] = useState('')
  const [status, setStatus] = useState('')
  const s = useSubmit()
  const send = async (e: FormEvent) => {
    e.preventDefault()
    if (!tk) return
    if (await s.run(() => postTicketMessage(tk.id, text, code))) {
      setText('')
      ticket.reload()
    }
  }
  const change = async (e: FormEvent) => {
    e.preventDefault()
    if (!tk || !status) return
    const updated = await s.run(() => updateTicket(tk.id, { status: status as 'resolved' }))
    if (updated) ticket.setData(updated)
  }
  if (loading || (ticket.loading && !tk)) return <Loading />
  if (!code && !user) return <SignInFirst title={t('support:web.trackTitle')} />
  if (!tk) return <ErrorBox error={ticket.error} />
  return (
    <>
      <h1>
        {tk.number}: {tk.subject}
      </h1>
      <p className="meta">
        <span className="badge">{t(`support:status.${tk.status}`)}</span> {t(`support:category.${tk.category}`)} ·{' '}
        {t('support:web.dueBy', { date: formatDate(tk.firstResponseDueAt, lng, true) })}
        {tk.overdue && <span className="badge badge-danger"> {t('support:web.overdue')}</span>}
      </p>
      <p className="prewrap">{tk.text}</p>
      {tk.attachments.length > 0 && (
        <ul className="ticket-shots">
          {tk.attachments.map((a) => (
            <li key={a.id}>
              <a href={code ? `${a.url}?code=${encodeURIComponent(code)}` : a.url}>{a.name}</a>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('support:web.messages')}</h2>
      <ol className="ticket-thread">
        {tk.messages.map((m) => (
          <li key={m.id} className={`card card-pad ticket-msg ticket-${m.by}`}>
            <p className="meta">
              {m.by === 'staff' ? t('support:web.staff') : personName(m.authorName, t)} ·{' '}
              <time dateTime={m.createdAt}>{formatDate(m.createdAt, lng, true)}</time>
            </p>
            <p className="prewrap">{m.text}</p>
          </li>
        ))}
      </ol>
      <ErrorBox error={s.error} />
      {tk.status !== 'closed' && (
        <form className="form" onSubmit={send}>
          <TextArea
            label={t('support:web.reply')}
            required
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={s.fields.text}
          />
          <button className="btn btn-primary" type="submit" disabled={s.busy || !text.trim()}>
            {t('support:web.send')}
          </button>
        </form>
      )}
      {staff && (
        <form className="form form-inline" onSubmit={change}>
          <SelectField label={t('support:web.statusLabel')} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="" />
            {TICKET_STATUSES.filter((x) => x !== 'new').map((x) => (
              <option key={x} value={x}>
                {t(`support:status.${x}`)}
              </option>
            ))}
          </SelectField>
          <button className="btn" type="submit" disabled={s.busy || !status}>
            {t('support:web.save')}
          </button>
        </form>
      )}
    </>
  )
}
