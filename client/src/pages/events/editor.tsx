import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import {
  EVENT_FORMATS,
  EVENT_KINDS,
  eventEndpoints,
  useEvent,
  type CreateEventInput,
  type EventView,
} from '../../api/events.js'
import { SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { Forbidden, SignInFirst } from '../account/sign-in-first.js'
import { useRegions } from './shared.js'

/** Kazakhstan keeps one time zone, UTC+5: the form's times are Astana times whatever the device says. */
const toInput = (iso: string | null | undefined) =>
  iso ? new Date(new Date(iso).getTime() + 5 * 3600_000).toISOString().slice(0, 16) : ''
const fromInput = (v: string) => (v ? new Date(`${v}:00+05:00`).toISOString() : undefined)

interface Form {
  kind: string
  titleKk: string
  titleRu: string
  descriptionKk: string
  descriptionRu: string
  format: string
  addressKk: string
  addressRu: string
  venueRegionId: string
  onlineUrl: string
  startsAt: string
  endsAt: string
  registrationClosesAt: string
  organizerCouncilIds: string[]
  capacity: string
  regionQuota: string
  audience: string
}
const empty: Form = {
  kind: 'dialogue',
  titleKk: '',
  titleRu: '',
  descriptionKk: '',
  descriptionRu: '',
  format: 'offline',
  addressKk: '',
  addressRu: '',
  venueRegionId: '',
  onlineUrl: '',
  startsAt: '',
  endsAt: '',
  registrationClosesAt: '',
  organizerCouncilIds: [],
  capacity: '',
  regionQuota: '',
  audience: 'members',
}
function fromEvent(e: EventView): Form {
  return {
    kind: e.kind,
    titleKk: e.title.kk ?? '',
    titleRu: e.title.ru ?? '',
    descriptionKk: e.description.kk ?? '',
    descriptionRu: e.description.ru ?? '',
    format: e.format,
    addressKk: e.venue?.address.kk ?? '',
    addressRu: e.venue?.address.ru ?? '',
    venueRegionId: e.venue?.regionId ?? '',
    onlineUrl: e.onlineUrl ?? '',
    startsAt: toInput(e.startsAt),
    endsAt: toInput(e.endsAt),
    registrationClosesAt: toInput(e.registrationClosesAt),
    organizerCouncilIds: e.organizerCouncils.map((c) => c.id),
    capacity: String(e.capacity),
    regionQuota: e.regionQuota ? String(e.regionQuota) : '',
    audience: e.audience,
  }
}
const text = (kk: string, ru: string) => {
  const out: { kk?: string; ru?: string } = {}
  if (kk.trim()) out.kk = kk
  if (ru.trim()) out.ru = ru
  return out
}
/** The body as typed: the server checks it and answers field by field (shown next to each field). */
function toBody(f: Form): CreateEventInput {
  const venue = f.addressKk || f.addressRu || f.venueRegionId
  return {
    kind: f.kind as CreateEventInput['kind'],
    title: text(f.titleKk, f.titleRu),
    description: text(f.descriptionKk, f.descriptionRu),
    format: f.format as CreateEventInput['format'],
    ...(venue ? { venue: { address: text(f.addressKk, f.addressRu), regionId: f.venueRegionId } } : {}),
    ...(f.onlineUrl ? { onlineUrl: f.onlineUrl } : {}),
    startsAt: fromInput(f.startsAt)!,
    endsAt: fromInput(f.endsAt)!,
    registrationClosesAt: fromInput(f.registrationClosesAt)!,
    organizerCouncilIds: f.organizerCouncilIds,
    capacity: f.capacity === '' ? (undefined as unknown as number) : Number(f.capacity),
    ...(f.regionQuota ? { regionQuota: Number(f.regionQuota) } : {}),
    audience: f.audience as CreateEventInput['audience'],
  }
}

/** Create or edit an event (organizers); when editing, also publish/cancel/finish, materials and the outcome. */
export default function EventEditor() {
  const { idOrSlug } = useParams()
  const { t } = useTranslation()
  const { user, loading } = useSession()
  const ev = useEvent(idOrSlug)
  useTitle(t(idOrSlug ? 'events:web.form.editTitle' : 'events:web.form.createTitle'))
  if (loading || (idOrSlug && ev.loading && !ev.data)) return <Loading />
  if (!user) return <SignInFirst title={t('events:web.form.createTitle')} />
  if (!hasRole(user, 'council_member', 'moderator', 'admin')) return <Forbidden />
  if (idOrSlug && !ev.data) return <ErrorBox error={ev.error} />
  if (ev.data && !ev.data.canOrganize) return <Forbidden />
  return <EditorForm key={ev.data?.id ?? 'new'} event={ev.data} onChange={ev.reload} />
}

function EditorForm({ event, onChange }: { event?: EventView; onChange(): void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const navigate = useNavigate()
  const { user } = useSession()
  const regions = useRegions()
  const councils = useCouncils()
  const submit = useSubmit()
  const [f, setF] = useState<Form>(() =>
    event ? fromEvent(event) : { ...empty, organizerCouncilIds: user?.councilIds.slice(0, 1) ?? [] },
  )
  const [saved, setSaved] = useState(false)
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setF((p) => ({ ...p, [k]: e.target.value }))
  const err = (...keys: string[]) => keys.map((k) => submit.fields[k]).find(Boolean)
  const staff = hasRole(user, 'moderator', 'admin')
  const kinds = staff ? EVENT_KINDS : EVENT_KINDS.filter((k) => k === 'dialogue' || k === 'meeting')
  const mineFirst = [...councils].sort(
    (a, b) => Number(user?.councilIds.includes(b.id)) - Number(user?.councilIds.includes(a.id)),
  )

  async function save(ev: FormEvent) {
    ev.preventDefault()
    setSaved(false)
    const body = toBody(f)
    const result = await submit.run(() =>
      event
        ? eventEndpoints.update(event.id, {
            ...body,
            venue: body.venue ?? null,
            onlineUrl: body.onlineUrl ?? null,
            regionQuota: body.regionQuota ?? null,
          })
        : eventEndpoints.create(body),
    )
    if (!result) return
    setSaved(true)
    if (!event) navigate(`/events/${result.id}/edit`, { replace: true })
    else onChange()
  }
  const changeStatus = (status: 'published' | 'cancelled' | 'finished') =>
    void submit.run(async () => {
      if (status === 'cancelled' && !window.confirm(t('events:web.form.cancelConfirm'))) return
      await eventEndpoints.update(event!.id, { status })
      onChange()
    })

  return (
    <>
      <h1>{t(event ? 'events:web.form.editTitle' : 'events:web.form.createTitle')}</h1>
      {event && (
        <p>
          <Link to={`/events/${event.slug}`}>{pick(event.title, lng)}</Link> ·{' '}
          <span className="badge">{t(`events:status.${event.status}`)}</span>
        </p>
      )}
      {submit.error && submit.error.code === 'validation.failed' ? (
        <Notice kind="error">{t('events:web.form.fixErrors')}</Notice>
      ) : (
        <ErrorBox error={submit.error} />
      )}
      {saved && <Notice kind="success">{t('events:web.form.saved')}</Notice>}
      <form className="form" onSubmit={(e) => void save(e)} noValidate>
        <SelectField
          label={t('events:web.form.kind')}
          value={f.kind}
          onChange={set('kind')}
          error={err('kind')}
          required
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`events:kind.${k}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('events:web.form.titleKk')}
          lang="kk"
          value={f.titleKk}
          onChange={set('titleKk')}
          error={err('title.kk', 'title')}
        />
        <TextField
          label={t('events:web.form.titleRu')}
          lang="ru"
          value={f.titleRu}
          onChange={set('titleRu')}
          error={err('title.ru', 'title')}
        />
        <TextArea
          label={t('events:web.form.descriptionKk')}
          lang="kk"
          rows={5}
          value={f.descriptionKk}
          onChange={set('descriptionKk')}
          error={err('description.kk', 'description')}
        />
        <TextArea
          label={t('events:web.form.descriptionRu')}
          lang="ru"
          rows={5}
          value={f.descriptionRu}
          onChange={set('descriptionRu')}
          error={err('description.ru', 'description')}
        />
        <SelectField
          label={t('events:web.form.format')}
          value={f.format}
          onChange={set('format')}
          error={err('format')}
          required
        >
          {EVENT_FORMATS.map((k) => (
            <option key={k} value={k}>
              {t(`events:format.${k}`)}
            </option>
          ))}
        </SelectField>
        {f.format !== 'online' && (
          <>
            <TextField
              label={t('events:web.form.addressKk')}
              lang="kk"
              value={f.addressKk}
              onChange={set('addressKk')}
              error={err('venue.address.kk', 'venue.address', 'venue')}
            />
            <TextField
              label={t('events:web.form.addressRu')}
              lang="ru"
              value={f.addressRu}
              onChange={set('addressRu')}
              error={err('venue.address.ru', 'venue.address')}
            />
            <SelectField
              label={t('events:web.form.venueRegion')}
              value={f.venueRegionId}
              onChange={set('venueRegionId')}
              error={err('venue.regionId')}
            >
              <option value="">{t('events:web.form.choose')}</option>
              {regions.map((r) => (
                <option key={r.id} value={r.id}>
                  {pick(r.name as { kk?: string; ru?: string }, lng)}
                </option>
              ))}
            </SelectField>
          </>
        )}
        {f.format !== 'offline' && (
          <TextField
            label={t('events:web.form.onlineUrl')}
            type="url"
            inputMode="url"
            value={f.onlineUrl}
            onChange={set('onlineUrl')}
            error={err('onlineUrl')}
          />
        )}
        <TextField
          label={t('events:web.form.startsAt')}
          type="datetime-local"
          value={f.startsAt}
          onChange={set('startsAt')}
          error={err('startsAt')}
          hint={t('events:web.form.timezone')}
          required
        />
        <TextField
          label={t('events:web.form.endsAt')}
          type="datetime-local"
          value={f.endsAt}
          onChange={set('endsAt')}
          error={err('endsAt')}
          required
        />
        <TextField
          label={t('events:web.form.registrationClosesAt')}
          type="datetime-local"
          value={f.registrationClosesAt}
          onChange={set('registrationClosesAt')}
          error={err('registrationClosesAt')}
          required
        />
        <SelectField
          label={t('events:web.form.organizers')}
          hint={t('events:web.form.organizersHint')}
          multiple
          size={6}
          value={f.organizerCouncilIds}
          onChange={(e) => {
            const values = [...(e.target as HTMLSelectElement).selectedOptions].map((o) => o.value)
            setF((p) => ({ ...p, organizerCouncilIds: values }))
          }}
          error={err('organizerCouncilIds', 'organizerCouncilIds.0', 'organizerCouncilIds.1')}
          required
        >
          {mineFirst.map((c) => (
            <option key={c.id} value={c.id}>
              {pick(c.name, lng)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('events:web.form.capacity')}
          type="number"
          inputMode="numeric"
          min={1}
          value={f.capacity}
          onChange={set('capacity')}
          error={err('capacity')}
          required
        />
        <TextField
          label={t('events:web.form.regionQuota')}
          type="number"
          inputMode="numeric"
          min={1}
          value={f.regionQuota}
          onChange={set('regionQuota')}
          error={err('regionQuota')}
        />
        <SelectField
          label={t('events:web.form.audience')}
          value={f.audience}
          onChange={set('audience')}
          error={err('audience')}
          required
        >
          <option value="members">{t('events:audience.members')}</option>
          <option value="public">{t('events:audience.public')}</option>
        </SelectField>
        <p className="actions">
          <button className="btn btn-primary" type="submit" disabled={submit.busy}>
            {t('events:web.form.save')}
          </button>
        </p>
      </form>
      {event && (
        <>
          <p className="actions">
            {event.status === 'draft' && (
              <button
                type="button"
                className="btn btn-primary"
                disabled={submit.busy}
                onClick={() => changeStatus('published')}
              >
                {t('events:web.form.publish')}
              </button>
            )}{' '}
            {event.status === 'published' && new Date(event.startsAt).getTime() < Date.now() && (
              <button type="button" className="btn" disabled={submit.busy} onClick={() => changeStatus('finished')}>
                {t('events:web.form.finish')}
              </button>
            )}{' '}
            {(event.status === 'draft' || event.status === 'published') && (
              <button
                type="button"
                className="btn btn-danger"
                disabled={submit.busy}
                onClick={() => changeStatus('cancelled')}
              >
                {t('events:web.form.cancelEvent')}
              </button>
            )}
          </p>
          <MaterialForm event={event} onChange={onChange} />
          {new Date(event.startsAt).getTime() < Date.now() && <OutcomeForm event={event} onChange={onChange} />}
        </>
      )}
    </>
  )
}

function MaterialForm({ event, onChange }: { event: EventView; onChange(): void }) {
  const { t } = useTranslation()
  const submit = useSubmit()
  const [title, setTitle] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [done, setDone] = useState(false)
  return (
    <section aria-labelledby="mat-form-h">
      <h2 id="mat-form-h">{t('events:web.event.materials')}</h2>
      <ErrorBox error={submit.error} />
      {done && <Notice kind="success">{t('events:web.form.saved')}</Notice>}
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          setDone(false)
          void submit
            .run(async () => {
              const form = new FormData()
              form.set('title', title)
              if (file) form.set('file', file)
              return eventEndpoints.addMaterial(event.id, form)
            })
            .then((r) => {
              if (!r) return
              setDone(true)
              setTitle('')
              onChange()
            })
        }}
      >
        <TextField
          label={t('events:web.form.materialTitle')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={submit.fields['title']}
        />
        <TextField
          label={t('events:web.form.materialFile')}
          type="file"
          accept=".pdf,.docx,.pptx,.jpg,.jpeg,.png"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          error={submit.fields['file']}
        />
        <button className="btn" type="submit" disabled={submit.busy}>
          {t('events:web.form.upload')}
        </button>
      </form>
    </section>
  )
}

function OutcomeForm({ event, onChange }: { event: EventView; onChange(): void }) {
  const { t } = useTranslation()
  const submit = useSubmit()
  const o = event.outcome
  const [kk, setKk] = useState(o?.summary.kk ?? '')
  const [ru, setRu] = useState(o?.summary.ru ?? '')
  const [recKk, setRecKk] = useState(o?.recommendations.map((r) => r.kk ?? '').join('\n') ?? '')
  const [recRu, setRecRu] = useState(o?.recommendations.map((r) => r.ru ?? '').join('\n') ?? '')
  const [done, setDone] = useState(false)
  useEffect(() => setDone(false), [kk, ru, recKk, recRu])
  const lines = (s: string) => s.split('\n').map((x) => x.trim())
  return (
    <section aria-labelledby="out-form-h">
      <h2 id="out-form-h">{t('events:web.form.outcomeTitle')}</h2>
      <ErrorBox error={submit.error} />
      {done && <Notice kind="success">{t('events:web.form.saved')}</Notice>}
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const a = lines(recKk)
          const b = lines(recRu)
          const recommendations = Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
            text(a[i] ?? '', b[i] ?? ''),
          ).filter((r) => r.kk || r.ru)
          void submit
            .run(() => eventEndpoints.setOutcome(event.id, { summary: text(kk, ru), recommendations }))
            .then((r) => {
              if (!r) return
              setDone(true)
              onChange()
            })
        }}
      >
        <TextArea
          label={t('events:web.form.summaryKk')}
          lang="kk"
          rows={5}
          value={kk}
          onChange={(e) => setKk(e.target.value)}
          error={submit.fields['summary.kk'] ?? submit.fields['summary']}
        />
        <TextArea
          label={t('events:web.form.summaryRu')}
          lang="ru"
          rows={5}
          value={ru}
          onChange={(e) => setRu(e.target.value)}
          error={submit.fields['summary.ru'] ?? submit.fields['summary']}
        />
        <TextArea
          label={t('events:web.form.recommendationsKk')}
          lang="kk"
          rows={4}
          value={recKk}
          onChange={(e) => setRecKk(e.target.value)}
        />
        <TextArea
          label={t('events:web.form.recommendationsRu')}
          lang="ru"
          rows={4}
          value={recRu}
          onChange={(e) => setRecRu(e.target.value)}
        />
        <button className="btn" type="submit" disabled={submit.busy}>
          {t('events:web.form.saveOutcome')}
        </button>
      </form>
    </section>
  )
}
