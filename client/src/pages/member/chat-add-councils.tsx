import { useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useAddCouncilsMutation } from '../../api/chat.js'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang } from '../../lib/hooks.js'
import type { ChatRoom } from '../../lib/types.js'
import { errFor, SelectField } from '../../components/field.js'
import { ErrorBox } from '../../components/status.js'

/** Invite more councils to a dialogue platform (direct rooms are fixed to their two councils). */
export function AddCouncils({ room }: { room: ChatRoom }) {
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
  const add = useAddCouncilsMutation(room.id)
  if (room.kind !== 'dialogue') return null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await s.run(() => add.mutateAsync(picked))
    if (r) {
      setPicked([])
      setOpen(false)
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
