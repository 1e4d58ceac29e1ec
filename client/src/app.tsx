import { lazy, Suspense, useCallback, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { BrowserRouter, Route, Routes } from 'react-router-dom'
import { api } from './lib/api.js'
import { PrefsProvider, usePrefs } from './lib/prefs.js'
import { SessionProvider, useSession } from './lib/session.js'
import type { AccessibilityPrefs, User } from './lib/types.js'
import { Layout } from './components/layout.js'
import { Loading } from './components/status.js'
import { Home } from './pages/public/home.js'

// Every page but the home page is its own chunk; the member and moderator areas are one chunk each.
const Councils = lazy(() => import('./pages/public/councils.js'))
const Council = lazy(() => import('./pages/public/council.js'))
const NewsList = lazy(() => import('./pages/public/news-list.js'))
const NewsArticle = lazy(() => import('./pages/public/news-article.js'))
const Videos = lazy(() => import('./pages/public/videos.js'))
const VideoPage = lazy(() => import('./pages/public/video.js'))
const Qa = lazy(() => import('./pages/public/qa.js'))
const AppealForm = lazy(() => import('./pages/appeals/appeal-form.js'))
const AppealConfirm = lazy(() => import('./pages/appeals/confirm.js'))
const AppealTrack = lazy(() => import('./pages/appeals/track.js'))
const MyAppeals = lazy(() => import('./pages/appeals/mine.js'))
const MyAppeal = lazy(() => import('./pages/appeals/my-appeal.js'))
const Login = lazy(() => import('./pages/account/login.js'))
const Register = lazy(() => import('./pages/account/register.js'))
const VerifyEmail = lazy(() => import('./pages/account/verify-email.js'))
const Forgot = lazy(() => import('./pages/account/forgot.js'))
const Reset = lazy(() => import('./pages/account/reset.js'))
const Profile = lazy(() => import('./pages/account/profile.js'))
const MemberArea = lazy(() => import('./pages/member/area.js'))
const ModerationArea = lazy(() => import('./pages/moderator/area.js'))
const NotFound = lazy(() => import('./pages/public/not-found.js'))
const Indicators = lazy(() => import('./pages/grant/indicators.js'))
const Help = lazy(() => import('./pages/grant/help.js'))
const Ticket = lazy(() => import('./pages/grant/ticket.js'))
const SupportQueue = lazy(() => import('./pages/grant/queue.js'))
const Practices = lazy(() => import('./pages/grant/practices.js'))
const PracticesManage = lazy(() => import('./pages/grant/practices-manage.js'))

export function App() {
  return (
    <Providers>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<Home />} />
              <Route path="councils" element={<Councils />} />
              <Route path="councils/:idOrSlug" element={<Council />} />
              <Route path="news" element={<NewsList />} />
              <Route path="news/:idOrSlug" element={<NewsArticle />} />
              <Route path="videos" element={<Videos />} />
              <Route path="videos/:id" element={<VideoPage />} />
              <Route path="qa" element={<Qa />} />
              <Route path="appeals/new" element={<AppealForm />} />
              <Route path="appeals/confirm" element={<AppealConfirm />} />
              <Route path="appeals/track" element={<AppealTrack />} />
              <Route path="appeals/mine" element={<MyAppeals />} />
              <Route path="appeals/mine/:id" element={<MyAppeal />} />
              <Route path="indicators" element={<Indicators />} />
              <Route path="best-practices" element={<Practices />} />
              <Route path="best-practices/manage" element={<PracticesManage />} />
              <Route path="help" element={<Help />} />
              <Route path="help/tickets/:id" element={<Ticket />} />
              <Route path="help/queue" element={<SupportQueue />} />
              <Route path="login" element={<Login />} />
              <Route path="register" element={<Register />} />
              <Route path="verify-email" element={<VerifyEmail />} />
              <Route path="forgot-password" element={<Forgot />} />
              <Route path="reset-password" element={<Reset />} />
              <Route path="profile" element={<Profile />} />
              <Route
                path="member/*"
                element={
                  <Suspense fallback={<Loading />}>
                    <MemberArea />
                  </Suspense>
                }
              />
              <Route
                path="moderation/*"
                element={
                  <Suspense fallback={<Loading />}>
                    <ModerationArea />
                  </Suspense>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Providers>
  )
}

/**
 * Session and preferences know each other: a signed-in person's saved language and accessibility
 * settings are applied on sign-in, and changes made on any page are saved to the profile.
 */
function Providers({ children }: { children: React.ReactNode }) {
  const bridge = useRef<{ onUser?: (u: User) => void; onPrefs?: (p: AccessibilityPrefs) => void }>({})
  const onUser = useCallback((u: User) => bridge.current.onUser?.(u), [])
  const onPrefs = useCallback((p: AccessibilityPrefs) => bridge.current.onPrefs?.(p), [])
  return (
    <SessionProvider onUser={onUser}>
      <PrefsProvider onChange={onPrefs}>
        <Bridge bridge={bridge} />
        {children}
      </PrefsProvider>
    </SessionProvider>
  )
}

function Bridge({
  bridge,
}: {
  bridge: React.RefObject<{ onUser?: (u: User) => void; onPrefs?: (p: AccessibilityPrefs) => void }>
}) {
  const { user } = useSession()
  const { replace } = usePrefs()
  const { i18n } = useTranslation()
  const seen = useRef<string | null>(null)
  bridge.current.onUser = (u: User) => {
    if (seen.current === u.id) return
    seen.current = u.id // apply the profile once per sign-in, not on every refresh
    if (u.locale && u.locale !== i18n.language) void i18n.changeLanguage(u.locale)
    if (u.accessibility) replace(u.accessibility)
  }
  bridge.current.onPrefs = (p: AccessibilityPrefs) => {
    if (user) void api('/auth/me', { method: 'PATCH', body: { accessibility: p } }).catch(() => {})
  }
  return null
}
