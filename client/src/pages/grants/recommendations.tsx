import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { controlApi, useRecommendations, type Recommendation } from '../../api/control.js'
import { useMyApplications } from '../../api/grants.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { Lang } from '../../lib/types.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { LangColumns } from '../../components/lang-columns.js'
import { Empty, ErrorBox, Loading, Notice } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'
import { RecommendationStatus, fromDateInput } from './parts.js'

type Text = { kk: string; ru: string }
const clean = (v: Text) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.trim())) as Text
const today = () => new Date().toISOString().slice(0, 10)

/** A council records its recommendations to state bodies, then each body's answer and what was done. */
export default function Recommendations() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user, loading } = useSession()
  const councils = useCouncilMap()
  const councilId0 = user?.councilIds[0] ?? ''
  const [councilId, setCouncilId] = useState(councilId0)
  const cid = councilId || councilId0
  const list = useRecommendations({ councilId: cid }, Boolean(cid))
  const submit = useSubmit()
  const [stateBody, setStateBody] = useState<Text>({ kk: '', ru: '' })
  const [text, setText] = useState<Text>({ kk: '', ru: '' })
  const [sentAt, setSentAt] = useState(today())
  const [awardId, setAwardId] = useState('')
  const apps = useMyApplications(Boolean(user))
  const awarded = (apps.data?.items ?? []).filter((a) => a.awardId && a.councilId === cid)
  const [notice, setNotice] = useState('')
  useTitle(t('grants:web.recs.title'))
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('grants:web.recs.title')} />
  if (!user.councilIds.length) return <Empty>{t('grants:web.recs.noCouncil')}</Empty>

  async function record(e: FormEvent) {
    e.preventDefault()
    const r = await submit.run(() =>
      controlApi.create({
        councilId: cid,
        stateBody: clean(stateBody),
        text: clean(text),
        sentAt: fromDateInput(sentAt),
      }),
    )
    if (r) {
      setNotice(t('grants:web.recs.recorded', { date: formatDate(r.dueAt, lng) }))
      setText({ kk: '', ru: '' })
      list.reload()
    }
  }
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/grants/mine">{t('grants:web.mine.title')}</Link>
      </p>
      <h1>{t('grants:web.recs.title')}</h1>
      {user.councilIds.length > 1 && (
        <SelectField label={t('grants:web.council')} value={cid} onChange={(e) => setCouncilId(e.target.value)}>
          {user.councilIds.map((c) => (
            <option key={c} value={c}>
              {councils.get(c) ? pick(councils.get(c)!.name, lng) : c}
            </option>
          ))}
        </SelectField>
      )}
      <h2>{t('grants:web.recs.new')}</h2>
      <ErrorBox error={submit.error} />
      {notice && <Notice kind="success">{notice}</Notice>}
      <form className="form form-wide" onSubmit={record} noValidate>
        <LangColumns>
          {(l: Lang) => (
            <>
              <TextField
                label={t('grants:web.stateBody')}
                value={stateBody[l]}
                error={errFor(submit.fields, `stateBody.${l}`, 'stateBody')}
                onChange={(e) => setStateBody({ ...stateBody, [l]: e.target.value })}
              />
              <TextArea
                label={t('grants:web.recommendation')}
                value={text[l]}
                error={errFor(submit.fields, `text.${l}`, 'text')}
                onChange={(e) => setText({ ...text, [l]: e.target.value })}
              />
            </>
          )}
        </LangColumns>
        <TextField
          type="date"
          label={t('grants:web.sentAt')}
          value={sentAt}
          max={today()}
          error={errFor(submit.fields, 'sentAt')}
          onChange={(e) => setSentAt(e.target.value)}
        />
        {awarded.length > 0 && (
          <SelectField
            label={t('grants:web.recs.fromAward')}
            value={awardId}
            error={errFor(submit.fields, 'awardId')}
            onChange={(e) => setAwardId(e.target.value)}
          >
            <option value="">{t('grants:web.recs.noAward')}</option>
            {awarded.map((a) => (
              <option key={a.awardId!} value={a.awardId!}>
                {pick(a.title, lng)}
              </option>
            ))}
          </SelectField>
        )}
        <button type="submit" className="btn btn-primary" disabled={submit.busy}>
          {t('grants:web.recs.record')}
        </button>
      </form>
      <h2>{t('grants:web.recs.list')}</h2>
      <ErrorBox error={list.error} />
      {list.data && list.data.items.length === 0 && <Empty>{t('grants:web.results.noRecommendations')}</Empty>}
      {list.data?.items.map((r) => (
        <RecommendationCard key={r.id} r={r} onChange={list.reload} />
      ))}
    </>
  )
}

function RecommendationCard({ r, onChange }: { r: Recommendation; onChange: () => void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const submit = useSubmit()
  const [receivedAt, setReceivedAt] = useState(today())
  const [answer, setAnswer] = useState('')
  const [decision, setDecision] = useState<'accepted' | 'partially' | 'rejected'>('accepted')
  const [impl, setImpl] = useState<'in_progress' | 'implemented' | 'not_implemented'>('in_progress')
  const [note, setNote] = useState('')
  const save = async (body: Parameters<typeof controlApi.update>[1]) => {
    if (await submit.run(() => controlApi.update(r.id, { ...body, version: r.version }))) onChange()
  }
  return (
    <section className="card" aria-labelledby={`rec-${r.id}`}>
      <div className="card-body">
        <h3 className="card-title" id={`rec-${r.id}`}>
          {pick(r.stateBody, lng)} · {formatDate(r.sentAt, lng)}
        </h3>
        <p className="prewrap">{pick(r.text, lng)}</p>
        <p>
          <RecommendationStatus r={r} />
        </p>
        {r.response && <p className="prewrap">{pick(r.response.text, lng)}</p>}
        <ErrorBox error={submit.error} />
        {r.status === 'sent' && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              void save({ response: { receivedAt: fromDateInput(receivedAt), text: { [lng]: answer }, decision } })
            }}
          >
            <TextField
              type="date"
              label={t('grants:web.recs.receivedAt')}
              value={receivedAt}
              onChange={(e) => setReceivedAt(e.target.value)}
            />
            <TextArea
              label={t('grants:web.recs.answer')}
              value={answer}
              error={errFor(submit.fields, 'response.text')}
              onChange={(e) => setAnswer(e.target.value)}
            />
            <SelectField
              label={t('grants:web.recs.decision')}
              value={decision}
              onChange={(e) => setDecision(e.target.value as typeof decision)}
            >
              {(['accepted', 'partially', 'rejected'] as const).map((d) => (
                <option key={d} value={d}>
                  {t(`control:decision.${d}`)}
                </option>
              ))}
            </SelectField>
            <button type="submit" className="btn" disabled={submit.busy}>
              {t('grants:web.recs.saveAnswer')}
            </button>
          </form>
        )}
        {r.status === 'answered' && r.implementation?.status !== 'implemented' && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              void save({ implementation: impl, note })
            }}
          >
            <SelectField
              label={t('grants:web.recs.implementation')}
              value={impl}
              onChange={(e) => setImpl(e.target.value as typeof impl)}
            >
              {(['in_progress', 'implemented', 'not_implemented'] as const).map((d) => (
                <option key={d} value={d}>
                  {t(`control:implementation.${d}`)}
                </option>
              ))}
            </SelectField>
            <TextField label={t('grants:web.recs.note')} value={note} onChange={(e) => setNote(e.target.value)} />
            <button type="submit" className="btn" disabled={submit.busy}>
              {t('grants:web.recs.saveImplementation')}
            </button>
          </form>
        )}
      </div>
    </section>
  )
}
