import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useDisclosure } from '../lib/disclosure.js'
import { Link, Outlet, useLocation } from 'react-router-dom'
import { useSession } from '../lib/session.js'
import { A11yPanel } from './a11y-panel.js'
import { LangSwitch } from './lang-switch.js'
import { MainNav } from './main-nav.js'

let lastShownPath: string | null = null

/** The frame of every page: skip link, banner, navigation, main, footer. */
export function Layout() {
  const { t } = useTranslation()
  const location = useLocation()
  const main = useRef<HTMLElement>(null)
  // After client-side navigation move focus to the content, as a full page load would. Not on the
  // first load, nor when the layout is mounted again for the same page (a lazy page suspending
  // remounts it): a ref would start afresh then, so the last page shown is kept by the module.
  useEffect(() => {
    const previous = lastShownPath
    lastShownPath = location.pathname
    if (previous === null || previous === location.pathname) return
    main.current?.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  }, [location.pathname])

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="toolbar">
          <div className="container toolbar-inner">
            <A11yPanel />
            <LangSwitch />
          </div>
        </div>
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              K
            </span>
            <span className="brand-text">
              <span className="brand-name">{t('brand.name')}</span>
              <span className="brand-tag">{t('brand.tagline')}</span>
            </span>
          </Link>
          <AccountMenu />
        </div>
        <MainNav />
      </header>
      <main id="main" ref={main} tabIndex={-1} className="container main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <p>{t('footer.about')}</p>
          <nav aria-label={t('footer.navLabel')}>
            <ul className="inline-list">
              <li>
                <Link to="/appeals/new">{t('nav.appeal')}</Link>
              </li>
              <li>
                <Link to="/appeals/track">{t('nav.track')}</Link>
              </li>
              <li>
                <a href="/api/v1/news/feed.xml">{t('footer.rss')}</a>
              </li>
              <li>
                <a href="/api/v1/openapi.json">{t('footer.api')}</a>
              </li>
            </ul>
          </nav>
          <p className="muted">
            © {new Date().getFullYear()} {t('brand.name')}
          </p>
        </div>
      </footer>
    </>
  )
}

function AccountMenu() {
  const { t } = useTranslation()
  const { user, loading, signOut } = useSession()
  if (loading) return <div className="account" aria-hidden="true" />
  if (!user) {
    return (
      <div className="account">
        <Link to="/login" className="btn btn-ghost">
          {t('nav.login')}
        </Link>
        <Link to="/register" className="btn">
          {t('nav.register')}
        </Link>
      </div>
    )
  }
  return <SignedInMenu name={user.displayName} signOut={signOut} />
}

/** A signed-in person's links under one button with their name: one line in the header on a phone. */
function SignedInMenu({ name, signOut }: { name: string; signOut: () => Promise<void> | void }) {
  const { t } = useTranslation()
  const { open, id, boxProps, buttonProps } = useDisclosure<HTMLDivElement>()
  return (
    <div className="account account-menu" {...boxProps}>
      <button className="btn btn-ghost account-name" {...buttonProps}>
        <span className="sr-only">{t('nav.account')}: </span>
        <span className="account-label">{name}</span>
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      <ul id={id} className="account-sub" hidden={!open}>
        <li>
          <Link to="/appeals/mine">{t('nav.myAppeals')}</Link>
        </li>
        <li>
          <Link to="/events/mine">{t('nav.myEvents')}</Link>
        </li>
        <li>
          <Link to="/profile">{t('nav.profile')}</Link>
        </li>
        <li>
          <button type="button" className="btn btn-ghost" onClick={() => void signOut()}>
            {t('nav.logout')}
          </button>
        </li>
      </ul>
    </div>
  )
}
