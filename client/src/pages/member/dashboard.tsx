import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useCouncils } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { Empty } from '../../components/status.js'

/** Where a member starts: their councils (staff pick any council), and the chat. */
export function Dashboard() {
  const { t } = useTranslation()
  const lng = useLang()
  useTitle(t('nav.member'))
  const { user } = useSession()
  const all = useCouncils()
  const staff = hasRole(user, 'moderator', 'admin')
  const [filter, setFilter] = useState('')
  const mine = useMemo(() => all.filter((c) => user?.councilIds.includes(c.id)), [all, user])
  const others = useMemo(
    () => (staff ? all.filter((c) => pick(c.name, lng).toLowerCase().includes(filter.toLowerCase())).slice(0, 30) : []),
    [all, staff, filter, lng],
  )
  return (
    <>
      <h1>{t('nav.member')}</h1>
      <p className="actions">
        <Link className="btn btn-primary" to="/member/chat">
          {t('member.chat')}
        </Link>
      </p>
      <section aria-labelledby="my-councils">
        <h2 id="my-councils">{t('member.myCouncils')}</h2>
        {mine.length === 0 ? (
          <Empty>{t('member.noCouncils')}</Empty>
        ) : (
          <ul className="grid">
            {mine.map((c) => (
              <li key={c.id} className="card">
                <div className="card-body">
                  <h3 className="card-title">{pick(c.name, lng)}</h3>
                  <p className="actions">
                    <Link to={`/member/councils/${c.id}/news`}>{t('member.news')}</Link>
                    <Link to={`/member/councils/${c.id}/videos`}>{t('member.videos')}</Link>
                    <Link to={`/member/councils/${c.id}/appeals`}>{t('member.appeals')}</Link>
                  </p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {staff && (
        <section aria-labelledby="any-council">
          <h2 id="any-council">{t('member.anyCouncil')}</h2>
          <div className="field narrow">
            <label htmlFor="any-q">{t('councils.search')}</label>
            <input id="any-q" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <ul>
            {others.map((c) => (
              <li key={c.id}>
                <Link to={`/member/councils/${c.id}/news`}>{pick(c.name, lng)}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}
