import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { resetCsrf } from '../lib/api.js'
import type { User } from '../lib/types.js'
import { endpoints, type BodyOf } from './endpoints.js'

export const authKeys = { me: ['auth', 'me'] as const }

/**
 * Who is signed in: GET /auth/session answers a guest `{ user: null }` with 200, so a guest's page
 * load logs no failed request (GET /auth/me would answer 401).
 */
export function useMeQuery() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async ({ signal }): Promise<User | null> => (await endpoints.session({ signal })).user,
    staleTime: Infinity,
  })
}

/**
 * After sign-in or sign-out every cached answer may differ (drafts, rights): the cache starts
 * afresh (what is on screen refetches with the new session); regions are the same for everyone.
 */
function useSessionChanged() {
  const qc = useQueryClient()
  return (user: User | null) => {
    resetCsrf()
    qc.setQueryData(authKeys.me, user)
    void qc.resetQueries({ predicate: (q) => q.queryKey[0] !== 'auth' && q.queryKey[0] !== 'regions' })
  }
}

export function useLoginMutation() {
  const changed = useSessionChanged()
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => endpoints.login({ body }),
    onSuccess: ({ user }) => changed(user),
  })
}

export function useLogoutMutation() {
  const changed = useSessionChanged()
  return useMutation({
    mutationFn: () => endpoints.logout({}),
    onSettled: () => changed(null),
  })
}

/** Registration signs in: a new session, as after login. */
export function useRegisterMutation() {
  const changed = useSessionChanged()
  return useMutation({
    mutationFn: (body: BodyOf<'register'>) => endpoints.register({ body }),
    onSuccess: ({ user }) => changed(user),
  })
}

/** PATCH /auth/me; the answer replaces the cached user. */
export function useUpdateMeMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: BodyOf<'updateMe'>) => endpoints.updateMe({ body }),
    onSuccess: ({ user }) => qc.setQueryData(authKeys.me, user),
  })
}

export function useVerifyEmailMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (token: string) => endpoints.verifyEmail({ body: { token } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: authKeys.me }),
  })
}
export function useForgotPasswordMutation() {
  return useMutation({ mutationFn: (email: string) => endpoints.forgotPassword({ body: { email } }) })
}
export function useResetPasswordMutation() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) => endpoints.resetPassword({ body }),
  })
}

/** "Download my data": the JSON the server answers, saved as a file by the browser. */
export async function downloadMyData(): Promise<void> {
  const data = await endpoints.myData({})
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = `kenes-my-data-${data.exportedAt.slice(0, 10)}.json`
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function useChangePasswordMutation() {
  return useMutation({
    mutationFn: (body: BodyOf<'changePassword'>) => endpoints.changePassword({ body }),
  })
}

/** POST /auth/me/erase: the account is gone and the session with it. */
export function useEraseAccountMutation() {
  const changed = useSessionChanged()
  return useMutation({
    mutationFn: (password: string) => endpoints.eraseAccount({ body: { password } }),
    onSuccess: () => changed(null),
  })
}
