import { lazy, Suspense } from 'react'
import { Route, Routes } from 'react-router-dom'
import i18n from '../../lib/i18n.js'
import { Loading } from '../../components/status.js'

/**
 * The grant programme's pages, one lazy chunk (with their own kk/ru strings, the `grants` and
 * `control` namespaces), so the home page's first load does not carry them.
 */
const bundles = import.meta.glob<Record<string, unknown>>('../../../../shared/locales/*/{grants,control}.json', {
  eager: true,
  import: 'default',
})
for (const [file, data] of Object.entries(bundles)) {
  const m = /locales\/(\w+)\/(\w+)\.json$/.exec(file)
  if (m) i18n.addResourceBundle(m[1], m[2], data, true, true)
}

const Results = lazy(() => import('./results.js'))
const ScorecardPage = lazy(() => import('./scorecard.js'))
const MemberGrants = lazy(() => import('./member-grants.js'))
const ApplicationPage = lazy(() => import('./application.js'))
const AwardPage = lazy(() => import('./award.js'))
const ReviewList = lazy(() => import('./review-list.js'))
const ReviewPage = lazy(() => import('./review.js'))
const AdminCalls = lazy(() => import('./admin-calls.js'))
const AdminCall = lazy(() => import('./admin-call.js'))
const Recommendations = lazy(() => import('./recommendations.js'))

export default function GrantsArea() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route index element={<Results />} />
        <Route path="scorecard" element={<ScorecardPage />} />
        <Route path="mine" element={<MemberGrants />} />
        <Route path="apply/:callId" element={<ApplicationPage />} />
        <Route path="applications/:id" element={<ApplicationPage />} />
        <Route path="awards/:id" element={<AwardPage />} />
        <Route path="review" element={<ReviewList />} />
        <Route path="review/:id" element={<ReviewPage />} />
        <Route path="admin" element={<AdminCalls />} />
        <Route path="admin/calls/:id" element={<AdminCall />} />
        <Route path="recommendations" element={<Recommendations />} />
      </Routes>
    </Suspense>
  )
}
