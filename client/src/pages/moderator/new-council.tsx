import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCreateCouncilMutation, useRegions } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { CouncilLevel, CouncilProfile } from '../../lib/types.js'
import { COUNCIL_LEVELS as LEVELS } from '../../../../shared/domain.js'
import { errFor, SelectField, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'

export function NewCouncil() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('moderation.newCouncil'))
  const regions = useRegions()
  const sorted = useMemo(
    () => [...regions].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [regions, lng],
  )
  const [name, setName] = useState({ kk: '', ru: '' })
  const [stateBody, setStateBody] = useState({ kk: '', ru: '' })
  const [level, setLevel] = useState<CouncilLevel>('oblast')
  const [regionId, setRegionId] = useState('')
  const [created, setCreated] = useState<CouncilProfile | null>(null)
  const s = useSubmit()
  const create = useCreateCouncilMutation()
  const loc = (v: { kk: string; ru: string }) =>
    Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x.trim())
        .map(([k, x]) => [k, x.trim()]),
    )
  const send = async (allowDuplicate: boolean) => {
    // The directory (every council list) refreshes from the cache's invalidation.
    const r = await s.run(() =>
      create.mutateAsync({
        name: loc(name),
        stateBody: loc(stateBody),
        level,
        ...(level === 'republican' ? {} : { regionId }),
        ...(allowDuplicate ? { allowDuplicate } : {}),
      }),
    )
    if (r) {
      setCreated(r)
      // A second press of the button must not make a twin: the form starts empty again.
      setName({ kk: '', ru: '' })
      setStateBody({ kk: '', ru: '' })
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void send(false)
  }
  const duplicate = s.error?.code === 'councils.duplicate_name'
  const f = s.fields
  return (
    <section aria-labelledby="nc-h">
      <h2 id="nc-h">{t('moderation.newCouncil')}</h2>
      {created && (
        <Notice kind="success">
          {t('moderation.councilCreated')} <Link to={`/councils/${created.slug}`}>{pick(created.name, lng)}</Link>
        </Notice>
      )}
      <ErrorBox error={s.error} />
      {duplicate && (
        <p>
          <button type="button" className="btn" disabled={s.busy} onClick={() => void send(true)}>
            {t('moderation.createAnyway')}
          </button>
        </p>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('moderation.nameKk')}
          lang="kk"
          value={name.kk}
          onChange={(e) => setName({ ...name, kk: e.target.value })}
          error={errFor(f, 'name.kk') ?? errFor(f, 'name')}
        />
        <TextField
          label={t('moderation.nameRu')}
          lang="ru"
          value={name.ru}
          onChange={(e) => setName({ ...name, ru: e.target.value })}
          error={errFor(f, 'name.ru')}
        />
        <TextField
          label={t('moderation.stateBodyKk')}
          lang="kk"
          value={stateBody.kk}
          onChange={(e) => setStateBody({ ...stateBody, kk: e.target.value })}
          error={errFor(f, 'stateBody.kk') ?? errFor(f, 'stateBody')}
        />
        <TextField
          label={t('moderation.stateBodyRu')}
          lang="ru"
          value={stateBody.ru}
          onChange={(e) => setStateBody({ ...stateBody, ru: e.target.value })}
          error={errFor(f, 'stateBody.ru')}
        />
        <SelectField
          label={t('councils.level')}
          value={level}
          onChange={(e) => setLevel(e.target.value as CouncilLevel)}
          error={errFor(f, 'level')}
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {t(`level.${l}`)}
            </option>
          ))}
        </SelectField>
        {level !== 'republican' && (
          <SelectField
            label={t('councils.region')}
            required
            value={regionId}
            onChange={(e) => setRegionId(e.target.value)}
            error={errFor(f, 'regionId')}
          >
            <option value="">—</option>
            {sorted.map((r) => (
              <option key={r.id} value={r.id}>
                {pick(r.name, lng)}
              </option>
            ))}
          </SelectField>
        )}
        <p>
          <button className="btn btn-primary" disabled={s.busy}>
            {t('moderation.create')}
          </button>
        </p>
      </form>
    </section>
  )
}
