import { useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink, useLocation } from 'react-router-dom'
import { useDisclosure } from '../lib/disclosure.js'
import { hasRole, useSession } from '../lib/session.js'

type Item = [to: string, label: string]

/**
 * The main menu. On a narrow screen it folds behind a disclosure button (aria-expanded); on a
 * desktop it is one row: less visited pages sit in a "More" disclosure and staff areas in a
 * "Manage" one. Escape closes the
 * open disclosure and returns focus to its button; following a link closes both.
 */
export function MainNav() {
  const { t } = useTranslation()
  const { user } = useSession()
  const { pathname } = useLocation()
  const [open, setOpen] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const listId = useId()
  useEffect(() => setOpen(false), [pathname])

  // The menu's first row holds what most visitors come for; the rest is one "More" disclosure away.
  const items: Item[] = [
    ['/', t('nav.home')],
    ['/councils', t('nav.councils')],
    ['/news', t('nav.news')],
    ['/events', t('nav.events')],
    ['/qa', t('nav.qa')],
    ['/appeals/new', t('nav.appeal')],
    ['/appeals/track', t('nav.track')],
  ]
  const more: Item[] = [
    ['/videos', t('nav.videos')],
    ['/best-practices', t('nav.practices')],
    ['/indicators', t('nav.indicators')],
    ['/help', t('nav.help')],
    ['/grants', t('nav.grants')],
  ]
  const manage: Item[] = []
  if (hasRole(user, 'council_member', 'moderator', 'admin')) manage.push(['/member', t('nav.member')])
  if (hasRole(user, 'moderator', 'admin')) manage.push(['/moderation', t('nav.moderation')])

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return
    setOpen(false)
    toggle.current?.focus()
  }
  return (
    <nav className="main-nav" aria-label={t('nav.label')} onKeyDown={onKeyDown}>
      <div className="container nav-bar">
        <button
          ref={toggle}
          type="button"
          className="nav-toggle"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen(!open)}
        >
          <svg aria-hidden="true" focusable="false" width="18" height="14" viewBox="0 0 18 14" className="icon">
            <path d="M0 1h18M0 7h18M0 13h18" stroke="currentColor" strokeWidth="2" />
          </svg>
          {t('nav.menu')}
        </button>
        <ul id={listId} className={`nav-list${open ? ' open' : ''}`} onClick={closeOnLink(setOpen)}>
          {items.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to} end={to === '/' || to === '/grants'}>
                {label}
              </NavLink>
            </li>
          ))}
          <NavGroup label={t('nav.more')} items={more} />
          {manage.length > 0 && <NavGroup label={t('nav.manage')} items={manage} />}
        </ul>
      </div>
    </nav>
  )
}

/** Following a link closes the menu at once (also when it leads to the page already shown). */
const closeOnLink = (setOpen: (open: boolean) => void) => (e: MouseEvent) => {
  if (e.target instanceof Element && e.target.closest('a')) setOpen(false)
}

/** A disclosure inside the menu: a button that shows or hides its own list of links. */
function NavGroup({ label, items }: { label: string; items: Item[] }) {
  const { pathname } = useLocation()
  const { open, setOpen, id, boxProps, buttonProps } = useDisclosure<HTMLLIElement>()
  const current = items.some(([to]) => pathname === to || pathname.startsWith(`${to}/`))

  return (
    <li className="nav-group" {...boxProps}>
      <button className={current ? 'active' : undefined} {...buttonProps}>
        {label}
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      <ul id={id} className="nav-sub" hidden={!open} onClick={closeOnLink(setOpen)}>
        {items.map(([to, text]) => (
          <li key={to}>
            <NavLink to={to} end={to === '/grants'}>
              {text}
            </NavLink>
          </li>
        ))}
      </ul>
    </li>
  )
}
