import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../lib/api.js'
import { useCouncils } from '../../lib/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang } from '../../lib/hooks.js'
import type { ChatRoom } from '../../lib/types.js'
import { errFor, SelectField } from '../../components/field.js'
import { ErrorBox } from '../../components/status.js'

/** Invite more councils to a dialogue platform (direct rooms are fixed to their two councils). */
export function AddCouncils({ room, onDone }: { room: ChatRoom; onDone(r: ChatRoom): void }) {
  const { t } = useTranslation()
  const lng = useLang()
  const all = useCouncils()
  const options = useMemo(
    () =>
      all
        .filter((c) => !room.councilIds.includes(c.id))
        .sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [all, room.councilIds, lng],
  )
  const [picked, setPicked] = useState<string[]>([])
  const [open, setOpen] = useState(false)
  const s = useSubmit()
  if (room.kind !== 'dialogue') return null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await s.run(() =>
      api<{ room: ChatRoom }>(`/chat/rooms/${room.id}/councils`, { body: { councilIds: picked } }),
    )
    if (r) {
      setPicked([])
      setOpen(false)
      onDone(r.room)
    }
  }
  return (
    <>
      <button type="button" className="btn btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('chat.addCouncils')}
      </button>
      {open && (
        <form className="form" onSubmit={submit}>
          <ErrorBox error={s.error} />
          <SelectField
            label={t('chat.councils')}
            multiple
            size={6}
            value={picked}
            onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))}
            error={errFor(s.fields, 'councilIds')}
          >
            {options.map((c) => (
              <option key={c.id} value={c.id}>
                {pick(c.name, lng)}
              </option>
            ))}
          </SelectField>
          <p>
            <button className="btn btn-primary" disabled={s.busy || picked.length === 0}>
              {t('chat.add')}
            </button>
          </p>
        </form>
      )}
    </>
  )
}
