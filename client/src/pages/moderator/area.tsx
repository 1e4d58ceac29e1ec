import { useTranslation } from 'react-i18next'
import { NavLink, Route, Routes } from 'react-router-dom'
import { hasRole, useSession } from '../../lib/session.js'
import { Loading } from '../../components/status.js'
import { Forbidden, SignInFirst } from '../account/sign-in-first.js'
import { VideoQueue } from './video-queue.js'
import { VideoReview } from './video-review.js'
import { Users } from './users.js'
import { NewCouncil } from './new-council.js'
import { AuditLog } from './audit.js'
import { Operations } from './operations.js'

/** Moderators: the video review queue and new councils; admins also users and roles, the audit log and operations. */
export default function ModerationArea() {
  const { t } = useTranslation()
  const { user, loading } = useSession()
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('nav.moderation')} />
  if (!hasRole(user, 'moderator', 'admin')) return <Forbidden />
  const admin = hasRole(user, 'admin')
  return (
    <>
      <h1>{t('nav.moderation')}</h1>
      <nav aria-label={t('member.sections')}>
        <ul className="tabs">
          <li>
            <NavLink to="/moderation" end>
              {t('moderation.videos')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/moderation/councils/new">{t('moderation.newCouncil')}</NavLink>
          </li>
          {admin && (
            <>
              <li>
                <NavLink to="/moderation/users">{t('moderation.users')}</NavLink>
              </li>
              <li>
                <NavLink to="/moderation/audit">{t('console.audit')}</NavLink>
              </li>
              <li>
                <NavLink to="/moderation/operations">{t('console.operations')}</NavLink>
              </li>
            </>
          )}
        </ul>
      </nav>
      <Routes>
        <Route index element={<VideoQueue />} />
        <Route path="videos/:id" element={<VideoReview />} />
        <Route path="councils/new" element={<NewCouncil />} />
        <Route path="users" element={admin ? <Users /> : <Forbidden />} />
        <Route path="audit" element={admin ? <AuditLog /> : <Forbidden />} />
        <Route path="operations" element={admin ? <Operations /> : <Forbidden />} />
      </Routes>
    </>
  )
}
