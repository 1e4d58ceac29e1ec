import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { addPracticeImage, moderatePractice, proposePractice, useProposals } from '../../api/practices.js'
import { SelectField, TextArea, TextField } from '../../components/field.js'
import { LangColumns } from '../../components/lang-columns.js'
import { More } from '../../components/more.js'
import { ErrorBox, Notice } from '../../components/status.js'
import { useCouncilMap } from '../../api/directory.js'
import { useSubmit } from '../../lib/form.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import './grant.css'

const THIS_YEAR = new Date(Date.now() + 5 * 3600_000).getUTCFullYear()

/** Council members propose their councils' practices (with a picture); moderators approve or reject them. */
export default function PracticesManagePage() {
  const { t } = useTranslation()
  useTitle(t('practices:web.manage'))
  const { user } = useSession()
  const moderator = hasRole(user, 'moderator', 'admin')
  return (
    <>
      <h1>{t('practices:web.manage')}</h1>
      {hasRole(user, 'council_member', 'moderator', 'admin') ? (
        <>
          <ProposeForm />
          {moderator && <Review />}
        </>
      ) : (
        <p>{t('practices:web.membersOnly')}</p>
      )}
    </>
  )
}

function ProposeForm() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const councils = useCouncilMap()
  const mine = hasRole(user, 'moderator', 'admin') ? [...councils.keys()] : (user?.councilIds ?? [])
  const [councilId, setCouncilId] = useState('')
  const [title, setTitle] = useState({ kk: '', ru: '' })
  const [summary, setSummary] = useState({ kk: '', ru: '' })
  const [file, setFile] = useState<File | null>(null)
  const [done, setDone] = useState(false)
  const s = useSubmit()
  const clean = (v: { kk: string; ru: string }) => ({ ...(v.kk ? { kk: v.kk } : {}), ...(v.ru ? { ru: v.ru } : {}) })
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const created = await s.run(async () => {
      const p = await proposePractice({
        councilId: councilId || mine[0],
        year: THIS_YEAR,
        title: clean(title),
        summary: clean(summary),
      })
      if (file) await addPracticeImage(p.id, file)
      return p
    })
    if (created) {
      setDone(true)
      setTitle({ kk: '', ru: '' })
      setSummary({ kk: '', ru: '' })
      setFile(null)
    }
  }
  return (
    <section aria-labelledby="propose-title">
      <h2 id="propose-title">{t('practices:web.propose')}</h2>
      {done && <Notice kind="success">{t('practices:web.proposed')}</Notice>}
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          label={t('practices:web.council')}
          required
          value={councilId || mine[0] || ''}
          onChange={(e) => setCouncilId(e.target.value)}
        >
          {mine.map((id) => (
            <option key={id} value={id}>
              {pick(councils.get(id)?.name, lng) || id}
            </option>
          ))}
        </SelectField>
        <LangColumns>
          {(l) => (
            <>
              <TextField
                label={t('practices:web.titleField')}
                value={title[l]}
                maxLength={200}
                onChange={(e) => setTitle({ ...title, [l]: e.target.value })}
                error={s.fields[`title.${l}`] ?? s.fields.title}
              />
              <TextArea
                label={t('practices:web.summaryField')}
                rows={5}
                value={summary[l]}
                onChange={(e) => setSummary({ ...summary, [l]: e.target.value })}
                error={s.fields[`summary.${l}`] ?? s.fields.summary}
              />
            </>
          )}
        </LangColumns>
        <div className="field">
          <label htmlFor="bp-image">{t('practices:web.image')}</label>
          <input
            id="bp-image"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <button className="btn btn-primary" type="submit" disabled={s.busy}>
          {t('practices:web.send')}
        </button>
      </form>
    </section>
  )
}

function Review() {
  const { t } = useTranslation()
  const lng = useLang()
  const list = useProposals(true)
  const s = useSubmit()
  const [reasons, setReasons] = useState<Record<string, string>>({})
  const decide = async (id: string, status: 'approved' | 'rejected') => {
    if (await s.run(() => moderatePractice(id, { status, ...(status === 'rejected' ? { reason: reasons[id] } : {}) })))
      list.reload()
  }
  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title">{t('practices:web.review')}</h2>
      <ErrorBox error={s.error} />
      {!list.loading && list.items.length === 0 && <p className="muted">{t('practices:web.empty')}</p>}
      <ul className="practice-list">
        {list.items.map((p) => (
          <li key={p.id} className="card card-pad">
            <h3 className="card-title">{pick(p.title, lng)}</h3>
            <p className="meta">{pick(p.councilName, lng)}</p>
            <p className="prewrap">{pick(p.summary, lng)}</p>
            <TextField
              label={t('practices:web.reason')}
              value={reasons[p.id] ?? ''}
              onChange={(e) => setReasons({ ...reasons, [p.id]: e.target.value })}
            />
            <div className="compendium-links">
              <button className="btn btn-primary" type="button" onClick={() => void decide(p.id, 'approved')}>
                {t('practices:web.approve')}
              </button>
              <button
                className="btn"
                type="button"
                disabled={!reasons[p.id]?.trim()}
                onClick={() => void decide(p.id, 'rejected')}
              >
                {t('practices:web.reject')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <More list={list} />
    </section>
  )
}
