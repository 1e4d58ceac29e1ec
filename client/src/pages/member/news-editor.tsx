import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { useArticleQuery, useDeleteNewsMutation, useSaveNewsMutation } from '../../api/news.js'
import { useCouncilMap } from '../../api/directory.js'
import { pick, toLocalInput } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { htmlText } from '../../lib/html.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import type { Lang, NewsArticle, NewsStatus } from '../../lib/types.js'
import { LANGS } from '../../../../shared/domain.js'
import { LangColumns } from '../../components/lang-columns.js'
import { errFor, SelectField, TextArea, TextField } from '../../components/field.js'
import { RichEditor } from '../../components/rich-editor.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'

type L = Record<Lang, string>
const empty = (): L => ({ kk: '', ru: '' })
/** `{kk, ru}` without the empty languages (the API wants at least one, never an empty string). */
function localized(v: L, html = false): Partial<L> | undefined {
  const out: Partial<L> = {}
  for (const l of LANGS) if (html ? htmlText(v[l]) : v[l].trim()) out[l] = html ? v[l] : v[l].trim()
  return Object.keys(out).length ? out : undefined
}

/** Write or edit an article in both languages; publish now, keep as a draft, or schedule. */
export function NewsEditor() {
  const { t } = useTranslation()
  const lng = useLang()
  const { id } = useParams()
  const [params] = useSearchParams()
  const nav = useNavigate()
  const councils = useCouncilMap()
  const existing = useArticleQuery(id)
  const save = useSaveNewsMutation()
  const [councilId, setCouncilId] = useState(params.get('council') ?? '')
  const [title, setTitle] = useState<L>(empty)
  const [summary, setSummary] = useState<L>(empty)
  const [body, setBody] = useState<L>(empty)
  const [tags, setTags] = useState('')
  const [status, setStatus] = useState<NewsStatus>('published')
  const [publishAt, setPublishAt] = useState('')
  const [cover, setCover] = useState<File | null>(null)
  const [saved, setSaved] = useState<NewsArticle | null>(null)
  const s = useSubmit()
  useTitle(id ? t('editor.editTitle') : t('editor.newTitle'))

  useEffect(() => {
    const n = existing.data
    if (!n) return
    setCouncilId(n.councilId)
    setTitle({ kk: n.title.kk ?? '', ru: n.title.ru ?? '' })
    setSummary({ kk: n.summary?.kk ?? '', ru: n.summary?.ru ?? '' })
    setBody({ kk: n.body.kk ?? '', ru: n.body.ru ?? '' })
    setTags(n.tags.join(', '))
    setStatus(n.status)
    setPublishAt(toLocalInput(n.publishAt))
  }, [existing.data])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setSaved(null)
    const common = {
      title: localized(title),
      body: localized(body, true),
      tags: tags
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
      ...(status === 'scheduled' && publishAt ? { publishAt: new Date(publishAt).toISOString() } : {}),
    }
    const sum = localized(summary)
    // Create or update, then the cover; the article and the lists refresh from the cache.
    const n = await s.run(() =>
      save.mutateAsync(
        id
          ? { id, body: { ...common, status, summary: sum ?? null }, cover }
          : {
              councilId,
              body: { ...common, ...(status !== 'archived' ? { status } : {}), ...(sum ? { summary: sum } : {}) },
              cover,
            },
      ),
    )
    if (!n) return
    setSaved(n)
    if (!id) nav(`/member/news/${n.id}/edit`, { replace: true })
  }

  if (id && existing.isLoading) return <Loading />
  if (id && existing.error) return <ErrorBox error={existing.error} />
  const council = councils.get(councilId)
  const f = s.fields
  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/member">{t('nav.member')}</Link>
        {council && (
          <>
            {' '}
            › <Link to={`/member/councils/${council.id}/news`}>{pick(council.name, lng)}</Link>
          </>
        )}
      </nav>
      <h1>{id ? t('editor.editTitle') : t('editor.newTitle')}</h1>
      {saved && (
        <Notice kind="success">
          {t('editor.saved')}{' '}
          {saved.status === 'published' && <Link to={`/news/${saved.slug || saved.id}`}>{t('editor.view')}</Link>}
        </Notice>
      )}
      <ErrorBox error={s.error} />
      <form className="form form-wide" onSubmit={submit} noValidate>
        {!id && !params.get('council') && (
          <TextField
            label={t('editor.councilId')}
            required
            value={councilId}
            onChange={(e) => setCouncilId(e.target.value)}
            error={errFor(f, 'councilId')}
          />
        )}
        <LangColumns>
          {(l) => (
            <>
              <TextField
                label={t('editor.title')}
                value={title[l]}
                maxLength={300}
                onChange={(e) => setTitle({ ...title, [l]: e.target.value })}
                error={errFor(f, `title.${l}`) ?? (l === 'kk' ? errFor(f, 'title') : undefined)}
              />
              <TextArea
                label={t('editor.summary')}
                rows={2}
                value={summary[l]}
                maxLength={1000}
                onChange={(e) => setSummary({ ...summary, [l]: e.target.value })}
                error={errFor(f, `summary.${l}`)}
              />
              <RichEditor
                label={t('editor.body')}
                lang={l}
                value={body[l]}
                onChange={(html) => setBody((b) => ({ ...b, [l]: html }))}
                error={errFor(f, `body.${l}`) ?? (l === 'kk' ? errFor(f, 'body') : undefined)}
              />
            </>
          )}
        </LangColumns>
        <p className="hint">{t('editor.oneLanguage')}</p>
        <TextField
          label={t('editor.tags')}
          value={tags}
          onChange={(e) => setTags(e.target.value)}
          hint={t('editor.tagsHint')}
          error={errFor(f, 'tags')}
        />
        <SelectField
          label={t('editor.status')}
          value={status}
          onChange={(e) => setStatus(e.target.value as NewsStatus)}
          error={errFor(f, 'status')}
        >
          <option value="published">{t('editor.publishNow')}</option>
          <option value="draft">{t('newsStatus.draft')}</option>
          <option value="scheduled">{t('editor.schedule')}</option>
          {id && <option value="archived">{t('newsStatus.archived')}</option>}
        </SelectField>
        {status === 'scheduled' && (
          <TextField
            label={t('editor.publishAt')}
            type="datetime-local"
            required
            value={publishAt}
            onChange={(e) => setPublishAt(e.target.value)}
            error={errFor(f, 'publishAt')}
          />
        )}
        <div className="field">
          <label htmlFor="news-cover">{t('editor.cover')}</label>
          <input
            id="news-cover"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setCover(e.target.files?.[0] ?? null)}
            aria-describedby="news-cover-hint"
          />
          <span className="hint" id="news-cover-hint">
            {t('editor.coverHint')}
          </span>
        </div>
        <p className="actions">
          <button className="btn btn-primary" disabled={s.busy}>
            {s.busy ? t('status.sending') : t('editor.save')}
          </button>
          {id && <DeleteNews id={id} councilId={councilId} />}
        </p>
      </form>
    </>
  )
}

function DeleteNews({ id, councilId }: { id: string; councilId: string }) {
  const { t } = useTranslation()
  const nav = useNavigate()
  const s = useSubmit()
  const remove = useDeleteNewsMutation()
  const del = async () => {
    if (!window.confirm(t('editor.confirmDelete'))) return
    const ok = await s.run(async () => {
      await remove.mutateAsync(id)
      return true
    })
    if (ok) nav(`/member/councils/${councilId}/news`)
  }
  return (
    <button type="button" className="btn btn-danger" onClick={del} disabled={s.busy}>
      {t('editor.delete')}
    </button>
  )
}
