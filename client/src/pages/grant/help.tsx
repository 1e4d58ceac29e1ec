import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { TICKET_CATEGORIES } from '../../../../shared/schemas/support.js'
import { createTicket, findTicket, useTickets } from '../../api/support.js'
import { SelectField, TextArea, TextField, errFor } from '../../components/field.js'
import { More } from '../../components/more.js'
import { ErrorBox, Notice } from '../../components/status.js'
import { useSubmit } from '../../lib/form.js'
import { formatDate } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import './grant.css'

const FAQ = [1, 2, 3, 4, 5]

/** Help: frequent questions in kk and ru, a ticket form for anyone, and the way back to a ticket. */
export default function HelpPage() {
  const { t } = useTranslation()
  useTitle(t('support:web.title'))
  const { user } = useSession()
  return (
    <>
      <h1>{t('support:web.title')}</h1>
      <p>{t('support:web.intro')}</p>
      {hasRole(user, 'moderator', 'admin') && (
        <p>
          <Link to="/help/queue">{t('support:web.queueTitle')}</Link>
        </p>
      )}
      <section aria-labelledby="faq-title">
        <h2 id="faq-title">{t('support:web.faqTitle')}</h2>
        {FAQ.map((n) => (
          <details key={n} className="faq">
            <summary>{t(`support:web.faq.q${n}`)}</summary>
            <p>{t(`support:web.faq.a${n}`)}</p>
          </details>
        ))}
      </section>
      <TicketForm />
      {user ? <MyTickets /> : <TrackTicket />}
    </>
  )
}

function TicketForm() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const s = useSubmit()
  const [category, setCategory] = useState('technical')
  const [subject, setSubject] = useState('')
  const [text, setText] = useState('')
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [files, setFiles] = useState<File[]>([])
  const [done, setDone] = useState<{ number: string; accessCode?: string; firstResponseDueAt: string } | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const body = {
      category: category as (typeof TICKET_CATEGORIES)[number],
      subject,
      text,
      ...(user ? {} : { contact: { name, email } }),
    }
    const res = await s.run(() => createTicket(body, files))
    if (res) {
      setDone(res)
      setSubject('')
      setText('')
      setFiles([])
    }
  }
  return (
    <section aria-labelledby="ticket-form-title">
      <h2 id="ticket-form-title">{t('support:web.formTitle')}</h2>
      {done && (
        <Notice kind="success">
          <p>{t('support:web.sent', { number: done.number, due: formatDate(done.firstResponseDueAt, lng, true) })}</p>
          {done.accessCode && <p>{t('support:web.codeNote', { code: done.accessCode })}</p>}
        </Notice>
      )}
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          label={t('support:web.category')}
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          required
        >
          {TICKET_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`support:category.${c}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('support:web.subject')}
          required
          value={subject}
          maxLength={200}
          onChange={(e) => setSubject(e.target.value)}
          error={s.fields.subject}
        />
        <TextArea
          label={t('support:web.text')}
          required
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={s.fields.text}
        />
        {!user && (
          <>
            <TextField
              label={t('support:web.name')}
              required
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={errFor(s.fields, 'contact.name', 'contact')}
            />
            <TextField
              label={t('support:web.email')}
              required
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errFor(s.fields, 'contact.email')}
            />
          </>
        )}
        <div className="field">
          <label htmlFor="ticket-files">{t('support:web.files')}</label>
          <input
            id="ticket-files"
            type="file"
            multiple
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, 3))}
          />
        </div>
        <button className="btn btn-primary" type="submit" disabled={s.busy}>
          {t('support:web.send')}
        </button>
      </form>
    </section>
  )
}

function TrackTicket() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [number, setNumber] = useState('')
  const [code, setCode] = useState('')
  const [missing, setMissing] = useState(false)
  const s = useSubmit()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const found = await s.run(() => findTicket(number.trim(), code.trim()))
    setMissing(found === null)
    if (found) navigate(`/help/tickets/${found.id}?code=${encodeURIComponent(code.trim())}`)
  }
  return (
    <section aria-labelledby="track-title">
      <h2 id="track-title">{t('support:web.trackTitle')}</h2>
      {missing && <Notice kind="error">{t('support:web.notFound')}</Notice>}
      <ErrorBox error={s.error} />
      <form className="form form-inline" onSubmit={submit}>
        <TextField
          label={t('support:web.number')}
          required
          value={number}
          autoComplete="off"
          placeholder="SD-2026-000123"
          onChange={(e) => setNumber(e.target.value)}
        />
        <TextField
          label={t('support:web.code')}
          required
          value={code}
          autoComplete="off"
          onChange={(e) => setCode(e.target.value)}
        />
        <button className="btn" type="submit" disabled={s.busy}>
          {t('support:web.open')}
        </button>
      </form>
    </section>
  )
}

function MyTickets() {
  const { t } = useTranslation()
  const lng = useLang()
  const list = useTickets(true)
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">{t('support:web.mine')}</h2>
      {!list.loading && list.items.length === 0 && <p className="muted">{t('support:web.empty')}</p>}
      <ul className="ticket-list">
        {list.items.map((tk) => (
          <li key={tk.id}>
            <Link to={`/help/tickets/${tk.id}`}>
              {tk.number}: {tk.subject}
            </Link>{' '}
            <span className="badge">{t(`support:status.${tk.status}`)}</span>{' '}
            <time dateTime={tk.createdAt}>{formatDate(tk.createdAt, lng)}</time>
          </li>
        ))}
      </ul>
      <More list={list} />
    </section>
  )
}
