import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink, Route, Routes, useParams } from 'react-router-dom'
import { useCouncilMap } from '../../api/directory.js'
import { pick } from '../../lib/format.js'
import { useLang } from '../../lib/hooks.js'
import { canUser, hasRole, useSession } from '../../lib/session.js'
import { Loading } from '../../components/status.js'
import { Forbidden, SignInFirst } from '../account/sign-in-first.js'
import { Dashboard } from './dashboard.js'
import { CouncilNews } from './council-news.js'
import { NewsEditor } from './news-editor.js'
import { CouncilVideos } from './council-videos.js'
import { AppealsQueue } from './appeals-queue.js'
import { AppealHandle } from './appeal-handle.js'
import { CouncilProfileEdit } from './council-profile-edit.js'

// socket.io-client only for those who open the chat.
const Chat = lazy(() => import('./chat.js'))

/** The council member's area (one chunk, loaded only by members, moderators and admins). */
export default function MemberArea() {
  const { t } = useTranslation()
  const { user, loading } = useSession()
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('nav.member')} />
  if (!hasRole(user, 'council_member', 'moderator', 'admin')) return <Forbidden />
  return (
    <Routes>
      <Route index element={<Dashboard />} />
      <Route path="news/new" element={<NewsEditor />} />
      <Route path="news/:id/edit" element={<NewsEditor />} />
      <Route path="councils/:councilId/*" element={<Workspace />} />
      <Route
        path="chat"
        element={
          <Suspense fallback={<Loading />}>
            <Chat />
          </Suspense>
        }
      />
      <Route
        path="chat/:roomId"
        element={
          <Suspense fallback={<Loading />}>
            <Chat />
          </Suspense>
        }
      />
    </Routes>
  )
}

/** One council's tabs: news, videos, appeals, profile. */
function Workspace() {
  const { t } = useTranslation()
  const lng = useLang()
  const { councilId = '' } = useParams()
  const { user } = useSession()
  const councils = useCouncilMap()
  const council = councils.get(councilId)
  if (!canUser(user, 'news.publish', councilId) && !canUser(user, 'appeal.read_council', councilId))
    return <Forbidden />
  const base = `/member/councils/${councilId}`
  return (
    <>
      <nav aria-label={t('nav.breadcrumbs')} className="breadcrumbs">
        <NavLink to="/member" end>
          {t('nav.member')}
        </NavLink>
      </nav>
      <h1>{council ? pick(council.name, lng) : '…'}</h1>
      <nav aria-label={t('member.sections')}>
        <ul className="tabs">
          <li>
            <NavLink to={`${base}/news`}>{t('member.news')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/videos`}>{t('member.videos')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/appeals`}>{t('member.appeals')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/profile`}>{t('member.profile')}</NavLink>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route index element={<CouncilNews councilId={councilId} />} />
        <Route path="news" element={<CouncilNews councilId={councilId} />} />
        <Route path="videos" element={<CouncilVideos councilId={councilId} />} />
        <Route path="appeals" element={<AppealsQueue councilId={councilId} />} />
        <Route path="appeals/:appealId" element={<AppealHandle councilId={councilId} />} />
        <Route path="profile" element={<CouncilProfileEdit councilId={councilId} />} />
      </Routes>
    </>
  )
}
