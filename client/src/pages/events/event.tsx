import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useParams } from 'react-router-dom'
import { eventEndpoints, eventLinks, useEvent, type EventView } from '../../api/events.js'
import { ErrorBox, Loading, Notice } from '../../components/status.js'
import { formatBytes, formatDate, pick, pickLang } from '../../lib/format.js'
import { useSubmit } from '../../lib/form.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { Places, regionName, useRegions } from './shared.js'

/** One event: what, when, where, who organizes, places left, materials, outcome, and registration. */
export default function EventPage() {
  const { idOrSlug } = useParams()
  const { t } = useTranslation()
  const lng = useLang()
  const ev = useEvent(idOrSlug)
  const regions = useRegions()
  const e = ev.data
  useTitle(e ? pick(e.title, lng) : undefined)
  if (ev.loading && !e) return <Loading />
  if (ev.error?.status === 404) return <h1>{t('events:web.event.notFound')}</h1>
  if (!e) return <ErrorBox error={ev.error} />
  const region = regionName(regions, e.venue?.regionId, lng)
  const upcoming = new Date(e.endsAt).getTime() > Date.now()
  return (
    <article>
      <p className="event-badges">
        <span className="badge">{t(`events:kind.${e.kind}`)}</span>{' '}
        {e.status !== 'published' && <span className="badge badge-muted">{t(`events:status.${e.status}`)}</span>}
      </p>
      <h1 lang={pickLang(e.title, lng)}>{pick(e.title, lng)}</h1>
      <dl className="event-facts">
        <dt>{t('events:web.event.when')}</dt>
        <dd>
          <time dateTime={e.startsAt}>{formatDate(e.startsAt, lng, true)}</time> –{' '}
          <time dateTime={e.endsAt}>{formatDate(e.endsAt, lng, true)}</time>
        </dd>
        <dt>{t('events:web.event.format')}</dt>
        <dd>{t(`events:format.${e.format}`)}</dd>
        {e.venue && (
          <>
            <dt>{t('events:web.event.where')}</dt>
            <dd>
              {pick(e.venue.address, lng)}
              {region ? `, ${region}` : ''}
            </dd>
          </>
        )}
        {e.onlineUrl && (
          <>
            <dt>{t('events:web.event.onlineUrl')}</dt>
            <dd>
              <a href={e.onlineUrl} rel="noopener noreferrer" target="_blank">
                {e.onlineUrl}
              </a>
            </dd>
          </>
        )}
        <dt>{t('events:web.event.organizers')}</dt>
        <dd>
          {e.organizerCouncils.map((c, i) => (
            <span key={c.id}>
              {i > 0 && ', '}
              <Link to={`/councils/${c.slug}`}>{pick(c.name, lng)}</Link>
            </span>
          ))}
        </dd>
        <dt>{t('events:web.event.audience')}</dt>
        <dd>{t(`events:audience.${e.audience}`)}</dd>
        {upcoming && (
          <>
            <dt>{t('events:web.event.registrationClosesAt')}</dt>
            <dd>{formatDate(e.registrationClosesAt, lng, true)}</dd>
          </>
        )}
      </dl>
      {upcoming && e.status === 'published' && (
        <p>
          <Places e={e} /> · {t('events:web.registeredOf', { registered: e.registered, capacity: e.capacity })}
          {e.waitlisted > 0 && <> · {t('events:web.waitlistedCount', { count: e.waitlisted })}</>}
        </p>
      )}
      <p>
        <a className="btn" href={eventLinks.ics(e.slug, lng)} download>
          {t('events:web.event.addToCalendar')}
        </a>
      </p>
      {upcoming && e.status === 'published' && <RegisterBox e={e} onChange={ev.reload} />}
      <div className="prose prewrap" lang={pickLang(e.description, lng)}>
        {pick(e.description, lng)}
      </div>
      <Materials e={e} />
      {e.outcome && <Outcome e={e} />}
      {e.canOrganize && <OrganizerTools e={e} onChange={ev.reload} />}
    </article>
  )
}

