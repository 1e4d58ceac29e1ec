import { useCallback, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useUpdateUserMutation, useUsersPaged } from '../../api/users.js'
import { csvHref, searchCouncils } from '../../api/console.js'
import { SearchCombobox, type Option } from '../../components/search-combobox.js'
import { is } from '../../../../shared/domain.js'
import { ROLES } from '../../../../shared/permissions.js'
import { useCouncilMap } from '../../api/directory.js'
import { formatDate, personName, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { AdminUser, Role } from '../../lib/types.js'
import { Checkbox, errFor } from '../../components/field.js'
import { More } from '../../components/more.js'
import { Empty, ErrorBox, Notice } from '../../components/status.js'

/** Admins: find people, change their roles and councils, disable accounts (audit-logged by the server). */
export function Users() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('moderation.users'))
  const [role, setRole] = useState('')
  const [q, setQ] = useState('')
  const [query, setQuery] = useState({ role: '', q: '' })
  const [editing, setEditing] = useState<string | null>(null)
  const list = useUsersPaged({ q: query.q, role: is(ROLES, query.role) ? query.role : undefined, limit: 30 })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setQuery({ role, q: q.trim() })
  }
  return (
    <section aria-labelledby="u-h">
      <h2 id="u-h">{t('moderation.users')}</h2>
      <form className="filters" role="search" onSubmit={submit} aria-label={t('moderation.findUsers')}>
        <div className="field">
          <label htmlFor="u-q">{t('moderation.userQuery')}</label>
          <input id="u-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="u-role">{t('moderation.role')}</label>
          <select id="u-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t('moderation.allRoles')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button className="btn btn-primary">{t('councils.find')}</button>
      </form>
      <p>
        <a
          className="btn btn-small"
          href={csvHref('/users.csv', { role: query.role || undefined, q: query.q || undefined, lng })}
          download
        >
          {t('console.csv')}
        </a>
      </p>
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('moderation.noUsers')}</Empty>}
      <ul className="user-list">
        {list.items.map((u) => (
          <li key={u.id} className="card">
            <div className="card-body">
              <p>
                <strong>{personName(u.displayName, t)}</strong> · {u.email}{' '}
                {u.disabled && <span className="badge badge-danger">{t('moderation.disabled')}</span>}
              </p>
              <p className="meta">
                {u.roles.map((r) => t(`role.${r}`)).join(', ')} · {t('profile.since')}: {formatDate(u.createdAt, lng)}
                {u.lastActiveAt && (
                  <>
                    {' '}
                    · {t('moderation.lastActive')}: {formatDate(u.lastActiveAt, lng)}
                  </>
                )}
              </p>
              {editing === u.id ? (
                <EditUser user={u} onDone={() => setEditing(null)} />
              ) : (
                <button type="button" className="btn btn-small" onClick={() => setEditing(u.id)}>
                  {t('moderation.edit')}
                  <span className="sr-only">: {personName(u.displayName, t)}</span>
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <More list={list} />
    </section>
  )
}

function EditUser({ user, onDone }: { user: AdminUser; onDone(): void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const councils = useCouncilMap()
  const [roles, setRoles] = useState<Role[]>(user.roles)
  const [councilIds, setCouncilIds] = useState<string[]>(user.councilIds)
  // Names of councils picked in this form (the directory may not hold a just-found one yet).
  const [picked, setPicked] = useState<Record<string, string>>({})
  const searchCouncilOptions = useCallback(
    async (q: string, signal: AbortSignal): Promise<Option[]> =>
      (await searchCouncils(q, signal)).map((c) => ({
        id: c.id,
        label: pick(c.name, lng),
        detail: pick(c.stateBody, lng),
      })),
    [lng],
  )
  const councilName = (id: string) =>
    picked[id] ?? (councils.get(id) ? pick(councils.get(id)!.name, lng) : t('console.unknownCouncil'))
  const [disabled, setDisabled] = useState(user.disabled)
  const [ok, setOk] = useState(false)
  const s = useSubmit()
  const update = useUpdateUserMutation()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // The users list refreshes from the cache's invalidation.
    const r = await s.run(() => update.mutateAsync({ params: { id: user.id }, body: { roles, councilIds, disabled } }))
    if (r) {
      setOk(true)
      onDone()
    }
  }
  return (
    <form className="form" onSubmit={submit}>
      <ErrorBox error={s.error} />
      <fieldset>
        <legend>{t('moderation.roles')}</legend>
        {ROLES.map((r) => (
          <Checkbox
            key={r}
            label={t(`role.${r}`)}
            checked={roles.includes(r)}
            onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
          />
        ))}
        {errFor(s.fields, 'roles') && <span className="field-error">{errFor(s.fields, 'roles')}</span>}
      </fieldset>
      <fieldset>
        <legend>{t('console.councils')}</legend>
        {councilIds.length === 0 ? (
          <p className="muted">{t('console.noCouncils')}</p>
        ) : (
          <ul className="chips" aria-label={t('console.councils')}>
            {councilIds.map((id) => (
              <li key={id} className="chip">
                <span>{councilName(id)}</span>
                <button
                  type="button"
                  className="btn-link"
                  onClick={() => setCouncilIds(councilIds.filter((c) => c !== id))}
                >
                  {t('console.remove')}
                  <span className="sr-only">: {councilName(id)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <SearchCombobox
          label={t('console.addCouncil')}
          hint={t('console.addCouncilHint')}
          search={searchCouncilOptions}
          onPick={(o) => {
            setPicked((p) => ({ ...p, [o.id]: o.label }))
            if (!councilIds.includes(o.id)) setCouncilIds([...councilIds, o.id])
          }}
        />
        {errFor(s.fields, 'councilIds') && <span className="field-error">{errFor(s.fields, 'councilIds')}</span>}
      </fieldset>
      <Checkbox
        label={t('moderation.disableAccount')}
        checked={disabled}
        onChange={(e) => setDisabled(e.target.checked)}
      />
      <p className="actions">
        <button className="btn btn-primary" disabled={s.busy}>
          {t('profile.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('moderation.cancel')}
        </button>
      </p>
      {ok && <Notice kind="success">{t('profile.saved')}</Notice>}
    </form>
  )
}
