import { useTranslation } from 'react-i18next'
import { useCouncilMap, useCouncils } from '../../api/directory.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { usePublicAppealsPaged } from '../../api/appeals.js'
import { useQueryParams, useSearchBox } from '../../lib/query-params.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

/** Answered appeals whose authors allowed anonymized publication. */
export default function Qa() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('qa.title'))
  const qp = useQueryParams()
  const council = qp.get('council')
  const q = qp.get('q')
  const search = useSearchBox(qp)
  const councils = useCouncils()
  const byId = useCouncilMap()
  const list = usePublicAppealsPaged({ council, q, limit: 20 })
  return (
    <>
      <h1>{t('qa.title')}</h1>
      <p>{t('qa.lead')}</p>
      <form className="filters" role="search" aria-label={t('qa.searchLabel')} onSubmit={search.submit}>
        <div className="field">
          <label htmlFor="qa-q">{t('qa.search')}</label>
          <input id="qa-q" type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} />
        </div>
        <FilterSelect
          id="qa-council"
          label={t('qa.council')}
          name="council"
          qp={qp}
          all={t('qa.allCouncils')}
          options={councils.map((c) => [c.id, pick(c.name, lng)] as const)}
        />
        <button type="submit" className="btn btn-primary">
          {t('qa.find')}
        </button>
      </form>
      {!list.loading && !list.error && list.items.length === 0 && (
        <Empty>{t(q ? 'qa.nothingFound' : 'qa.empty')}</Empty>
      )}
      <ul className="qa-list">
        {list.items.map((q) => {
          return (
            <li key={q.id} className="card qa">
              <h2 className="card-title">{q.subject}</h2>
              <p className="meta">
                {byId.get(q.councilId) && <>{pick(byId.get(q.councilId)!.name, lng)} · </>}
                {q.category && <>{t(`category.${q.category}`)} · </>}
                <time dateTime={q.answeredAt}>{formatDate(q.answeredAt, lng)}</time>
              </p>
              <h3 className="qa-label">{t('qa.question')}</h3>
              <p className="prewrap">{q.question}</p>
              <h3 className="qa-label">{t('qa.answer')}</h3>
              {q.answers.map((a, i) => (
                <p key={i} className="prewrap">
                  {a.text}
                </p>
              ))}
            </li>
          )
        })}
      </ul>
      <More list={list} />
    </>
  )
}
