import { useCallback, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { csvHref, searchUsers, useAuditPaged } from '../../api/console.js'
import { formatDate } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { More } from '../../components/more.js'
import { SearchCombobox, type Option } from '../../components/search-combobox.js'
import { Empty } from '../../components/status.js'

/** A day picked in the page (Almaty, UTC+5 all year) → the instant it starts. */
const dayStart = (day: string) => `${day}T00:00:00+05:00`
const nextDayStart = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return dayStart(d.toISOString().slice(0, 10))
}

interface Filters {
  actor: Option | null
  action: string
  targetKind: string
  targetId: string
  from: string
  to: string
}
const EMPTY: Filters = { actor: null, action: '', targetKind: '', targetId: '', from: '', to: '' }

/** Admins: the audit log with filters (who, what, on which object, when), paging and CSV. */
export function AuditLog() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('console.audit'))
  const [form, setForm] = useState<Filters>(EMPTY)
  const [applied, setApplied] = useState<Filters>(EMPTY)
  const query = {
    actorId: applied.actor?.id,
    action: applied.action || undefined,
    targetKind: applied.targetKind || undefined,
    targetId: applied.targetId || undefined,
    from: applied.from ? dayStart(applied.from) : undefined,
    to: applied.to ? nextDayStart(applied.to) : undefined,
  }
  const list = useAuditPaged({ ...query, limit: 30 })
  const searchActors = useCallback(
    async (q: string, signal: AbortSignal): Promise<Option[]> =>
      (await searchUsers(q, signal)).map((u) => ({ id: u.id, label: u.displayName, detail: u.email })),
    [],
  )
  const set = (patch: Partial<Filters>) => setForm((f) => ({ ...f, ...patch }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setApplied({
      ...form,
      action: form.action.trim(),
      targetKind: form.targetKind.trim(),
      targetId: form.targetId.trim(),
    })
  }
  return (
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">{t('console.audit')}</h2>
      <form className="filters" role="search" aria-label={t('console.auditFilters')} onSubmit={submit}>
        <div className="field">
          {form.actor ? (
            <>
              <span className="label">{t('console.actor')}</span>
              <p className="chip">
                <span data-testid="actor">
                  {form.actor.label} · {form.actor.detail}
                </span>
                <button type="button" className="btn-link" onClick={() => set({ actor: null })}>
                  {t('console.remove')}
                  <span className="sr-only">: {form.actor.label}</span>
                </button>
              </p>
            </>
          ) : (
            <SearchCombobox label={t('console.actor')} search={searchActors} onPick={(o) => set({ actor: o })} />
          )}
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t('console.action')}</label>
          <input id="audit-action" value={form.action} onChange={(e) => set({ action: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-kind">{t('console.targetKind')}</label>
          <input id="audit-kind" value={form.targetKind} onChange={(e) => set({ targetKind: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-target">{t('console.targetId')}</label>
          <input id="audit-target" value={form.targetId} onChange={(e) => set({ targetId: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t('console.from')}</label>
          <input id="audit-from" type="date" value={form.from} onChange={(e) => set({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t('console.to')}</label>
          <input id="audit-to" type="date" value={form.to} onChange={(e) => set({ to: e.target.value })} />
        </div>
        <button className="btn btn-primary">{t('console.apply')}</button>
      </form>
      <p>
        <a className="btn btn-small" href={csvHref('/audit.csv', { ...query, lng })} download>
          {t('console.csv')}
        </a>
      </p>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('console.noEntries')}</Empty>}
      {list.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('console.audit')}>
          <table className="table audit-table">
            <thead>
              <tr>
                <th scope="col">{t('console.when')}</th>
                <th scope="col">{t('console.actor')}</th>
                <th scope="col">{t('console.action')}</th>
                <th scope="col">{t('console.object')}</th>
                <th scope="col">{t('console.details')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.at}>{formatDate(e.at, lng, true)}</time>
                  </td>
                  <td>{e.actorName ?? (e.actorId ? t('console.unknownUser') : t('console.system'))}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {typeof e.target?.kind === 'string' && <code>{e.target.kind}</code>}{' '}
                    {typeof e.target?.id === 'string' && <span className="small">{e.target.id}</span>}
                  </td>
                  <td className="small prewrap">
                    {Object.entries(e.details ?? {})
                      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                      .join('\n')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <More list={list} />
    </section>
  )
}
