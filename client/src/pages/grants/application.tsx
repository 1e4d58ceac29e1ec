import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { grantsApi, useApplication, useCall, type Application } from '../../api/grants.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { Lang } from '../../lib/types.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { LangColumns } from '../../components/lang-columns.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'
import { Files, TengeInput, fromDateInput, toDateInput } from './parts.js'

type Text = { kk: string; ru: string }
interface Draft {
  councilId: string
  title: Text
  stateBody: Text
  subject: Text
  plan: { title: string; dueAt: string }[]
  budget: { item: string; amountTiyn: number | null }[]
}
const emptyText = (): Text => ({ kk: '', ru: '' })
const clean = (v: Text) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.trim())) as Text
const fromApp = (a: Application): Draft => ({
  councilId: a.councilId,
  title: { kk: a.title.kk ?? '', ru: a.title.ru ?? '' },
  stateBody: { kk: a.stateBody.kk ?? '', ru: a.stateBody.ru ?? '' },
  subject: { kk: a.subject.kk ?? '', ru: a.subject.ru ?? '' },
  plan: a.plan.map((p) => ({ title: p.title, dueAt: toDateInput(p.dueAt) })),
  budget: a.budget.map((b) => ({ item: b.item, amountTiyn: b.amountTiyn })),
})

/**
 * A council's application: a new draft (`/grants/apply/:callId`) or an existing one
 * (`/grants/applications/:id`): edit while a draft, submit before the deadline, withdraw.
 */
