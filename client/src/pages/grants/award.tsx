import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { grantsApi, useReports, type Report } from '../../api/grants.js'
import { formatDate } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { Empty, ErrorBox, Loading, Notice } from '../../components/status.js'
import { Files, TengeInput } from './parts.js'

/** An award's reports: the council files interim and final ones; the operator accepts or returns them. */
export default function AwardPage() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id = '' } = useParams()
  const { user } = useSession()
  const admin = hasRole(user, 'admin')
  useTitle(t('grants:web.award.title'))
  const reports = useReports(id)
  const submit = useSubmit()
  const [kind, setKind] = useState<'interim' | 'final'>('interim')
  const [text, setText] = useState('')
  const [lines, setLines] = useState<{ item: string; amountTiyn: number | null }[]>([{ item: '', amountTiyn: null }])
  const [notice, setNotice] = useState('')

  async function file(e: FormEvent) {
    e.preventDefault()
    const r = await submit.run(() =>
      grantsApi.createReport(id, {
        kind,
        text,
        spending: lines.filter((l) => l.item.trim()).map((l) => ({ item: l.item, amountTiyn: l.amountTiyn ?? 0 })),
      }),
    )
    if (r) {
      setText('')
      setNotice(t('grants:web.award.filed'))
      reports.reload()
    }
  }
  return (
    <>
      <p className="breadcrumbs">
        <Link to={admin ? '/grants/admin' : '/grants/mine'}>
          {t(admin ? 'grants:web.admin.title' : 'grants:web.mine.title')}
        </Link>
      </p>
      <h1>{t('grants:web.award.title')}</h1>
      <ErrorBox error={reports.error} />
      {reports.loading && <Loading />}
      {reports.data && reports.data.items.length === 0 && <Empty>{t('grants:web.results.noReports')}</Empty>}
      {reports.data?.items.map((r) => (
        <ReportCard key={r.id} report={r} admin={admin} onChange={reports.reload} lng={lng} />
      ))}
      {user && !admin && (
        <>
          <h2>{t('grants:web.award.newReport')}</h2>
          <ErrorBox error={submit.error} />
          {notice && <Notice kind="success">{notice}</Notice>}
          <form className="form form-wide" onSubmit={file} noValidate>
            <SelectField
              label={t('grants:web.award.kind')}
              value={kind}
              onChange={(e) => setKind(e.target.value as 'interim' | 'final')}
            >
              <option value="interim">{t('grants:reportKind.interim')}</option>
              <option value="final">{t('grants:reportKind.final')}</option>
            </SelectField>
            <TextArea
              label={t('grants:web.award.text')}
              value={text}
              required
              error={errFor(submit.fields, 'text')}
              onChange={(e) => setText(e.target.value)}
            />
            <fieldset>
              <legend>{t('grants:web.award.spending')}</legend>
              {lines.map((l, i) => (
                <div key={i} className="form-inline">
                  <TextField
                    label={t('grants:web.application.line', { n: i + 1 })}
                    value={l.item}
                    onChange={(e) => setLines(lines.map((x, j) => (j === i ? { ...x, item: e.target.value } : x)))}
                  />
                  <TengeInput
                    id={`spent-${i}`}
                    label={t('grants:web.application.lineAmount', { n: i + 1 })}
                    tiyn={l.amountTiyn}
                    onChange={(v) => setLines(lines.map((x, j) => (j === i ? { ...x, amountTiyn: v } : x)))}
                  />
                </div>
              ))}
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setLines([...lines, { item: '', amountTiyn: null }])}
              >
                {t('grants:web.application.addLine')}
              </button>
              {errFor(submit.fields, 'spending') && <p className="field-error">{errFor(submit.fields, 'spending')}</p>}
            </fieldset>
            <button type="submit" className="btn btn-primary" disabled={submit.busy}>
              {t('grants:web.award.file')}
            </button>
          </form>
        </>
      )}
    </>
  )
}

function ReportCard({
  report: r,
  admin,
  onChange,
  lng,
}: {
  report: Report
  admin: boolean
  onChange: () => void
  lng: 'kk' | 'ru'
}) {
  const { t } = useTranslation()
  const submit = useSubmit()
  const [comment, setComment] = useState('')
  const decide = async (status: 'accepted' | 'returned') => {
    if (await submit.run(() => grantsApi.decideReport(r.id, { status, comment, version: r.version }))) onChange()
  }
  return (
    <section className="card" aria-labelledby={`rep-${r.id}`}>
      <div className="card-body">
        <h2 className="card-title" id={`rep-${r.id}`}>
          {t(`grants:reportKind.${r.kind}`)} · {formatDate(r.createdAt, lng)}
        </h2>
        <p>
          {t('grants:web.statusLabel')}: <strong>{t(`grants:status.${r.status}`)}</strong>
          {r.comment && <> · {r.comment}</>}
        </p>
        <p className="prewrap">{r.text}</p>
        <ul>
          {r.spending.map((s, i) => (
            <li key={i}>
              {s.item}: {formatTenge(s.amountTiyn)}
            </li>
          ))}
        </ul>
        <p>{t('grants:web.award.spent', { amount: formatTenge(r.spentTiyn) })}</p>
        <Files
          label={`${t('grants:web.files.attachments')} (${t(`grants:reportKind.${r.kind}`)})`}
          files={r.files}
          upload={
            !admin && r.status === 'submitted'
              ? async (files) => {
                  if (await submit.run(() => grantsApi.attachToReport(r.id, files))) onChange()
                }
              : undefined
          }
        />
        {admin && r.status === 'submitted' && (
          <>
            <ErrorBox error={submit.error} />
            <TextArea
              label={t('grants:web.award.comment')}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
            <div className="actions">
              <button
                type="button"
                className="btn btn-primary"
                disabled={submit.busy}
                onClick={() => decide('accepted')}
              >
                {t('grants:web.award.accept')}
              </button>
              <button type="button" className="btn" disabled={submit.busy} onClick={() => decide('returned')}>
                {t('grants:web.award.return')}
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  )
}
