import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useCreateRoomMutation } from '../../api/chat.js'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import type { ChatRoom } from '../../lib/types.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox } from '../../components/status.js'

/** Open a direct room with another council, or an inter-regional dialogue platform. */
export function NewRoom({ onCreated }: { onCreated(r: ChatRoom): void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const all = useCouncils()
  const sorted = useMemo(
    () => [...all].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [all, lng],
  )
  const mine = sorted.filter((c) => user?.councilIds.includes(c.id))
  const staff = hasRole(user, 'moderator', 'admin')
  const [kind, setKind] = useState<'direct' | 'dialogue'>('direct')
  const [from, setFrom] = useState(mine[0]?.id ?? '')
  const [to, setTo] = useState('')
  const [picked, setPicked] = useState<string[]>([])
  const [title, setTitle] = useState({ kk: '', ru: '' })
  const [topic, setTopic] = useState({ kk: '', ru: '' })
  const s = useSubmit()
  const create = useCreateRoomMutation()
  const loc = (v: { kk: string; ru: string }) =>
    Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x.trim())
        .map(([k, x]) => [k, x.trim()]),
    )
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const body =
      kind === 'direct'
        ? { kind, councilIds: [from || mine[0]?.id, to].filter(Boolean) }
        : { kind, councilIds: picked, title: loc(title), topic: loc(topic) }
    const r = await s.run(() => create.mutateAsync(body))
    if (r) onCreated(r.room)
  }
  const f = s.fields
  return (
    <form className="form new-room" onSubmit={submit} aria-label={t('chat.newRoom')}>
      <ErrorBox error={s.error} />
      <SelectField
        label={t('chat.kind')}
        value={kind}
        onChange={(e) => setKind(e.target.value as 'direct' | 'dialogue')}
      >
        <option value="direct">{t('chat.direct')}</option>
        <option value="dialogue">{t('chat.dialogue')}</option>
      </SelectField>
      {kind === 'direct' ? (
        <>
          {(mine.length > 1 || staff) && (
            <SelectField label={t('chat.fromCouncil')} value={from} onChange={(e) => setFrom(e.target.value)}>
              {(staff ? sorted : mine).map((c) => (
                <option key={c.id} value={c.id}>
                  {pick(c.name, lng)}
                </option>
              ))}
            </SelectField>
          )}
          <SelectField
            label={t('chat.withCouncil')}
            required
            value={to}
            onChange={(e) => setTo(e.target.value)}
            error={errFor(f, 'councilIds')}
          >
            <option value="">{t('appeal.chooseCouncil')}</option>
            {sorted
              .filter((c) => c.id !== from)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {pick(c.name, lng)}
                </option>
              ))}
          </SelectField>
        </>
      ) : (
        <>
          <TextField
            label={t('chat.titleKk')}
            lang="kk"
            value={title.kk}
            onChange={(e) => setTitle({ ...title, kk: e.target.value })}
            error={errFor(f, 'title')}
          />
          <TextField
            label={t('chat.titleRu')}
            lang="ru"
            value={title.ru}
            onChange={(e) => setTitle({ ...title, ru: e.target.value })}
          />
          <TextArea
            label={t('chat.topicKk')}
            lang="kk"
            rows={2}
            value={topic.kk}
            onChange={(e) => setTopic({ ...topic, kk: e.target.value })}
            error={errFor(f, 'topic')}
          />
          <TextArea
            label={t('chat.topicRu')}
            lang="ru"
            rows={2}
            value={topic.ru}
            onChange={(e) => setTopic({ ...topic, ru: e.target.value })}
          />
          <SelectField
            label={t('chat.councils')}
            multiple
            size={8}
            value={picked}
            onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))}
            error={errFor(f, 'councilIds')}
            hint={t('chat.councilsHint')}
          >
            {sorted.map((c) => (
              <option key={c.id} value={c.id}>
                {pick(c.name, lng)}
              </option>
            ))}
          </SelectField>
        </>
      )}
      <p>
        <button className="btn btn-primary" disabled={s.busy}>
          {t('chat.create')}
        </button>
      </p>
    </form>
  )
}
