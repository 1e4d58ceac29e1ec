import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { usePaged } from '../../lib/paged.js'
import type { NewsItem } from '../../lib/types.js'
import { More } from '../../components/more.js'
import { Empty } from '../../components/status.js'

/** The council's published articles with edit links, and the button to write a new one. */
export function CouncilNews({ councilId }: { councilId: string }) {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('member.news'))
  const list = usePaged<NewsItem>('/news', { council: councilId, limit: 20 })
  return (
    <section aria-labelledby="cn-h">
      <h2 id="cn-h">{t('member.news')}</h2>
      <p><Link className="btn btn-primary" to={`/member/news/new?council=${councilId}`}>{t('member.writeNews')}</Link></p>
      <p className="muted small">{t('member.draftsHint')}</p>
      {!list.loading && list.items.length === 0 && <Empty>{t('news.empty')}</Empty>}
      {list.items.length > 0 && (
        <div className="table-wrap"><table className="table">
          <caption className="sr-only">{t('member.news')}</caption>
          <thead><tr><th scope="col">{t('editor.title')}</th><th scope="col">{t('member.publishedAt')}</th><th scope="col"><span className="sr-only">{t('member.actions')}</span></th></tr></thead>
          <tbody>{list.items.map((n) => (
            <tr key={n.id}>
              <td><Link to={`/news/${n.slug || n.id}`}>{pick(n.title, lng)}</Link></td>
              <td>{formatDate(n.publishedAt, lng)}</td>
              <td><Link to={`/member/news/${n.id}/edit`}>{t('news.edit')}<span className="sr-only">: {pick(n.title, lng)}</span></Link></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      <More list={list} />
    </section>
  )
}
