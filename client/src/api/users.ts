import { useMutation, useQueryClient } from '@tanstack/react-query'
import { endpoints, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

type UserQuery = QueryOf<'listUsers'>

export const userKeys = {
  all: ['users'] as const,
  list: (q: UserQuery) => ['users', 'list', q] as const,
}

export function useUsersPaged(query: UserQuery) {
  return usePagedQuery(userKeys.list(query), (cursor, signal) =>
    endpoints.listUsers({ query: { ...query, cursor }, signal }),
  )
}

export function useUpdateUserMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: endpoints.updateUser,
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  })
}
