import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { api, ApiError, resetCsrf } from './api.js'
import type { Role, User } from './types.js'
import { RIGHTS, type Right } from '../../../shared/permissions.js'

interface SessionValue {
  user: User | null
  loading: boolean
  signIn(email: string, password: string): Promise<User>
  signOut(): Promise<void>
  refresh(): Promise<void>
  setUser(u: User): void
}
const SessionContext = createContext<SessionValue | null>(null)

/** Who is signed in (GET /auth/me at start; a 401 simply means a guest). */
export function SessionProvider({ children, onUser }: { children: ReactNode; onUser?: (u: User) => void }) {
  const [user, setUserState] = useState<User | null>(null)
  const [loading, setLoading] = useState(true)
  const setUser = useCallback(
    (u: User) => {
      setUserState(u)
      onUser?.(u)
    },
    [onUser],
  )

  const refresh = useCallback(async () => {
    try {
      const { user: u } = await api<{ user: User }>('/auth/me')
      setUser(u)
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setUserState(null)
    } finally {
      setLoading(false)
    }
  }, [setUser])
  useEffect(() => void refresh(), [refresh])

  const signIn = useCallback(
    async (email: string, password: string) => {
      const { user: u } = await api<{ user: User }>('/auth/login', { body: { email, password } })
      resetCsrf()
      setUser(u)
      return u
    },
    [setUser],
  )
  const signOut = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' })
    } finally {
      resetCsrf()
      setUserState(null)
    }
  }, [])

  const value = useMemo(
    () => ({ user, loading, signIn, signOut, refresh, setUser }),
    [user, loading, signIn, signOut, refresh, setUser],
  )
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext)
  if (!v) throw new Error('useSession outside SessionProvider')
  return v
}

/**
 * Mirrors shared/permissions.ts to decide which links and buttons to show. The server decides;
 * this only avoids offering what would be refused.
 */
export function canUser(user: User | null, right: Right, councilId?: string): boolean {
  if (!user) return false
  const rule = RIGHTS[right] as { global: readonly Role[]; council?: readonly Role[] }
  if (user.roles.some((r) => rule.global.includes(r))) return true
  if (!rule.council || !councilId) return false
  return user.roles.some((r) => rule.council!.includes(r)) && user.councilIds.includes(councilId)
}
export function hasRole(user: User | null, ...roles: Role[]): boolean {
  return Boolean(user && user.roles.some((r) => roles.includes(r)))
}
