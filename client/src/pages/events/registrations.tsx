import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { eventLinks, useEvent, useRegistrations } from '../../api/events.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { TableRegion } from '../../components/table-region.js'
import { formatDate, personName, pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { regionName, useRegions } from './shared.js'

/** Organizers: who registered, by region and council, against capacity and quota; CSV for Excel. */
export default function EventRegistrations() {
  const { idOrSlug } = useParams()
  const { t } = useTranslation()
  const lng = useLang()
  const ev = useEvent(idOrSlug)
  const regs = useRegistrations(ev.data?.id)
  const regions = useRegions()
  useTitle(t('events:web.registrations.title'))
  if ((ev.loading && !ev.data) || (regs.loading && !regs.data && !regs.error)) return <Loading />
  if (!ev.data) return <ErrorBox error={ev.error} />
  if (!regs.data) return <ErrorBox error={regs.error} />
  const e = ev.data
  const s = regs.data.summary
  return (
    <>
      <h1>{t('events:web.registrations.title')}</h1>
      <p>
        <Link to={`/events/${e.slug}`}>{pick(e.title, lng)}</Link>
      </p>
      <p className="counts">
        <strong>{t('events:web.registrations.capacity', { registered: s.registered, capacity: s.capacity })}</strong>
        <span>{t('events:web.waitlistedCount', { count: s.waitlisted })}</span>
        <span>{t('events:web.registrations.checkedIn', { count: s.checkedIn })}</span>
        {s.regionQuota != null && <span>{t('events:web.registrations.quota', { quota: s.regionQuota })}</span>}
      </p>
      <p className="actions">
        <a className="btn" href={eventLinks.csv(e.id, lng)} download>
          {t('events:web.registrations.csv')}
        </a>{' '}
        <Link className="btn" to={`/events/${e.id}/check-in`}>
          {t('events:web.event.checkIn')}
        </Link>
      </p>
      <h2>{t('events:web.registrations.byRegion')}</h2>
      <TableRegion label={t('events:web.registrations.byRegion')}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('events:web.registrations.region')}</th>
              <th scope="col">{t('events:web.registrations.registered')}</th>
              <th scope="col">{t('events:web.registrations.waitlisted')}</th>
            </tr>
          </thead>
          <tbody>
            {s.byRegion.map((r) => (
              <tr key={r.regionId ?? 'none'}>
                <th scope="row">
                  {r.regionId ? regionName(regions, r.regionId, lng) : t('events:web.registrations.noRegion')}
                </th>
                <td>
                  {r.registered}
                  {s.regionQuota != null && r.regionId ? ` / ${s.regionQuota}` : ''}
                </td>
                <td>{r.waitlisted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2>{t('events:web.registrations.byCouncil')}</h2>
      <TableRegion label={t('events:web.registrations.byCouncil')}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('events:web.registrations.council')}</th>
              <th scope="col">{t('events:web.registrations.registered')}</th>
              <th scope="col">{t('events:web.registrations.waitlisted')}</th>
            </tr>
          </thead>
          <tbody>
            {s.byCouncil.map((c) => (
              <tr key={c.councilId ?? 'none'}>
                <th scope="row">{c.councilName ? pick(c.councilName, lng) : '—'}</th>
                <td>{c.registered}</td>
                <td>{c.waitlisted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2>{t('events:web.event.registrations')}</h2>
      {regs.data.items.length === 0 ? (
        <Empty>{t('events:web.registrations.empty')}</Empty>
      ) : (
        <TableRegion label={t('events:web.event.registrations')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('events:web.registrations.name')}</th>
                <th scope="col">{t('events:web.registrations.council')}</th>
                <th scope="col">{t('events:web.registrations.status')}</th>
                <th scope="col">{t('events:web.registrations.checkedInAt')}</th>
              </tr>
            </thead>
            <tbody>
              {regs.data.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{personName(r.name, t)}</th>
                  <td>{r.councilName ? pick(r.councilName, lng) : '—'}</td>
                  <td>
                    {t(`events:registrationStatus.${r.status}`)}
                    {r.position != null ? ` (${r.position})` : ''}
                  </td>
                  <td>{r.checkedInAt ? formatDate(r.checkedInAt, lng, true) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  )
}