export default function ApplicationPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const nav = useNavigate()
  const { callId: newFor, id } = useParams()
  const { user, loading } = useSession()
  const councils = useCouncilMap()
  const existing = useApplication(id)
  const app = existing.data
  const call = useCall(newFor ?? app?.callId ?? '')
  const [draft, setDraft] = useState<Draft | null>(null)
  const submit = useSubmit()
  const [done, setDone] = useState('')
  useTitle(t('grants:web.application.title'))

  useEffect(() => {
    if (app) setDraft(fromApp(app))
    else if (newFor && user && !draft)
      setDraft({
        councilId: user.councilIds[0] ?? '',
        title: emptyText(),
        stateBody: emptyText(),
        subject: emptyText(),
        plan: [{ title: '', dueAt: '' }],
        budget: [{ item: '', amountTiyn: null }],
      })
  }, [app, newFor, user])

  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('grants:web.application.title')} />
  if (existing.error) return <ErrorBox error={existing.error} />
  if (!draft || (id && !app)) return <Loading />
  const editable = !app || app.status === 'draft'
  const total = draft.budget.reduce((s, b) => s + (b.amountTiyn ?? 0), 0)
  const max = call.data?.maxAmountTiyn
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch })
  const body = () => ({
    title: clean(draft.title),
    stateBody: clean(draft.stateBody),
    subject: clean(draft.subject),
    plan: draft.plan.map((p) => ({ title: p.title, dueAt: fromDateInput(p.dueAt) })),
    budget: draft.budget.map((b) => ({ item: b.item, amountTiyn: b.amountTiyn ?? 0 })),
  })

  async function save(e: FormEvent) {
    e.preventDefault()
    setDone('')
    const saved = await submit.run(() =>
      app
        ? grantsApi.updateApplication(app.id, { ...body(), version: app.version })
        : grantsApi.createApplication(newFor!, { councilId: draft!.councilId, ...body() }),
    )
    if (!saved) return
    setDone(t('grants:web.application.saved'))
    if (app) existing.setData(saved)
    else nav(`/grants/applications/${saved.id}`, { replace: true })
  }
  async function move(kind: 'submit' | 'withdraw') {
    if (!app) return
    setDone('')
    const r = await submit.run(() =>
      kind === 'submit'
        ? grantsApi.submitApplication(app.id, app.version)
        : grantsApi.withdrawApplication(app.id, app.version),
    )
    if (r) {
      existing.setData(r)
      setDone(
        t(kind === 'submit' ? 'grants:web.application.submittedNotice' : 'grants:web.application.withdrawnNotice'),
      )
    }
  }
  const textFields = (key: 'title' | 'stateBody' | 'subject', area = false) => (
    <LangColumns>
      {(l: Lang) =>
        area ? (
          <TextArea
            label={t(`grants:web.${key}`)}
            value={draft[key][l]}
            disabled={!editable}
            error={errFor(submit.fields, `${key}.${l}`, key)}
            onChange={(e) => set({ [key]: { ...draft[key], [l]: e.target.value } })}
          />
        ) : (
          <TextField
            label={t(`grants:web.${key}`)}
            value={draft[key][l]}
            disabled={!editable}
            error={errFor(submit.fields, `${key}.${l}`, key)}
            onChange={(e) => set({ [key]: { ...draft[key], [l]: e.target.value } })}
          />
        )
      }
    </LangColumns>
  )

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/grants/mine">{t('grants:web.mine.title')}</Link>
      </p>
      <h1>{app ? pick(app.title, lng) || t('grants:web.application.title') : t('grants:web.application.new')}</h1>
      {call.data && (
        <p>
          {pick(call.data.title, lng)} ·{' '}
          {t('grants:web.application.deadline', { date: formatDate(call.data.closesAt, lng, true) })}
        </p>
      )}
      {app && (
        <p>
          {t('grants:web.statusLabel')}: <strong>{t(`grants:status.${app.status}`)}</strong>
          {app.awardId && (
            <>
              {' · '}
              <Link to={`/grants/awards/${app.awardId}`}>{t('grants:web.mine.reports')}</Link>
            </>
          )}
        </p>
      )}
      <ErrorBox error={submit.error} />
      {done && <Notice kind="success">{done}</Notice>}
      <form className="form form-wide" onSubmit={save} noValidate>
        {!app && (
          <SelectField
            label={t('grants:web.council')}
            value={draft.councilId}
            required
            error={errFor(submit.fields, 'councilId')}
            onChange={(e) => set({ councilId: e.target.value })}
          >
            {user.councilIds.map((c) => (
              <option key={c} value={c}>
                {councils.get(c) ? pick(councils.get(c)!.name, lng) : c}
              </option>
            ))}
          </SelectField>
        )}
        {textFields('title')}
        {textFields('stateBody')}
        {textFields('subject', true)}
        <fieldset>
          <legend>{t('grants:web.plan')}</legend>
          {draft.plan.map((p, i) => (
            <div key={i} className="form-inline">
              <TextField
                label={t('grants:web.application.milestone', { n: i + 1 })}
                value={p.title}
                disabled={!editable}
                error={errFor(submit.fields, `plan.${i}.title`)}
                onChange={(e) =>
                  set({ plan: draft.plan.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) })
                }
              />
              <TextField
                type="date"
                label={t('grants:web.application.milestoneDate', { n: i + 1 })}
                value={p.dueAt}
                disabled={!editable}
                error={errFor(submit.fields, `plan.${i}.dueAt`)}
                onChange={(e) =>
                  set({ plan: draft.plan.map((x, j) => (j === i ? { ...x, dueAt: e.target.value } : x)) })
                }
              />
            </div>
          ))}
          {editable && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => set({ plan: [...draft.plan, { title: '', dueAt: '' }] })}
            >
              {t('grants:web.application.addMilestone')}
            </button>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('grants:web.budget')}</legend>
          {draft.budget.map((b, i) => (
            <div key={i} className="form-inline">
              <TextField
                label={t('grants:web.application.line', { n: i + 1 })}
                value={b.item}
                disabled={!editable}
                error={errFor(submit.fields, `budget.${i}.item`)}
                onChange={(e) =>
                  set({ budget: draft.budget.map((x, j) => (j === i ? { ...x, item: e.target.value } : x)) })
                }
              />
              {editable ? (
                <TengeInput
                  id={`budget-${i}`}
                  label={t('grants:web.application.lineAmount', { n: i + 1 })}
                  tiyn={b.amountTiyn}
                  error={errFor(submit.fields, `budget.${i}.amountTiyn`)}
                  onChange={(v) => set({ budget: draft.budget.map((x, j) => (j === i ? { ...x, amountTiyn: v } : x)) })}
                />
              ) : (
                <p>{formatTenge(b.amountTiyn ?? 0)}</p>
              )}
            </div>
          ))}
          {editable && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => set({ budget: [...draft.budget, { item: '', amountTiyn: null }] })}
            >
              {t('grants:web.application.addLine')}
            </button>
          )}
          <p aria-live="polite" className={max != null && total > max ? 'field-error' : undefined}>
            {t('grants:web.application.total', { total: formatTenge(total) })}
            {max != null && <> · {t('grants:web.application.max', { max: formatTenge(max) })}</>}
          </p>
          {errFor(submit.fields, 'budget') && <p className="field-error">{errFor(submit.fields, 'budget')}</p>}
        </fieldset>
        {app && (
          <Files
            label={t('grants:web.files.attachments')}
            files={app.attachments}
            upload={
              app.status === 'draft'
                ? async (files) => {
                    const r = await submit.run(() => grantsApi.attachToApplication(app.id, files))
                    if (r) existing.setData(r)
                  }
                : undefined
            }
          />
        )}
        <div className="actions">
          {editable && (
            <button type="submit" className="btn" disabled={submit.busy}>
              {t('grants:web.application.save')}
            </button>
          )}
          {app?.status === 'draft' && (
            <button type="button" className="btn btn-primary" disabled={submit.busy} onClick={() => move('submit')}>
              {t('grants:web.application.submit')}
            </button>
          )}
          {app && (app.status === 'draft' || app.status === 'submitted') && (
            <button type="button" className="btn btn-danger" disabled={submit.busy} onClick={() => move('withdraw')}>
              {t('grants:web.application.withdraw')}
            </button>
          )}
        </div>
      </form>
    </>
  )
}
