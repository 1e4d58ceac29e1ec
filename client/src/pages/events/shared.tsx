import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { EventSummary } from '../../api/events.js'
import { formatDate, pick } from '../../lib/format.js'
import { useLang } from '../../lib/hooks.js'
import type { Region } from '../../lib/types.js'
import './i18n.js'
import './events.css'

export { useRegions } from '../../api/directory.js'

export function regionName(regions: Region[], id: string | null | undefined, lng: 'kk' | 'ru'): string {
  const r = regions.find((x) => x.id === id)
  return r ? pick(r.name as { kk?: string; ru?: string }, lng) : ''
}

/** "places left" / "full" in words, never only by colour. */
export function Places({ e }: { e: Pick<EventSummary, 'placesLeft' | 'capacity' | 'registered'> }) {
  const { t } = useTranslation()
  return (
    <span className={e.placesLeft > 0 ? 'places' : 'places places-full'}>
      {e.placesLeft > 0 ? t('events:web.placesLeft', { count: e.placesLeft }) : t('events:web.full')}
    </span>
  )
}

export function EventCard({ e, regions }: { e: EventSummary; regions: Region[] }) {
  const { t } = useTranslation()
  const lng = useLang()
  const region = regionName(regions, e.venue?.regionId, lng)
  return (
    <li className="event-card">
      <p className="event-kind">
        <span className="badge">{t(`events:kind.${e.kind}`)}</span>{' '}
        {e.status !== 'published' && <span className="badge badge-muted">{t(`events:status.${e.status}`)}</span>}
      </p>
      <h2 className="event-card-title">
        <Link to={`/events/${e.slug}`}>{pick(e.title, lng)}</Link>
      </h2>
      <p className="meta">
        <time dateTime={e.startsAt}>{formatDate(e.startsAt, lng, true)}</time>
        {' · '}
        {t(`events:format.${e.format}`)}
        {region ? ` · ${region}` : ''}
      </p>
      {e.status === 'published' && new Date(e.endsAt).getTime() > Date.now() && (
        <p className="small">
          <Places e={e} />
        </p>
      )}
    </li>
  )
}
