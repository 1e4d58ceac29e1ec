import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { useAppealQuery, useAppealStatusMutation, useExtendAppealMutation } from '../../api/appeals.js'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { Appeal } from '../../lib/types.js'
import { is, OPEN_STATUSES, STAFF_STATUSES, type StaffStatus } from '../../../../shared/domain.js'
import { AppealView } from '../../components/appeal-view.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

/** One appeal for the council: the thread with the answer form, status change, extension. */
export function AppealHandle({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const { appealId = '' } = useParams()
  const a = useAppealQuery(appealId)
  useTitle(a.data?.trackingNumber)
  if (a.isLoading) return <Loading />
  if (!a.data) return <ErrorBox error={a.error} />
  return (
    <>
      <p>
        <Link to={`/member/councils/${councilId}/appeals`}>← {t('member.appeals')}</Link>
      </p>
      <AppealView appeal={a.data} role="council" />
      <StatusForm appeal={a.data} />
      <ExtendForm appeal={a.data} />
    </>
  )
}

function StatusForm({ appeal }: { appeal: Appeal }) {
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
  const [status, setStatus] = useState<StaffStatus>('in_progress')
  const [reason, setReason] = useState('')
  const [target, setTarget] = useState('')
  const [ok, setOk] = useState(false)
  const s = useSubmit()
  const change = useAppealStatusMutation(appeal.id)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setOk(false)
    const r = await s.run(() =>
      change.mutateAsync({
        status,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(status === 'redirected' ? { councilId: target } : {}),
      }),
    )
    if (r) setOk(true)
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="st-h">
      <h3 id="st-h">{t('member.changeStatus')}</h3>
      <ErrorBox error={s.error} />
      <SelectField
        label={t('member.newStatus')}
        value={status}
        onChange={(e) => is(STAFF_STATUSES, e.target.value) && setStatus(e.target.value)}
        error={errFor(s.fields, 'status')}
      >
        {STAFF_STATUSES.map((x) => (
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

function ExtendForm({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation()
  const [reason, setReason] = useState('')
  const [dueAt, setDueAt] = useState('')
  const s = useSubmit()
  const extend = useExtendAppealMutation(appeal.id)
  if (appeal.extension || !appeal.dueAt || !is(OPEN_STATUSES, appeal.status)) return null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // The appeal on screen refreshes from the cache (useAppealChanged).
    await s.run(() => extend.mutateAsync({ reason: reason.trim(), ...(dueAt ? { dueAt } : {}) }))
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
