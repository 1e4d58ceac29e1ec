import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { formatTenge } from '../../../../shared/money.js'
import { useCallApplications, useCalls, type Call } from '../../api/grants.js'
import { pick } from '../../lib/format.js'
import { useLang, useTitle } from '../../lib/hooks.js'
import { hasRole, useSession } from '../../lib/session.js'
import { Empty, ErrorBox, Loading } from '../../components/status.js'
import { SignInFirst } from '../account/sign-in-first.js'

/** An expert's calls (only those assigned to them) and their submitted applications. */
export default function ReviewList() {
  const { t } = useTranslation()
  const lng = useLang()
  const { user, loading } = useSession()
  useTitle(t('grants:web.review.title'))
  const calls = useCalls({ mine: 'true' })
  if (loading) return <Loading />
  if (!user) return <SignInFirst title={t('grants:web.review.title')} />
  if (!hasRole(user, 'expert')) return <Empty>{t('grants:web.review.notExpert')}</Empty>
  return (
    <>
      <h1>{t('grants:web.review.title')}</h1>
      <ErrorBox error={calls.error} />
      {calls.data && calls.data.items.length === 0 && <Empty>{t('grants:web.review.noCalls')}</Empty>}
      {calls.data?.items.map((c) => (
        <section key={c.id} aria-labelledby={`call-${c.id}`}>
          <h2 id={`call-${c.id}`}>{pick(c.title, lng)}</h2>
          <CallApplications call={c} />
        </section>
      ))}
    </>
  )
}

function CallApplications({ call }: { call: Call }) {
  const { t } = useTranslation()
  const lng = useLang()
  const { user } = useSession()
  const apps = useCallApplications(call.id)
  if (apps.loading) return <Loading />
  if (apps.error) return <ErrorBox error={apps.error} />
  if (!apps.data?.items.length) return <Empty>{t('grants:web.review.noApplications')}</Empty>
  return (
    <ul className="inline-list">
      {apps.data.items.map((a) => {
        const mine = a.reviews.find((r) => r.expertId === user?.id)
        return (
          <li key={a.id}>
            <Link to={`/grants/review/${a.id}`}>{pick(a.title, lng)}</Link> — {pick(a.councilName, lng)},{' '}
            {formatTenge(a.totalTiyn)} ·{' '}
            {mine
              ? mine.conflictOfInterest
                ? t('grants:web.review.conflictDeclared')
                : t('grants:web.review.scored', { score: mine.weighted })
              : t('grants:web.review.toReview')}
          </li>
        )
      })}
    </ul>
  )
}
