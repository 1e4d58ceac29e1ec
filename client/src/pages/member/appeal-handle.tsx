import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api } from '../../lib/api.js'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useLoad, useTitle } from '../../lib/hooks.js'
import type { Appeal } from '../../lib/types.js'
import { AppealView } from '../../components/appeal-view.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

/** One appeal for the council: the thread with the answer form, status change, extension. */
export function AppealHandle({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const { appealId = '' } = useParams()
  const a = useLoad((signal) => api<Appeal>(`/appeals/${appealId}`, { signal }), [appealId])
  useTitle(a.data?.trackingNumber)
  if (a.loading && !a.data) return <Loading />
  if (!a.data) return <ErrorBox error={a.error} />
  return (
    <>
      <p>
        <Link to={`/member/councils/${councilId}/appeals`}>← {t('member.appeals')}</Link>
      </p>
      <AppealView appeal={a.data} role="council" onChange={a.setData} />
      <StatusForm appeal={a.data} onDone={a.setData} />
      <ExtendForm appeal={a.data} onDone={a.setData} />
    </>
  )
}

function StatusForm({ appeal, onDone }: { appeal: Appeal; onDone(a: Appeal): void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const councils = useCouncils()
  const others = useMemo(
    () =>
      councils
        .filter((c) => c.id !== appeal.councilId)
        .sort((x, y) => pick(x.name, lng).localeCompare(pick(y.name, lng), lng)),
    [councils, appeal.councilId, lng],
  )
  const [status, setStatus] = useState('in_progress')
  const [reason, setReason] = useState('')
  const [target, setTarget] = useState('')
  const [ok, setOk] = useState(false)
  const s = useSubmit()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setOk(false)
    const body: Record<string, string> = { status }
    if (reason.trim()) body.reason = reason.trim()
    if (status === 'redirected') body.councilId = target
    const r = await s.run(async () => {
      const res = await api<Appeal | undefined>(`/appeals/${appeal.id}/status`, { method: 'PATCH', body })
      return res && 'id' in res ? res : await api<Appeal>(`/appeals/${appeal.id}`)
    })
    if (r) {
      onDone(r)
      setOk(true)
    }
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="st-h">
      <h3 id="st-h">{t('member.changeStatus')}</h3>
      <ErrorBox error={s.error} />
      <SelectField
        label={t('member.newStatus')}
        value={status}
        onChange={(e) => setStatus(e.target.value)}
        error={errFor(s.fields, 'status')}
      >
        {['in_progress', 'closed', 'rejected', 'redirected'].map((x) => (
          <option key={x} value={x}>
            {t(`appealStatus.${x}`)}
          </option>
        ))}
      </SelectField>
      {status === 'redirected' && (
        <SelectField
          label={t('member.redirectTo')}
          required
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          error={errFor(s.fields, 'councilId')}
        >
          <option value="">{t('appeal.chooseCouncil')}</option>
          {others.map((c) => (
            <option key={c.id} value={c.id}>
              {pick(c.name, lng)}
            </option>
          ))}
        </SelectField>
      )}
      <TextArea
        label={t('appeal.reason')}
        rows={2}
        required={status === 'rejected' || status === 'redirected'}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={errFor(s.fields, 'reason')}
      />
      <p>
        <button className="btn" disabled={s.busy}>
          {t('member.apply')}
        </button>
      </p>
      {ok && <Notice kind="success">{t('member.statusChanged')}</Notice>}
    </form>
  )
}

function ExtendForm({ appeal, onDone }: { appeal: Appeal; onDone(a: Appeal): void }) {
  const { t } = useTranslation()
  const [reason, setReason] = useState('')
  const [dueAt, setDueAt] = useState('')
  const s = useSubmit()
  if (appeal.extension || !appeal.dueAt || !['submitted', 'in_progress', 'redirected'].includes(appeal.status))
    return null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await s.run(async () => {
      await api(`/appeals/${appeal.id}/extend`, { body: { reason: reason.trim(), ...(dueAt ? { dueAt } : {}) } })
      return api<Appeal>(`/appeals/${appeal.id}`)
    })
    if (r) onDone(r)
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="ext-h">
      <h3 id="ext-h">{t('member.extend')}</h3>
      <p className="hint">{t('member.extendHint')}</p>
      <ErrorBox error={s.error} />
      <TextArea
        label={t('appeal.reason')}
        required
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={errFor(s.fields, 'reason')}
      />
      <TextField
        label={t('member.newDueDate')}
        type="date"
        value={dueAt}
        onChange={(e) => setDueAt(e.target.value)}
        error={errFor(s.fields, 'dueAt')}
      />
      <p>
        <button className="btn" disabled={s.busy}>
          {t('member.extendButton')}
        </button>
      </p>
    </form>
  )
}
