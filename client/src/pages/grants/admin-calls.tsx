import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { grantsApi, useCalls, useExperts } from '../../api/grants.js'
import { formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import type { Lang } from '../../lib/types.js'
import { Checkbox, errFor, TextArea, TextField } from '../../components/field.js'
import { LangColumns } from '../../components/lang-columns.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'
import { TengeInput } from './parts.js'
import { TableRegion } from '../../components/table-region.js'

type Text = { kk: string; ru: string }
const clean = (v: Text) => Object.fromEntries(Object.entries(v).filter(([, s]) => s.trim())) as Text

/** The programme operator's calls, and the form that opens a new one (as a draft). */
export default function AdminCalls() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user, loading } = useSession()
  useTitle(t('grants:web.admin.title'))
  const calls = useCalls({})
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('grants:web.admin.title')} />
  if (!hasRole(user, 'admin')) return <Empty>{t('grants:web.admin.notAdmin')}</Empty>
  return (
    <>
      <h1>{t('grants:web.admin.title')}</h1>
      <ErrorBox error={calls.error} />
      {calls.data && calls.data.items.length === 0 && <Empty>{t('grants:web.admin.noCalls')}</Empty>}
      {calls.data && calls.data.items.length > 0 && (
        <TableRegion label={t('grants:web.admin.title')}>
          <table className="table">
            <caption className="sr-only">{t('grants:web.admin.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grants:web.title')}</th>
                <th scope="col">{t('grants:web.year')}</th>
                <th scope="col">{t('grants:web.admin.deadline')}</th>
                <th scope="col">{t('grants:web.statusLabel')}</th>
                <th scope="col">{t('grants:web.admin.awarded')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/grants/admin/calls/${c.id}`}>{pick(c.title, lng)}</Link>
                  </td>
                  <td>{c.year}</td>
                  <td>{formatDate(c.closesAt, lng, true)}</td>
                  <td>{t(`grants:status.${c.status}`)}</td>
                  <td>
                    {c.awardedCount}/{c.grantsCount} · {formatTenge(c.awardedTiyn)} / {formatTenge(c.budgetTiyn)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <NewCall />
    </>
  )
}

function NewCall() {
  const { t } = useTranslation()
  const nav = useNavigate()
  const experts = useExperts()
  const submit = useSubmit()
  const year = new Date().getFullYear()
  const [title, setTitle] = useState<Text>({ kk: '', ru: '' })
  const [description, setDescription] = useState<Text>({ kk: '', ru: '' })
  const [grantsCount, setGrantsCount] = useState('10')
  const [maxAmount, setMaxAmount] = useState<number | null>(500_000_00)
  const [budget, setBudget] = useState<number | null>(5_000_000_00)
  const [opensAt, setOpensAt] = useState('')
  const [closesAt, setClosesAt] = useState('')
  const [criteria, setCriteria] = useState([{ title: { kk: '', ru: '' } as Text, weight: '1' }])
  const [expertIds, setExpertIds] = useState<string[]>([])
  async function create(e: FormEvent) {
    e.preventDefault()
    const c = await submit.run(() =>
      grantsApi.createCall({
        year,
        title: clean(title),
        description: clean(description),
        grantsCount: Number(grantsCount),
        maxAmountTiyn: maxAmount ?? 0,
        budgetTiyn: budget ?? 0,
        opensAt: opensAt ? new Date(opensAt).toISOString() : '',
        closesAt: closesAt ? new Date(closesAt).toISOString() : '',
        criteria: criteria.map((k, i) => ({ key: `c${i + 1}`, title: clean(k.title), weight: Number(k.weight) })),
        expertIds,
      }),
    )
    if (c) nav(`/grants/admin/calls/${c.id}`)
  }
  return (
    <section aria-labelledby="new-call">
      <h2 id="new-call">{t('grants:web.admin.newCall')}</h2>
      <ErrorBox error={submit.error} />
      <form className="form form-wide" onSubmit={create} noValidate>
        <LangColumns>
          {(l: Lang) => (
            <>
              <TextField
                label={t('grants:web.title')}
                value={title[l]}
                error={errFor(submit.fields, `title.${l}`, 'title')}
                onChange={(e) => setTitle({ ...title, [l]: e.target.value })}
              />
              <TextArea
                label={t('grants:web.admin.description')}
                value={description[l]}
                error={errFor(submit.fields, `description.${l}`, 'description')}
                onChange={(e) => setDescription({ ...description, [l]: e.target.value })}
              />
            </>
          )}
        </LangColumns>
        <TextField
          type="number"
          min={1}
          label={t('grants:web.admin.grantsCount')}
          value={grantsCount}
          error={errFor(submit.fields, 'grantsCount')}
          onChange={(e) => setGrantsCount(e.target.value)}
        />
        <TengeInput
          id="max-amount"
          label={t('grants:web.admin.maxAmount')}
          tiyn={maxAmount}
          onChange={setMaxAmount}
          error={errFor(submit.fields, 'maxAmountTiyn')}
        />
        <TengeInput
          id="budget"
          label={t('grants:web.admin.budget')}
          tiyn={budget}
          onChange={setBudget}
          error={errFor(submit.fields, 'budgetTiyn')}
        />
        <TextField
          type="datetime-local"
          label={t('grants:web.admin.opensAt')}
          value={opensAt}
          error={errFor(submit.fields, 'opensAt')}
          onChange={(e) => setOpensAt(e.target.value)}
        />
        <TextField
          type="datetime-local"
          label={t('grants:web.admin.deadline')}
          value={closesAt}
          error={errFor(submit.fields, 'closesAt')}
          onChange={(e) => setClosesAt(e.target.value)}
        />
        <fieldset>
          <legend>{t('grants:web.admin.criteria')}</legend>
          {criteria.map((c, i) => (
            <div key={i} className="form-inline">
              <TextField
                label={t('grants:web.admin.criterionKk', { n: i + 1 })}
                lang="kk"
                value={c.title.kk}
                onChange={(e) =>
                  setCriteria(
                    criteria.map((x, j) => (j === i ? { ...x, title: { ...x.title, kk: e.target.value } } : x)),
                  )
                }
              />
              <TextField
                label={t('grants:web.admin.criterionRu', { n: i + 1 })}
                lang="ru"
                value={c.title.ru}
                onChange={(e) =>
                  setCriteria(
                    criteria.map((x, j) => (j === i ? { ...x, title: { ...x.title, ru: e.target.value } } : x)),
                  )
                }
              />
              <TextField
                type="number"
                min={1}
                max={100}
                label={t('grants:web.admin.weight', { n: i + 1 })}
                value={c.weight}
                onChange={(e) => setCriteria(criteria.map((x, j) => (j === i ? { ...x, weight: e.target.value } : x)))}
              />
            </div>
          ))}
          {errFor(submit.fields, 'criteria') && <p className="field-error">{errFor(submit.fields, 'criteria')}</p>}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setCriteria([...criteria, { title: { kk: '', ru: '' }, weight: '1' }])}
          >
            {t('grants:web.admin.addCriterion')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('grants:web.admin.experts')}</legend>
          {experts.data?.items.length === 0 && <p className="muted">{t('grants:web.admin.noExperts')}</p>}
          {experts.data?.items.map((u) => (
            <Checkbox
              key={u.id}
              label={`${u.displayName} (${u.email})`}
              checked={expertIds.includes(u.id)}
              onChange={(e) =>
                setExpertIds(e.target.checked ? [...expertIds, u.id] : expertIds.filter((x) => x !== u.id))
              }
            />
          ))}
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={submit.busy}>
          {t('grants:web.admin.create')}
        </button>
      </form>
    </section>
  )
}
