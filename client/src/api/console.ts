import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { API, withQuery } from '../lib/api.js'
import { endpoints, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

/** The admin console: the audit log, the operations view and job retries. */
export const consoleKeys = {
  audit: (q: QueryOf<'listAudit'>) => ['audit', q] as const,
  operations: ['operations'] as const,
}

export function useAuditPaged(query: QueryOf<'listAudit'>) {
  return usePagedQuery(consoleKeys.audit(query), (cursor, signal) =>
    endpoints.listAudit({ query: { ...query, cursor }, signal }),
  )
}

export function useOperationsQuery() {
  return useQuery({ queryKey: consoleKeys.operations, queryFn: ({ signal }) => endpoints.operations({ signal }) })
}

export function useRetryJobMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => endpoints.retryJob({ params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: consoleKeys.operations }),
  })
}

/** The address of a CSV export with the list's filters (a plain download link, in the page's language). */
export function csvHref(path: '/users.csv' | '/audit.csv', query: Record<string, string | undefined>): string {
  return withQuery(`${API}${path}`, query)
}

/** Councils whose name matches (the councils list's own search), for a combobox. */
export async function searchCouncils(q: string, signal: AbortSignal) {
  return (await endpoints.listCouncils({ query: { q, limit: 10 }, signal })).items
}

/** Users whose name or e-mail matches, for a combobox (admins). */
export async function searchUsers(q: string, signal: AbortSignal) {
  return (await endpoints.listUsers({ query: { q, limit: 10 }, signal })).items
}
