import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useRateMutation, useReplyMutation } from '../api/appeals.js'
import { withQuery } from '../lib/api.js'
import { CLOSED_STATUSES, is, RATEABLE_STATUSES } from '../../../shared/domain.js'
import { useCouncilMap } from '../api/directory.js'
import { formatBytes, formatDate, personName, pick } from '../lib/format.js'
import { useSubmit } from '../lib/form.js'
import { useLang } from '../lib/hooks.js'
import type { Appeal } from '../lib/types.js'
import { errFor, SelectField, TextArea } from './field.js'
import { ErrorBox, Notice } from './status.js'

export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const { t } = useTranslation()
  return (
    <>
      <span className={`badge status-${status}`}>{t(`appealStatus.${status}`)}</span>
      {overdue && (
        <>
          {' '}
          <span className="badge badge-danger">{t('appeal.overdue')}</span>
        </>
      )}
    </>
  )
}

/**
 * One appeal as its author or the council sees it: facts, text, files, the thread, and (for the
 * author) follow-up and rating. `code` is the guest's access code, sent with each request.
 */
export function AppealView({ appeal, role, code }: { appeal: Appeal; role: 'author' | 'council'; code?: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  const councils = useCouncilMap()
  const council = councils.get(appeal.councilId)
  const q = code ? { code } : undefined
  const closed = is(CLOSED_STATUSES, appeal.status)
  return (
    <article className="appeal" aria-labelledby="appeal-subject">
      <h2 id="appeal-subject">{appeal.subject}</h2>
      <dl className="facts">
        <div>
          <dt>{t('appeal.number')}</dt>
          <dd>{appeal.trackingNumber}</dd>
        </div>
        <div>
          <dt>{t('appeal.status')}</dt>
          <dd data-testid="appeal-status">
            <StatusBadge status={appeal.status} overdue={appeal.overdue} />
          </dd>
        </div>
        <div>
          <dt>{t('appeal.council')}</dt>
          <dd>{council ? pick(council.name, lng) : '…'}</dd>
        </div>
        <div>
          <dt>{t('appeal.category')}</dt>
          <dd>{t(`category.${appeal.category}`)}</dd>
        </div>
        <div>
          <dt>{t('appeal.createdAt')}</dt>
          <dd>{formatDate(appeal.createdAt, lng, true)}</dd>
        </div>
        <div>
          <dt>{t('appeal.dueAt')}</dt>
          <dd>{appeal.dueAt ? formatDate(appeal.dueAt, lng) : '—'}</dd>
        </div>
        {role === 'council' && (
          <div>
            <dt>{t('appeal.author')}</dt>
            <dd>
              {personName(appeal.author.name, t)} · <a href={`mailto:${appeal.author.email}`}>{appeal.author.email}</a>
              {appeal.author.guest && <> ({t('appeal.guest')})</>}
            </dd>
          </div>
        )}
      </dl>
      {appeal.statusReason && (
        <p>
          <strong>{t('appeal.reason')}:</strong> {appeal.statusReason}
        </p>
      )}
      {appeal.extension && <Notice>{t('appeal.extended', { reason: appeal.extension.reason })}</Notice>}
      <h3>{t('appeal.text')}</h3>
      <p className="prewrap">{appeal.text}</p>
      {appeal.attachments.length > 0 && (
        <>
          <h3>{t('appeal.files')}</h3>
          <ul className="file-list">
            {appeal.attachments.map((a) => (
              <li key={a.id}>
                <a href={withQuery(a.url, q)} download={a.name}>
                  {a.name}
                </a>{' '}
                ({formatBytes(a.size, lng)})
              </li>
            ))}
          </ul>
        </>
      )}
      <section aria-labelledby="thread-h">
        <h3 id="thread-h">{t('appeal.thread')}</h3>
        {appeal.replies.length === 0 ? (
          <p className="muted">{t('appeal.noReplies')}</p>
        ) : (
          <ol className="thread">
            {appeal.replies.map((r) => (
              <li key={r.id} className={`reply reply-${r.by}`}>
                <p className="meta">
                  <strong>{r.by === 'council' ? t('appeal.fromCouncil') : t('appeal.fromAuthor')}</strong> ·{' '}
                  {personName(r.authorName, t)} ·{' '}
                  <time dateTime={r.createdAt}>{formatDate(r.createdAt, lng, true)}</time>
                </p>
                <p className="prewrap">{r.text}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
      {!closed && <ReplyForm appealId={appeal.id} code={code} role={role} />}
      {role === 'author' && <Rating appeal={appeal} code={code} />}
    </article>
  )
}

/** A reply; the appeal (its thread and status) refreshes from the cache's invalidation. */
function ReplyForm({ appealId, code, role }: { appealId: string; code?: string; role: 'author' | 'council' }) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const [ok, setOk] = useState(false)
  const s = useSubmit()
  const reply = useReplyMutation(appealId, code)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setOk(false)
    const r = await s.run(async () => {
      await reply.mutateAsync(text)
      return true
    })
    if (r) {
      setText('')
      setOk(true)
    }
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby={`reply-h-${role}`}>
      <h3 id={`reply-h-${role}`}>{role === 'council' ? t('appeal.answer') : t('appeal.followUp')}</h3>
      <ErrorBox error={s.fields.text ? null : s.error} />
      <TextArea
        label={t('appeal.replyText')}
        required
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={errFor(s.fields, 'text')}
      />
      <p>
        <button className="btn btn-primary" disabled={s.busy || !text.trim()}>
          {role === 'council' ? t('appeal.sendAnswer') : t('appeal.sendFollowUp')}
        </button>
      </p>
      {ok && <Notice kind="success">{t('appeal.replySent')}</Notice>}
    </form>
  )
}

function Rating({ appeal, code }: { appeal: Appeal; code?: string }) {
  const { t } = useTranslation()
  const [score, setScore] = useState('5')
  const [comment, setComment] = useState('')
  const s = useSubmit()
  const rate = useRateMutation(appeal.id, code)
  if (appeal.rating) return <p className="rating-done">{t('appeal.rated', { score: appeal.rating.score })}</p>
  if (!is(RATEABLE_STATUSES, appeal.status)) return null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    await s.run(() =>
      rate.mutateAsync({ score: Number(score), ...(comment.trim() ? { comment: comment.trim() } : {}) }),
    )
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="rate-h">
      <h3 id="rate-h">{t('appeal.rateTitle')}</h3>
      <ErrorBox error={s.error} />
      <SelectField
        label={t('appeal.score')}
        value={score}
        onChange={(e) => setScore(e.target.value)}
        error={errFor(s.fields, 'score')}
      >
        {[5, 4, 3, 2, 1].map((n) => (
          <option key={n} value={n}>
            {t(`appeal.score${n}`)}
          </option>
        ))}
      </SelectField>
      <TextArea
        label={t('appeal.ratingComment')}
        rows={3}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        error={errFor(s.fields, 'comment')}
      />
      <p>
        <button className="btn" disabled={s.busy}>
          {t('appeal.rate')}
        </button>
      </p>
    </form>
  )
}
