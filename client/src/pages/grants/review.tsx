import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { grantsApi, useApplication, useCall } from '../../api/grants.js'
import { formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import { SelectField, TextArea } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

const MARKS = Array.from({ length: 11 }, (_, i) => i)

/**
 * An expert's review: first the conflict-of-interest declaration (a conflict ends it: no scores),
 * then 0..10 per criterion with a comment. Other experts' reviews are never shown.
 */
export default function ReviewPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id = '' } = useParams()
  const { user } = useSession()
  const app = useApplication(id)
  const call = useCall(app.data?.callId ?? '')
  const submit = useSubmit()
  const [conflict, setConflict] = useState<'yes' | 'no' | ''>('')
  const [scores, setScores] = useState<Record<string, number>>({})
  const [comment, setComment] = useState('')
  useTitle(t('grants:web.review.one'))
  if (app.error) return <ErrorBox error={app.error} />
  // The call's criteria must be this application's (not a previous answer still in place).
  if (!app.data || !call.data || call.data.id !== app.data.callId) return <Loading />
  const a = app.data
  const mine = a.reviews.find((r) => r.expertId === user?.id)

  async function send(e: FormEvent) {
    e.preventDefault()
    const body =
      conflict === 'yes'
        ? { conflictOfInterest: true, comment }
        : {
            conflictOfInterest: false,
            scores: Object.fromEntries(call.data!.criteria.map((c) => [c.key, scores[c.key] ?? 0])),
            comment,
          }
    const r = await submit.run(() => grantsApi.review(a.id, body))
    if (r) app.setData(r)
  }

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/grants/review">{t('grants:web.review.title')}</Link>
      </p>
      <h1>{pick(a.title, lng)}</h1>
      <dl className="facts">
        <dt>{t('grants:web.council')}</dt>
        <dd>{pick(a.councilName, lng)}</dd>
        <dt>{t('grants:web.stateBody')}</dt>
        <dd>{pick(a.stateBody, lng)}</dd>
        <dt>{t('grants:web.amount')}</dt>
        <dd>{formatTenge(a.totalTiyn)}</dd>
      </dl>
      {mine ? (
        <Notice kind="success">
          {mine.conflictOfInterest
            ? t('grants:web.review.conflictDeclared')
            : t('grants:web.review.scored', { score: mine.weighted })}
        </Notice>
      ) : (
        <form className="form" onSubmit={send} noValidate>
          <ErrorBox error={submit.error} />
          <fieldset>
            <legend>{t('grants:web.review.conflictQuestion')}</legend>
            <div className="field field-check">
              <input
                type="radio"
                id="coi-no"
                name="coi"
                checked={conflict === 'no'}
                onChange={() => setConflict('no')}
              />
              <label htmlFor="coi-no">{t('grants:web.review.noConflict')}</label>
            </div>
            <div className="field field-check">
              <input
                type="radio"
                id="coi-yes"
                name="coi"
                checked={conflict === 'yes'}
                onChange={() => setConflict('yes')}
              />
              <label htmlFor="coi-yes">{t('grants:web.review.haveConflict')}</label>
            </div>
          </fieldset>
          {conflict === 'no' && (
            <>
              <section aria-labelledby="app-details">
                <h2 id="app-details">{t('grants:web.review.details')}</h2>
                <p className="prewrap">{pick(a.subject, lng)}</p>
                <h3>{t('grants:web.plan')}</h3>
                <ol>
                  {a.plan.map((p, i) => (
                    <li key={i}>
                      {p.title} — {formatDate(p.dueAt, lng)}
                    </li>
                  ))}
                </ol>
                <h3>{t('grants:web.budget')}</h3>
                <ul>
                  {a.budget.map((b, i) => (
                    <li key={i}>
                      {b.item}: {formatTenge(b.amountTiyn)}
                    </li>
                  ))}
                </ul>
              </section>
              <fieldset>
                <legend>{t('grants:web.review.scores')}</legend>
                {call.data.criteria.map((c) => (
                  <SelectField
                    key={c.key}
                    label={t('grants:web.review.criterion', { title: pick(c.title, lng), weight: c.weight })}
                    value={scores[c.key] ?? ''}
                    required
                    onChange={(e) => setScores({ ...scores, [c.key]: Number(e.target.value) })}
                  >
                    <option value="">—</option>
                    {MARKS.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </SelectField>
                ))}
              </fieldset>
            </>
          )}
          {conflict && (
            <>
              <TextArea
                label={t('grants:web.review.comment')}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
              <button type="submit" className="btn btn-primary" disabled={submit.busy}>
                {conflict === 'yes' ? t('grants:web.review.declare') : t('grants:web.review.send')}
              </button>
            </>
          )}
        </form>
      )}
    </>
  )
}
