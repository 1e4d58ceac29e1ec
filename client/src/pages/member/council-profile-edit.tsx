import { useEffect, useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router-dom'
import { useTranslation } from 'react-i18next'
import { useCouncilQuery, useDeleteCouncilMutation, useUpdateCouncilMutation } from '../../api/directory.js'
import type { BodyOf } from '../../api/endpoints.js'
import { useSubmit } from '../../lib/form.js'
import { useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import type { CouncilMember, Lang } from '../../lib/types.js'
import { MEMBER_POSITIONS } from '../../../../shared/domain.js'
import { LangColumns } from '../../components/lang-columns.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

type L = Record<Lang, string>
const L0: L = { kk: '', ru: '' }
const loc = (v: L) => {
  const o: Partial<L> = {}
  if (v.kk.trim()) o.kk = v.kk.trim()
  if (v.ru.trim()) o.ru = v.ru.trim()
  return Object.keys(o).length ? o : undefined
}
interface MemberRow {
  fullName: L
  position: CouncilMember['position']
  userId: string | null
}

/** The public profile a council keeps itself: description, contacts, logo and members. */
export function CouncilProfileEdit({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  useTitle(t('member.profile'))
  const c = useCouncilQuery(councilId)
  const update = useUpdateCouncilMutation(councilId)
  const [desc, setDesc] = useState<L>(L0)
  const [address, setAddress] = useState<L>(L0)
  const [phone, setPhone] = useState('')
  const [email, setEmail] = useState('')
  const [website, setWebsite] = useState('')
  const [members, setMembers] = useState<MemberRow[]>([])
  const [logo, setLogo] = useState<File | null>(null)
  const [ok, setOk] = useState(false)
  const s = useSubmit()
  useEffect(() => {
    const p = c.data
    if (!p) return
    setDesc({ kk: p.description?.kk ?? '', ru: p.description?.ru ?? '' })
    setAddress({ kk: p.contacts?.address?.kk ?? '', ru: p.contacts?.address?.ru ?? '' })
    setPhone(p.contacts?.phone ?? '')
    setEmail(p.contacts?.email ?? '')
    setWebsite(p.contacts?.website ?? '')
    setMembers(
      p.members.map((m) => ({
        fullName: { kk: m.fullName.kk ?? '', ru: m.fullName.ru ?? '' },
        position: m.position,
        userId: m.userId ?? null,
      })),
    )
  }, [c.data])
  if (c.isLoading) return <Loading />
  if (!c.data) return <ErrorBox error={c.error} />
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setOk(false)
    const contacts: NonNullable<BodyOf<'updateCouncil'>['contacts']> = {}
    const addr = loc(address)
    if (addr) contacts.address = addr
    if (phone.trim()) contacts.phone = phone.trim()
    if (email.trim()) contacts.email = email.trim()
    if (website.trim()) contacts.website = website.trim()
    const body = {
      description: loc(desc) ?? null,
      contacts: Object.keys(contacts).length ? contacts : null,
      members: members.flatMap((m) => {
        const fullName = loc(m.fullName)
        return fullName ? [{ fullName, position: m.position, ...(m.userId ? { userId: m.userId } : {}) }] : []
      }),
    }
    // The saved profile replaces the cached one (the form shows it); directory lists refresh.
    const r = await s.run(() => update.mutateAsync({ body, logo }))
    if (r) setOk(true)
  }
  const f = s.fields
  const setMember = (i: number, patch: Partial<MemberRow>) =>
    setMembers(members.map((m, k) => (k === i ? { ...m, ...patch } : m)))
  return (
    <section aria-labelledby="cp-h">
      <h2 id="cp-h">{t('member.profile')}</h2>
      <ErrorBox error={s.error} />
      <form className="form form-wide" onSubmit={submit} noValidate>
        <LangColumns>
          {(l) => (
            <>
              <TextArea
                label={t('council.about')}
                rows={5}
                value={desc[l]}
                onChange={(e) => setDesc({ ...desc, [l]: e.target.value })}
                error={errFor(f, `description.${l}`)}
              />
              <TextField
                label={t('council.address')}
                value={address[l]}
                onChange={(e) => setAddress({ ...address, [l]: e.target.value })}
                error={errFor(f, `contacts.address.${l}`)}
              />
            </>
          )}
        </LangColumns>
        <TextField
          label={t('council.phone')}
          type="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={errFor(f, 'contacts.phone')}
        />
        <TextField
          label={t('council.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errFor(f, 'contacts.email')}
        />
        <TextField
          label={t('council.website')}
          type="url"
          value={website}
          onChange={(e) => setWebsite(e.target.value)}
          error={errFor(f, 'contacts.website')}
        />
        <fieldset>
          <legend>{t('council.members')}</legend>
          {members.map((m, i) => (
            <div key={i} className="member-row" role="group" aria-label={t('member.memberN', { n: i + 1 })}>
              <TextField
                label={t('member.nameKk')}
                lang="kk"
                value={m.fullName.kk}
                onChange={(e) => setMember(i, { fullName: { ...m.fullName, kk: e.target.value } })}
                error={errFor(f, `members.${i}.fullName`)}
              />
              <TextField
                label={t('member.nameRu')}
                lang="ru"
                value={m.fullName.ru}
                onChange={(e) => setMember(i, { fullName: { ...m.fullName, ru: e.target.value } })}
              />
              <SelectField
                label={t('member.position')}
                value={m.position}
                onChange={(e) => setMember(i, { position: e.target.value as MemberRow['position'] })}
              >
                {MEMBER_POSITIONS.map((p) => (
                  <option key={p} value={p}>
                    {t(`position.${p}`)}
                  </option>
                ))}
              </SelectField>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() => setMembers(members.filter((_, k) => k !== i))}
              >
                {t('member.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setMembers([...members, { fullName: { kk: '', ru: '' }, position: 'member', userId: null }])}
          >
            {t('member.addMember')}
          </button>
        </fieldset>
        <div className="field">
          <label htmlFor="council-logo">{t('member.logo')}</label>
          <input
            id="council-logo"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setLogo(e.target.files?.[0] ?? null)}
          />
        </div>
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('profile.save')}
          </button>
        </p>
        {ok && <Notice kind="success">{t('profile.saved')}</Notice>}
      </form>
      <ArchiveCouncil councilId={councilId} />
    </section>
  )
}

/** Admins archive a council (kept, not erased: its history stays). */
function ArchiveCouncil({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const { user } = useSession()
  const nav = useNavigate()
  const s = useSubmit()
  const remove = useDeleteCouncilMutation()
  if (!hasRole(user, 'admin')) return null
  const archive = async () => {
    if (!window.confirm(t('member.confirmArchive'))) return
    const ok = await s.run(async () => {
      await remove.mutateAsync(councilId)
      return true
    })
    if (ok) nav('/councils')
  }
  return (
    <section aria-labelledby="arch-h">
      <h3 id="arch-h">{t('member.archiveTitle')}</h3>
      <p className="hint">{t('member.archiveHint')}</p>
      <ErrorBox error={s.error} />
      <button type="button" className="btn btn-danger" onClick={() => void archive()} disabled={s.busy}>
        {t('member.archive')}
      </button>
    </section>
  )
}
