import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useMyRegistrations } from '../../api/events.js'
import { More } from '../../components/more.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useSession } from '../../lib/session.js'
import { SignInFirst } from '../account/sign-in-first.js'
import './shared.js'

/** "My events": every registration with its status, waiting-list place and code. */
export default function MyEvents() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user, loading } = useSession()
  useTitle(t('events:web.mine.title'))
  const list = useMyRegistrations(Boolean(user))
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('events:web.mine.title')} />
  return (
    <>
      <h1>{t('events:web.mine.title')}</h1>
      <ErrorBox error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('events:web.mine.empty')}</Empty>}
      <ul className="event-list">
        {list.items.map((r) => (
          <li className="event-card" key={r.id}>
            <h2 className="event-card-title">
              <Link to={`/events/${r.event.slug}`}>{pick(r.event.title, lng)}</Link>
            </h2>
            <p className="meta">
              <time dateTime={r.event.startsAt}>{formatDate(r.event.startsAt, lng, true)}</time>
              {r.event.status === 'cancelled' && <> · {t('events:status.cancelled')}</>}
            </p>
            <p>
              <strong>{t(`events:registrationStatus.${r.status}`)}</strong>
              {r.status === 'waitlisted' && r.position != null && (
                <>, {t('events:web.mine.position', { position: r.position })}</>
              )}
              {' · '}
              <span className="code">{t('events:web.mine.code', { code: r.code })}</span>
              {r.checkedInAt && <> · {t('events:web.mine.checkedIn')}</>}
            </p>
          </li>
        ))}
      </ul>
      {list.loading && list.items.length === 0 && <Loading />}
      <More list={list} />
    </>
  )
}
