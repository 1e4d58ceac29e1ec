import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { AccessibilityPrefs } from './types.js'
import { isHydrating } from './hydration.js'

/** Text size steps of the visually-impaired mode (the server accepts 1..2). */
export const FONT_STEPS = [1, 1.25, 1.5, 1.75, 2] as const
const KEY = 'kenes.a11y'
const DEFAULTS: AccessibilityPrefs = { fontScale: 1, highContrast: false, hideImages: false }

function load(): AccessibilityPrefs {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<AccessibilityPrefs>
    return { ...DEFAULTS, ...v }
  } catch {
    return DEFAULTS
  }
}

/** Applied to <html>: root font size (everything is in rem), `hc` and `no-img` classes. */
export function applyPrefs(p: AccessibilityPrefs): void {
  const h = document.documentElement
  h.style.fontSize = p.fontScale === 1 ? '' : `${p.fontScale * 100}%`
  h.classList.toggle('hc', p.highContrast)
  h.classList.toggle('no-img', p.hideImages)
}

interface PrefsValue {
  prefs: AccessibilityPrefs
  update(patch: Partial<AccessibilityPrefs>): void
  replace(p: AccessibilityPrefs): void
}
const PrefsContext = createContext<PrefsValue | null>(null)

/**
 * Accessibility settings, kept in localStorage (guests too) and, when signed in, in the profile
 * (`onChange` sends PATCH /auth/me) so they follow the person to another device.
 */
export function PrefsProvider({
  children,
  onChange,
}: {
  children: ReactNode
  onChange?: (p: AccessibilityPrefs) => void
}) {
  // A server-rendered page was rendered with the defaults: hydrate with them, then read the saved
  // ones (boot.js has already styled <html> from them, so nothing flashes).
  const [prefs, setPrefs] = useState<AccessibilityPrefs>(() => (isHydrating() ? DEFAULTS : load()))
  const saved = useRef(!isHydrating())
  useEffect(() => {
    if (!saved.current) {
      saved.current = true
      const stored = load()
      if (JSON.stringify(stored) !== JSON.stringify(prefs)) return setPrefs(stored)
    }
    applyPrefs(prefs)
    localStorage.setItem(KEY, JSON.stringify(prefs))
  }, [prefs])
  const current = useRef(prefs)
  current.current = prefs
  const update = useCallback(
    (patch: Partial<AccessibilityPrefs>) => {
      const next = { ...current.current, ...patch }
      setPrefs(next)
      onChange?.(next)
    },
    [onChange],
  )
  const replace = useCallback((p: AccessibilityPrefs) => setPrefs({ ...DEFAULTS, ...p }), [])
  const value = useMemo(() => ({ prefs, update, replace }), [prefs, update, replace])
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>
}

export function usePrefs(): PrefsValue {
  const v = useContext(PrefsContext)
  if (!v) throw new Error('usePrefs outside PrefsProvider')
  return v
}
