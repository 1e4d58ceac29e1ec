import { QueryClientProvider, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { Suspense, useCallback, useEffect, useRef } from 'react'
import type { i18n as I18n } from 'i18next'
import { I18nextProvider, useTranslation } from 'react-i18next'
import { BrowserRouter, matchRoutes, Route, Routes } from 'react-router-dom'
import { useUpdateMeMutation } from './api/auth.js'
import i18next, { isLang, langPicked } from './lib/i18n.js'
import { TitleSink } from './lib/hooks.js'
import { PrefsProvider, usePrefs } from './lib/prefs.js'
import { SessionProvider, useSession } from './lib/session.js'
import type { AccessibilityPrefs, User } from './lib/types.js'
import { Layout } from './components/layout.js'
import { Loading } from './components/status.js'
import { Home } from './pages/public/home.js'
import { lazyPage, type LazyPage } from './lib/lazy-page.js'

// Every page but the home page is its own chunk; the member and moderator areas are one chunk each.
const Councils = lazyPage(() => import('./pages/public/councils.js'))
const Council = lazyPage(() => import('./pages/public/council.js'))
const NewsList = lazyPage(() => import('./pages/public/news-list.js'))
const NewsArticle = lazyPage(() => import('./pages/public/news-article.js'))
const Videos = lazyPage(() => import('./pages/public/videos.js'))
const VideoPage = lazyPage(() => import('./pages/public/video.js'))
const Qa = lazyPage(() => import('./pages/public/qa.js'))
const AppealForm = lazyPage(() => import('./pages/appeals/appeal-form.js'))
const AppealConfirm = lazyPage(() => import('./pages/appeals/confirm.js'))
const AppealTrack = lazyPage(() => import('./pages/appeals/track.js'))
const MyAppeals = lazyPage(() => import('./pages/appeals/mine.js'))
const MyAppeal = lazyPage(() => import('./pages/appeals/my-appeal.js'))
const Login = lazyPage(() => import('./pages/account/login.js'))
const Register = lazyPage(() => import('./pages/account/register.js'))
const VerifyEmail = lazyPage(() => import('./pages/account/verify-email.js'))
const Forgot = lazyPage(() => import('./pages/account/forgot.js'))
const Reset = lazyPage(() => import('./pages/account/reset.js'))
const Profile = lazyPage(() => import('./pages/account/profile.js'))
const MemberArea = lazyPage(() => import('./pages/member/area.js'))
const ModerationArea = lazyPage(() => import('./pages/moderator/area.js'))
const EventsCalendar = lazyPage(() => import('./pages/events/calendar.js'))
const EventPage = lazyPage(() => import('./pages/events/event.js'))
const MyEvents = lazyPage(() => import('./pages/events/mine.js'))
const EventEditor = lazyPage(() => import('./pages/events/editor.js'))
const EventRegistrations = lazyPage(() => import('./pages/events/registrations.js'))
const EventCheckIn = lazyPage(() => import('./pages/events/check-in.js'))
const GrantsArea = lazyPage(() => import('./pages/grants/area.js'))
const NotFound = lazyPage(() => import('./pages/public/not-found.js'))
const Indicators = lazyPage(() => import('./pages/grant/indicators.js'))
const Help = lazyPage(() => import('./pages/grant/help.js'))
const Ticket = lazyPage(() => import('./pages/grant/ticket.js'))
const SupportQueue = lazyPage(() => import('./pages/grant/queue.js'))
const Practices = lazyPage(() => import('./pages/grant/practices.js'))
const PracticesManage = lazyPage(() => import('./pages/grant/practices-manage.js'))

/**
 * The pages rendered on the server (entry-server.tsx), with the lazy chunk (Vite manifest key) each
 * one's HTML comes from, so the server can preload it, and its page, so the browser can load it
 * before hydrating (main.tsx). `false`: same shape as a public page, rendered in the browser.
 */
export const SERVER_PAGES: { path: string; chunk: string | null | false; page?: LazyPage }[] = [
  { path: '/', chunk: null },
  { path: '/councils', chunk: 'src/pages/public/councils.tsx', page: Councils },
  { path: '/councils/:idOrSlug', chunk: 'src/pages/public/council.tsx', page: Council },
  { path: '/news', chunk: 'src/pages/public/news-list.tsx', page: NewsList },
  { path: '/news/:idOrSlug', chunk: 'src/pages/public/news-article.tsx', page: NewsArticle },
  { path: '/videos', chunk: 'src/pages/public/videos.tsx', page: Videos },
  { path: '/videos/:id', chunk: 'src/pages/public/video.tsx', page: VideoPage },
  { path: '/events/:idOrSlug', chunk: 'src/pages/events/event.tsx', page: EventPage },
  { path: '/events/new', chunk: false },
  { path: '/events/mine', chunk: false },
]

/** Loads the chunk of the server-rendered page at `pathname` (each page renders its own not-found view). */
export function preloadServerPage(pathname: string): Promise<unknown> {
  return matchRoutes(SERVER_PAGES, pathname)?.[0]?.route.page?.preload() ?? Promise.resolve()
}

/** `queryClient` comes from createQueryClient() (api/query-client.ts): one per browser tab or per server render. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <Providers queryClient={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  )
}

/**
 * Every page, inside whatever router the caller gives: BrowserRouter in the browser (App),
 * StaticRouter when the server renders a public page (entry-server.tsx). Same tree on both sides,
 * so the browser hydrates the server's HTML.
 */
export function AppRoutes() {
  return (
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
          <Route path="events" element={<EventsCalendar />} />
          <Route path="events/new" element={<EventEditor />} />
          <Route path="events/mine" element={<MyEvents />} />
          <Route path="events/:idOrSlug" element={<EventPage />} />
          <Route path="events/:idOrSlug/edit" element={<EventEditor />} />
          <Route path="events/:idOrSlug/registrations" element={<EventRegistrations />} />
          <Route path="events/:idOrSlug/check-in" element={<EventCheckIn />} />
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
          <Route
            path="grants/*"
            element={
              <Suspense fallback={<Loading />}>
                <GrantsArea />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  )
}

/**
 * Session and preferences know each other: a signed-in person's saved language and accessibility
 * settings are applied on sign-in, and changes made on any page are saved to the profile.
 */
export function Providers({
  children,
  queryClient,
  i18n = i18next,
  title = null,
}: {
  children: React.ReactNode
  queryClient: QueryClient
  /** The server passes a clone fixed to the request's language; the browser uses the global one. */
  i18n?: I18n
  /** The server collects the page's title here (useTitle). */
  title?: { title?: string } | null
}) {
  const bridge = useRef<{ onUser?: (u: User) => void; onPrefs?: (p: AccessibilityPrefs) => void }>({})
  const onUser = useCallback((u: User) => bridge.current.onUser?.(u), [])
  const onPrefs = useCallback((p: AccessibilityPrefs) => bridge.current.onPrefs?.(p), [])
  return (
    <I18nextProvider i18n={i18n}>
      <TitleSink.Provider value={title}>
        <QueryClientProvider client={queryClient}>
          <SessionProvider onUser={onUser}>
            <PrefsProvider onChange={onPrefs}>
              <Bridge bridge={bridge} />
              <RefetchOnLanguage />
              {children}
            </PrefsProvider>
          </SessionProvider>
        </QueryClientProvider>
      </TitleSink.Provider>
    </I18nextProvider>
  )
}

function Bridge({
  bridge,
}: {
  bridge: React.RefObject<{ onUser?: (u: User) => void; onPrefs?: (p: AccessibilityPrefs) => void }>
}) {
  const { user } = useSession()
  const updateMe = useUpdateMeMutation()
  const { replace } = usePrefs()
  const { i18n } = useTranslation()
  const seen = useRef<string | null>(null)
  bridge.current.onUser = (u: User) => {
    if (seen.current === u.id) return
    seen.current = u.id // apply the profile once per sign-in, not on every refresh
    // A language chosen before signing in wins and becomes the profile's; otherwise the profile's applies.
    if (langPicked()) {
      if (u.locale !== i18n.language && isLang(i18n.language)) updateMe.mutate({ locale: i18n.language })
    } else if (u.locale && u.locale !== i18n.language) void i18n.changeLanguage(u.locale)
    if (u.accessibility) replace(u.accessibility)
  }
  bridge.current.onPrefs = (p: AccessibilityPrefs) => {
    if (user) updateMe.mutate({ accessibility: p })
  }
  return null
}

/** API answers are in the request's language (cookie `lng`): a new language refreshes what is cached. */
function RefetchOnLanguage() {
  const qc = useQueryClient()
  const { i18n } = useTranslation()
  useEffect(() => {
    const refetch = () => void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'auth' })
    i18n.on('languageChanged', refetch)
    return () => i18n.off('languageChanged', refetch)
  }, [qc, i18n])
  return null
}
