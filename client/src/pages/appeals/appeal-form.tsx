import { useMemo, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useCreateAppealMutation } from '../../api/appeals.js'
import { useCouncils } from '../../api/directory.js'
import { formatBytes, formatDate, pick } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import type { AppealCategory, AppealCreated } from '../../lib/types.js'
import { Checkbox, errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { ErrorBox, Notice } from '../../components/status.js'

import {
  APPEAL_CATEGORIES as CATEGORIES,
  APPEAL_FILE_MAX_BYTES as MAX_BYTES,
  APPEAL_FILE_TYPES,
  APPEAL_MAX_FILES as MAX_FILES,
} from '../../../../shared/domain.js'

const TYPES: readonly string[] = APPEAL_FILE_TYPES

/** An appeal to a council: guests leave a name and e-mail (and confirm by the e-mailed link). */
export default function AppealForm() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('appeal.title'))
  const { user } = useSession()
  const [params] = useSearchParams()
  const councils = useCouncils()
  const sorted = useMemo(
    () => [...councils].sort((a, b) => pick(a.name, lng).localeCompare(pick(b.name, lng), lng)),
    [councils, lng],
  )
  const [councilId, setCouncilId] = useState(params.get('council') ?? '')
  const [category, setCategory] = useState<AppealCategory>('question')
  const [subject, setSubject] = useState('')
  const [text, setText] = useState('')
  const [isPublic, setIsPublic] = useState(false)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [files, setFiles] = useState<File[]>([])
  const [fileError, setFileError] = useState<string>()
  const [done, setDone] = useState<AppealCreated | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const s = useSubmit()
  const create = useCreateAppealMutation()
  const guest = !user

  const pickFiles = (list: FileList | null) => {
    const chosen = [...(list ?? [])]
    const bad = chosen.find((f) => f.size > MAX_BYTES || (f.type && !TYPES.includes(f.type)))
    if (chosen.length > MAX_FILES) setFileError(t('appeal.tooManyFiles', { max: MAX_FILES }))
    else if (bad) setFileError(t('appeal.badFile', { name: bad.name }))
    else setFileError(undefined)
    setFiles(chosen.slice(0, MAX_FILES))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (fileError) return
    // With files it goes as multipart (the same fields), else as JSON: see useCreateAppealMutation.
    const res = await s.run(() =>
      create.mutateAsync({
        // No council chosen: left out, so the server says the field is required (not "invalid id").
        body: {
          ...(councilId ? { councilId } : {}),
          category,
          subject,
          text,
          isPublic,
          ...(guest ? { contact: { name, email } } : {}),
        },
        files,
      }),
    )
    if (res) {
      setDone(res)
      requestAnimationFrame(() => document.getElementById('appeal-done')?.focus())
    }
  }

  if (done) {
    return (
      <section id="appeal-done" tabIndex={-1} aria-labelledby="done-title">
        <h1 id="done-title">{t('appeal.sentTitle')}</h1>
        <Notice kind="success">
          {done.status === 'unconfirmed' ? t('appeal.confirmByMail') : t('appeal.sentText')}
        </Notice>
        <dl className="receipt">
          <dt>{t('appeal.number')}</dt>
          <dd>
            <strong data-testid="tracking-number">{done.trackingNumber}</strong>
          </dd>
          <dt>{t('appeal.code')}</dt>
          <dd>
            <strong data-testid="access-code">{done.accessCode}</strong>
          </dd>
          {done.dueAt && (
            <>
              <dt>{t('appeal.dueAt')}</dt>
              <dd>{formatDate(done.dueAt, lng)}</dd>
            </>
          )}
        </dl>
        <p>{t('appeal.keepCode')}</p>
        <p className="actions">
          <Link className="btn btn-primary" to={`/appeals/track?number=${encodeURIComponent(done.trackingNumber)}`}>
            {t('appeal.trackIt')}
          </Link>
          {user && (
            <Link className="btn" to="/appeals/mine">
              {t('nav.myAppeals')}
            </Link>
          )}
        </p>
      </section>
    )
  }

  const f = s.fields
  return (
    <>
      <h1>{t('appeal.title')}</h1>
      <p>{t('appeal.lead')}</p>
      {guest && (
        <p className="muted">
          {t('appeal.guestHint')} <Link to="/login">{t('nav.login')}</Link>
        </p>
      )}
      <ErrorBox error={s.error} />
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          label={t('appeal.council')}
          required
          value={councilId}
          onChange={(e) => setCouncilId(e.target.value)}
          error={errFor(f, 'councilId')}
        >
          <option value="">{t('appeal.chooseCouncil')}</option>
          {sorted.map((c) => (
            <option key={c.id} value={c.id}>
              {pick(c.name, lng)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('appeal.category')}
          required
          value={category}
          onChange={(e) => setCategory(e.target.value as AppealCategory)}
          error={errFor(f, 'category')}
        >
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('appeal.subject')}
          required
          value={subject}
          maxLength={200}
          onChange={(e) => setSubject(e.target.value)}
          error={errFor(f, 'subject')}
        />
        <TextArea
          label={t('appeal.text')}
          required
          value={text}
          rows={8}
          maxLength={10000}
          onChange={(e) => setText(e.target.value)}
          error={errFor(f, 'text')}
          hint={t('appeal.textHint')}
        />
        {guest && (
          <fieldset>
            <legend>{t('appeal.contact')}</legend>
            <TextField
              label={t('appeal.name')}
              required
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={errFor(f, 'contact.name') ?? f.contact}
            />
            <TextField
              label={t('appeal.email')}
              type="email"
              required
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errFor(f, 'contact.email')}
              hint={t('appeal.emailHint')}
            />
          </fieldset>
        )}
        <div className={`field${fileError || errFor(f, 'files') ? ' has-error' : ''}`}>
          <label htmlFor="appeal-files">{t('appeal.files')}</label>
          <input
            ref={fileInput}
            id="appeal-files"
            type="file"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            onChange={(e) => pickFiles(e.target.files)}
            aria-describedby="appeal-files-hint appeal-files-err"
            aria-invalid={fileError || errFor(f, 'files') ? true : undefined}
          />
          <span className="hint" id="appeal-files-hint">
            {t('appeal.filesHint', { max: MAX_FILES, size: formatBytes(MAX_BYTES, lng) })}
          </span>
          <span className="field-error" id="appeal-files-err">
            {fileError ?? errFor(f, 'files')}
          </span>
          {files.length > 0 && (
            <ul className="file-list">
              {files.map((x) => (
                <li key={x.name}>
                  {x.name} ({formatBytes(x.size, lng)})
                </li>
              ))}
            </ul>
          )}
        </div>
        <Checkbox
          label={t('appeal.isPublic')}
          checked={isPublic}
          onChange={(e) => setIsPublic(e.target.checked)}
          hint={t('appeal.isPublicHint')}
        />
        <p>
          <button type="submit" className="btn btn-primary" disabled={s.busy}>
            {s.busy ? t('status.sending') : t('appeal.send')}
          </button>
        </p>
      </form>
    </>
  )
}
