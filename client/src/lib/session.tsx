import { useQueryClient } from '@tanstack/react-query'
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react'
import { authKeys, useLoginMutation, useLogoutMutation, useMeQuery } from '../api/auth.js'
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

/** Who is signed in: the cached GET /auth/session (`null` for a guest). */
export function SessionProvider({ children, onUser }: { children: ReactNode; onUser?: (u: User) => void }) {
  const qc = useQueryClient()
  const me = useMeQuery()
  const user = me.data ?? null
  const loading = me.isPending
  const login = useLoginMutation()
  const logout = useLogoutMutation()
  useEffect(() => {
    if (user) onUser?.(user)
  }, [user, onUser])

  const setUser = useCallback((u: User) => qc.setQueryData(authKeys.me, u), [qc])
  const refresh = useCallback(() => qc.invalidateQueries({ queryKey: authKeys.me }), [qc])
  const { mutateAsync: loginAsync } = login
  const { mutateAsync: logoutAsync } = logout
  const signIn = useCallback(
    async (email: string, password: string) => (await loginAsync({ email, password })).user,
    [loginAsync],
  )
  const signOut = useCallback(async () => {
    await logoutAsync()
  }, [logoutAsync])

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