function RegisterBox({ e, onChange }: { e: EventView; onChange(): void }) {
  const { t } = useTranslation()
  const { user } = useSession()
  const loc = useLocation()
  const submit = useSubmit()
  const [done, setDone] = useState<string | null>(null)
  const mine = e.myRegistration
  const open = new Date(e.registrationClosesAt).getTime() > Date.now()
  const register = () =>
    void submit.run(async () => {
      await eventEndpoints.register(e.id)
      setDone(null)
      onChange()
    })
  const cancel = () =>
    void submit.run(async () => {
      await eventEndpoints.cancelMine(e.id)
      setDone(t('events:web.register.cancelled'))
      onChange()
    })
  return (
    <section className="register-box" aria-labelledby="reg-h">
      <h2 id="reg-h" className="sr-only">
        {t('events:web.register.button')}
      </h2>
      <ErrorBox error={submit.error} />
      {done && <Notice kind="success">{done}</Notice>}
      {mine ? (
        <>
          <Notice kind={mine.status === 'registered' ? 'success' : 'info'}>
            {mine.status === 'registered'
              ? t('events:web.register.registered', { code: mine.code })
              : t('events:web.register.waitlisted', { position: mine.position, code: mine.code })}
          </Notice>
          <button type="button" className="btn" disabled={submit.busy} onClick={cancel}>
            {t('events:web.register.cancel')}
          </button>
        </>
      ) : !open ? (
        <p>{t('events:web.register.closed')}</p>
      ) : !user ? (
        <Link className="btn btn-primary" to={`/login?next=${encodeURIComponent(loc.pathname)}`}>
          {t('events:web.register.signIn')}
        </Link>
      ) : e.audience === 'members' && !hasRole(user, 'council_member') ? (
        <p>{t('events:web.register.membersOnly')}</p>
      ) : (
        <button type="button" className="btn btn-primary" disabled={submit.busy} onClick={register}>
          {t('events:web.register.button')}
        </button>
      )}
    </section>
  )
}

function Materials({ e }: { e: EventView }) {
  const { t } = useTranslation()
  const lng = useLang()
  return (
    <section aria-labelledby="mat-h">
      <h2 id="mat-h">{t('events:web.event.materials')}</h2>
      {e.materials.length === 0 ? (
        <p className="muted">{t('events:web.event.noMaterials')}</p>
      ) : (
        <ul className="file-list">
          {e.materials.map((m) => (
            <li key={m.id}>
              <a href={m.url} download>
                {pick(m.title, lng) || m.fileName}
              </a>{' '}
              <span className="muted small">
                ({m.fileName.split('.').pop()?.toUpperCase()}, {formatBytes(m.size, lng)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Outcome({ e }: { e: EventView }) {
  const { t } = useTranslation()
  const lng = useLang()
  const o = e.outcome!
  return (
    <section aria-labelledby="out-h">
      <h2 id="out-h">{t('events:web.event.outcome')}</h2>
      <div className="prose prewrap" lang={pickLang(o.summary, lng)}>
        {pick(o.summary, lng)}
      </div>
      {o.recommendations.length > 0 && (
        <>
          <h3>{t('events:web.event.recommendations')}</h3>
          <ol>
            {o.recommendations.map((r, i) => (
              <li key={i}>{pick(r, lng)}</li>
            ))}
          </ol>
        </>
      )}
      {(o.relatedNewsIds.length > 0 || o.relatedVideoIds.length > 0) && (
        <ul className="inline-list">
          {o.relatedNewsIds.map((id, i) => (
            <li key={id}>
              <Link to={`/news/${id}`}>
                {t('events:web.event.relatedNews')} {i + 1}
              </Link>
            </li>
          ))}
          {o.relatedVideoIds.map((id, i) => (
            <li key={id}>
              <Link to={`/videos/${id}`}>
                {t('events:web.event.relatedVideo')} {i + 1}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function OrganizerTools({ e, onChange }: { e: EventView; onChange(): void }) {
  const { t } = useTranslation()
  const submit = useSubmit()
  return (
    <section aria-labelledby="org-h" className="card card-body">
      <h2 id="org-h">{t('events:web.event.manage')}</h2>
      <ErrorBox error={submit.error} />
      <p className="actions">
        <Link className="btn" to={`/events/${e.id}/edit`}>
          {t('events:web.event.edit')}
        </Link>{' '}
        <Link className="btn" to={`/events/${e.id}/registrations`}>
          {t('events:web.event.registrations')}
        </Link>{' '}
        <Link className="btn" to={`/events/${e.id}/check-in`}>
          {t('events:web.event.checkIn')}
        </Link>{' '}
        {e.kind === 'dialogue' &&
          (e.chatRoomId ? (
            <Link className="btn" to={`/member/chat/${e.chatRoomId}`}>
              {t('events:web.event.goToChat')}
            </Link>
          ) : (
            <button
              type="button"
              className="btn"
              disabled={submit.busy}
              onClick={() =>
                void submit.run(async () => {
                  await eventEndpoints.openChatRoom(e.id)
                  onChange()
                })
              }
            >
              {t('events:web.event.openChat')}
            </button>
          ))}
      </p>
    </section>
  )
}
