import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { useCouncilQuery, useRegions } from '../../api/directory.js'
import { useNewsQuery } from '../../api/news.js'
import { useVideosQuery } from '../../api/videos.js'
import { formatNumber, pick, pickLang } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { canUser, useSession } from '../../lib/session.js'
import type { CouncilMember } from '../../lib/types.js'
import { NewsCard, VideoCard } from '../../components/cards.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'

const POSITION_ORDER = { chair: 0, deputy_chair: 1, secretary: 2, member: 3 } as const

/** A council's public profile: who sits on it, what it publishes, how it answers appeals. */
export default function Council() {
  const { t } = useTranslation()
  const lng = useLang()
  const { idOrSlug = '' } = useParams()
  const { user } = useSession()
  const regions = useRegions()
  const c = useCouncilQuery(idOrSlug)
  const council = c.data
  useTitle(council ? pick(council.name, lng) : undefined)
  const news = useNewsQuery({ council: council?.id, limit: 6 }, Boolean(council))
  const videos = useVideosQuery({ council: council?.id, limit: 4 }, Boolean(council))

  if (c.isLoading && !council) return <Loading />
  if (c.error || !council)
    return (
      <>
        <h1>{t('council.notFound')}</h1>
        <ErrorBox error={c.error} />
      </>
    )
  const region = regions.find((r) => r.id === council.regionId)
  const members = [...(council.members ?? [])].sort((a, b) => POSITION_ORDER[a.position] - POSITION_ORDER[b.position])
  const s = council.stats
  const mayEdit = canUser(user, 'council.update', council.id)

  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <Link to="/councils">{t('nav.councils')}</Link>
      </nav>
      <div className="profile-head">
        {council.logoUrl && (
          <img
            className="council-logo-lg"
            src={council.logoUrl}
            alt={t('council.logoAlt', { name: pick(council.name, lng) })}
          />
        )}
        <div>
          <h1 lang={pickLang(council.name, lng)}>{pick(council.name, lng)}</h1>
          <p className="meta">
            {t(`level.${council.level}`)}
            {region && <> · {pick(region.name, lng)}</>}
          </p>
          {council.stateBody && (
            <p>
              {t('council.stateBody')}:{' '}
              <span lang={pickLang(council.stateBody, lng)}>{pick(council.stateBody, lng)}</span>
            </p>
          )}
          <p className="actions">
            <Link className="btn btn-primary" to={`/appeals/new?council=${council.id}`}>
              {t('council.sendAppeal')}
            </Link>
            {mayEdit && (
              <Link className="btn" to={`/member/councils/${council.id}/profile`}>
                {t('council.edit')}
              </Link>
            )}
          </p>
        </div>
      </div>

      {council.description && (
        <section aria-labelledby="c-about">
          <h2 id="c-about">{t('council.about')}</h2>
          <p lang={pickLang(council.description, lng)} className="prewrap">
            {pick(council.description, lng)}
          </p>
        </section>
      )}

      {s && (
        <section aria-labelledby="c-stats">
          <h2 id="c-stats">{t('council.stats')}</h2>
          <dl className="stats">
            <div>
              <dt>{t('council.statNews')}</dt>
              <dd>{formatNumber(s.news, lng)}</dd>
            </div>
            <div>
              <dt>{t('council.statVideos')}</dt>
              <dd>{formatNumber(s.videos, lng)}</dd>
            </div>
            <div>
              <dt>{t('council.statReceived')}</dt>
              <dd>{formatNumber(s.appeals?.received, lng)}</dd>
            </div>
            <div>
              <dt>{t('council.statAnswered')}</dt>
              <dd>{formatNumber(s.appeals?.answered, lng)}</dd>
            </div>
            <div>
              <dt>{t('council.statOverdue')}</dt>
              <dd>{formatNumber(s.appeals?.overdue, lng)}</dd>
            </div>
            <div>
              <dt>{t('council.statMedian')}</dt>
              <dd>
                {s.medianResponseDays === null || s.medianResponseDays === undefined
                  ? '—'
                  : t('council.days', { n: formatNumber(s.medianResponseDays, lng, { maximumFractionDigits: 1 }) })}
              </dd>
            </div>
          </dl>
        </section>
      )}

      <section aria-labelledby="c-members">
        <h2 id="c-members">{t('council.members')}</h2>
        {members.length === 0 ? (
          <Empty>{t('council.noMembers')}</Empty>
        ) : (
          <ul className="members">
            {members.map((m, i) => (
              <Member key={m.id ?? i} m={m} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="c-news">
        <div className="section-head">
          <h2 id="c-news">{t('council.news')}</h2>
          <Link to={`/news?council=${council.id}`}>{t('home.allNews')}</Link>
        </div>
        {news.isLoading ? <Loading /> : <ErrorBox error={news.error} />}
        {news.data &&
          (news.data.items.length ? (
            <div className="grid">
              {news.data.items.map((n) => (
                <NewsCard key={n.id} item={n} />
              ))}
            </div>
          ) : (
            <Empty>{t('news.empty')}</Empty>
          ))}
      </section>

      <section aria-labelledby="c-videos">
        <div className="section-head">
          <h2 id="c-videos">{t('council.videos')}</h2>
          <Link to={`/videos?council=${council.id}`}>{t('home.allVideos')}</Link>
        </div>
        {videos.isLoading ? <Loading /> : <ErrorBox error={videos.error} />}
        {videos.data &&
          (videos.data.items.length ? (
            <div className="grid grid-4">
              {videos.data.items.map((v) => (
                <VideoCard key={v.id} video={v} />
              ))}
            </div>
          ) : (
            <Empty>{t('video.empty')}</Empty>
          ))}
      </section>

      <section aria-labelledby="c-contacts">
        <h2 id="c-contacts">{t('council.contacts')}</h2>
        <dl className="contacts">
          {council.contacts?.address && (
            <>
              <dt>{t('council.address')}</dt>
              <dd lang={pickLang(council.contacts.address, lng)}>{pick(council.contacts.address, lng)}</dd>
            </>
          )}
          {council.contacts?.phone && (
            <>
              <dt>{t('council.phone')}</dt>
              <dd>
                <a href={`tel:${council.contacts.phone.replace(/[^\d+]/g, '')}`}>{council.contacts.phone}</a>
              </dd>
            </>
          )}
          {council.contacts?.email && (
            <>
              <dt>{t('council.email')}</dt>
              <dd>
                <a href={`mailto:${council.contacts.email}`}>{council.contacts.email}</a>
              </dd>
            </>
          )}
          {council.contacts?.website && /^https?:\/\//.test(council.contacts.website) && (
            <>
              <dt>{t('council.website')}</dt>
              <dd>
                <a href={council.contacts.website} rel="noopener noreferrer">
                  {council.contacts.website}
                </a>
              </dd>
            </>
          )}
        </dl>
        {!council.contacts?.address &&
          !council.contacts?.phone &&
          !council.contacts?.email &&
          !council.contacts?.website && <Empty>{t('council.noContacts')}</Empty>}
        <p>
          <Link to={`/qa?council=${council.id}`}>{t('council.qa')}</Link>
        </p>
      </section>
    </>
  )
}

function Member({ m }: { m: CouncilMember }) {
  const { t } = useTranslation()
  const lng = useLang()
  return (
    <li className="member">
      {m.photoUrl ? (
        <img src={m.photoUrl} alt="" className="avatar" loading="lazy" />
      ) : (
        <span className="avatar placeholder" aria-hidden="true">
          {pick(m.fullName, lng).slice(0, 1)}
        </span>
      )}
      <span>
        <span className="member-name" lang={pickLang(m.fullName, lng)}>
          {pick(m.fullName, lng)}
        </span>
        <br />
        <span className="muted small">{t(`position.${m.position}`)}</span>
      </span>
    </li>
  )
}
