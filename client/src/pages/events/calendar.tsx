import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { EVENT_KINDS, useEventList, useMonthEvents, type EventSummary } from '../../api/events.js'
import { FilterSelect } from '../../components/filter-select.js'
import { More } from '../../components/more.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { useQueryParams, useSearchBox } from '../../lib/query-params.js'
import { hasRole, useSession } from '../../lib/session.js'
import { EventCard, useRegions } from './shared.js'

/** The events calendar: a list (upcoming by default) or a month grid, filtered by kind, region and time. */
export default function EventsCalendar() {
  const { t } = useTranslation()
  const lng = useLang()
  const qp = useQueryParams()
  const { user } = useSession()
  const regions = useRegions()
  useTitle(t('events:web.calendar.title'))
  const view = qp.get('view') === 'month' ? 'month' : 'list'
  const search = useSearchBox(qp)
  const filters = {
    kind: qp.get('kind'),
    regionId: qp.get('region'),
    when: qp.get('when') || 'upcoming',
    q: qp.get('q'),
  }
  return (
    <>
      <h1>{t('events:web.calendar.title')}</h1>
      <p className="actions">
        {user && (
          <Link className="btn" to="/events/mine">
            {t('events:web.calendar.mine')}
          </Link>
        )}{' '}
        {hasRole(user, 'council_member', 'moderator', 'admin') && (
          <Link className="btn btn-primary" to="/events/new">
            {t('events:web.calendar.create')}
          </Link>
        )}
      </p>
      <form
        className="filters"
        role="search"
        aria-label={t('events:web.calendar.searchLabel')}
        onSubmit={search.submit}
      >
        <div className="field">
          <label htmlFor="ev-q">{t('events:web.calendar.search')}</label>
          <input id="ev-q" type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} />
        </div>
        <FilterSelect
          id="ev-kind"
          label={t('events:web.calendar.kind')}
          name="kind"
          qp={qp}
          all={t('events:web.calendar.all')}
          options={EVENT_KINDS.map((k) => [k, t(`events:kind.${k}`)] as const)}
        />
        <FilterSelect
          id="ev-region"
          label={t('events:web.calendar.region')}
          name="region"
          qp={qp}
          all={t('events:web.calendar.all')}
          options={regions.map((r) => [r.id, pick(r.name as { kk?: string; ru?: string }, lng)] as const)}
        />
        {view === 'list' && (
          <FilterSelect
            id="ev-when"
            label={t('events:web.calendar.when')}
            name="when"
            qp={qp}
            fallback="upcoming"
            options={[
              ['upcoming', t('events:web.calendar.upcoming')],
              ['past', t('events:web.calendar.past')],
            ]}
          />
        )}
        <button type="submit" className="btn btn-primary">
          {t('events:web.calendar.find')}
        </button>
      </form>
      <div className="view-switch" role="group" aria-label={t('events:web.calendar.title')}>
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={view === 'list'}
          onClick={() => qp.set('view', '')}
        >
          {t('events:web.calendar.list')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={view === 'month'}
          onClick={() => qp.set('view', 'month')}
        >
          {t('events:web.calendar.month')}
        </button>
      </div>
      {view === 'list' ? <ListView filters={filters} /> : <MonthView filters={filters} />}
    </>
  )
}

function ListView({ filters }: { filters: { kind: string; regionId: string; when: string; q: string } }) {
  const { t } = useTranslation()
  const regions = useRegions()
  const list = useEventList(filters)
  return (
    <>
      <ErrorBox error={list.error} />
      {list.loading && list.items.length === 0 && <Loading />}
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{t('events:web.calendar.empty')}</Empty>}
      <ul className="event-list">
        {list.items.map((e) => (
          <EventCard key={e.id} e={e} regions={regions} />
        ))}
      </ul>
      <More list={list} />
    </>
  )
}

const pad = (n: number) => String(n).padStart(2, '0')

function MonthView({ filters }: { filters: { kind: string; regionId: string; q: string } }) {
  const { t } = useTranslation()
  const lng = useLang()
  const qp = useQueryParams()
  const now = new Date()
  const [y, m] = (qp.get('month') || `${now.getFullYear()}-${pad(now.getMonth() + 1)}`).split('-').map(Number)
  const first = new Date(y, m - 1, 1)
  const next = new Date(y, m, 1)
  const data = useMonthEvents(first.toISOString(), next.toISOString(), filters)
  const byDay = useMemo(() => {
    const map = new Map<string, EventSummary[]>()
    for (const e of data.data?.items ?? []) {
      const d = new Date(e.startsAt)
      const key = `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
      map.set(key, [...(map.get(key) ?? []), e])
    }
    return map
  }, [data.data])
  // Names from our own strings: some Chromium builds ship without Kazakh calendar data.
  const title = `${t('events:web.calendar.months').split(',')[m - 1]} ${y}`
  const weekdays = t('events:web.calendar.weekdays').split(',')
  const offset = (first.getDay() + 6) % 7 // weeks start on Monday in Kazakhstan
  const days = Array.from({ length: 42 }, (_, i) => new Date(y, m - 1, 1 - offset + i))
  const weeks = Array.from({ length: 6 }, (_, w) => days.slice(w * 7, w * 7 + 7)).filter(
    (w, i) => i < 5 || w[0].getMonth() === m - 1,
  )
  const go = (d: Date) => qp.set('month', `${d.getFullYear()}-${pad(d.getMonth() + 1)}`)
  return (
    <>
      <div className="month-nav">
        <button type="button" className="btn btn-small" onClick={() => go(new Date(y, m - 2, 1))}>
          <span aria-hidden="true">←</span> <span className="sr-only">{t('events:web.calendar.prevMonth')}</span>
        </button>
        <h2 aria-live="polite">{title}</h2>
        <button type="button" className="btn btn-small" onClick={() => go(next)}>
          <span className="sr-only">{t('events:web.calendar.nextMonth')}</span> <span aria-hidden="true">→</span>
        </button>
      </div>
      <ErrorBox error={data.error} />
      <table className="month">
        <caption className="sr-only">{title}</caption>
        <thead>
          <tr>
            {weekdays.map((d) => (
              <th scope="col" key={d}>
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, wi) => (
            <tr key={wi}>
              {week.map((d) => {
                const events = byDay.get(`${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`) ?? []
                return (
                  <td key={d.toISOString()} className={d.getMonth() === m - 1 ? undefined : 'other'}>
                    <span className="day-num">{d.getDate()}</span>
                    {events.map((e) => (
                      <Link key={e.id} to={`/events/${e.slug}`}>
                        {pick(e.title, lng)}
                      </Link>
                    ))}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {!data.loading && (data.data?.items.length ?? 0) === 0 && <Empty>{t('events:web.calendar.empty')}</Empty>}
    </>
  )
}
