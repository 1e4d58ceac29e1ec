/**
 * Small grants: every HTTP call the grant pages make, typed by the shared schemas (types only, so
 * zod stays out of the bundle). Pages never write a path; they call these functions or hooks.
 * Reads are cached queries under `grantKeys` (`useLoaded`: a reload refreshes every grants query).
 */
import type { z } from 'zod'
import type * as G from '../../../shared/schemas/grants.js'
import { request as api } from '../lib/api.js'
import { useLoaded } from './loaded.js'

export type Call = z.output<typeof G.CallView>
export type Application = z.output<typeof G.ApplicationView>
export type Report = z.output<typeof G.ReportView>
export type PublicAward = z.output<typeof G.PublicAward>
export type AwardsPage = z.output<typeof G.PublicAwardPage>
export type NewCall = z.input<typeof G.CreateCallBody>
export type CallPatch = z.input<typeof G.UpdateCallBody>
export type NewApplication = z.input<typeof G.CreateApplicationBody>
export type ApplicationPatch = z.input<typeof G.UpdateApplicationBody>
export type NewReview = z.input<typeof G.ReviewBody>
export type NewReport = z.input<typeof G.ReportBody>
interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export const grantKeys = {
  calls: (q: object) => ['grants', 'calls', q] as const,
  call: (id: string) => ['grants', 'call', id] as const,
  applications: (callId: string, councilId?: string) => ['grants', 'applications', callId, councilId ?? null] as const,
  application: (id: string) => ['grants', 'application', id] as const,
  awards: (year: number) => ['grants', 'awards', year] as const,
  reports: (awardId: string) => ['grants', 'reports', awardId] as const,
  mine: () => ['grants', 'mine'] as const,
  experts: () => ['grants', 'experts'] as const,
}

export const grantsApi = {
  listCalls: (query: { year?: number; status?: string; mine?: 'true'; limit?: number }, signal?: AbortSignal) =>
    api<Page<Call>>('/grants/calls', { query: { limit: 100, ...query }, signal }),
  getCall: (id: string, signal?: AbortSignal) => api<Call>(`/grants/calls/${encodeURIComponent(id)}`, { signal }),
  createCall: (body: NewCall) => api<Call>('/grants/calls', { method: 'POST', body }),
  updateCall: (id: string, body: CallPatch) =>
    api<Call>(`/grants/calls/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  listApplications: (callId: string, councilId?: string, signal?: AbortSignal) =>
    api<Page<Application>>(`/grants/calls/${encodeURIComponent(callId)}/applications`, {
      query: { councilId },
      signal,
    }),
  myApplications: (signal?: AbortSignal) => api<Page<Application>>('/grants/applications/mine', { signal }),
  getApplication: (id: string, signal?: AbortSignal) =>
    api<Application>(`/grants/applications/${encodeURIComponent(id)}`, { signal }),
  createApplication: (callId: string, body: NewApplication) =>
    api<Application>(`/grants/calls/${encodeURIComponent(callId)}/applications`, { method: 'POST', body }),
  updateApplication: (id: string, body: ApplicationPatch) =>
    api<Application>(`/grants/applications/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  submitApplication: (id: string, version?: number) =>
    api<Application>(`/grants/applications/${encodeURIComponent(id)}/submit`, { method: 'POST', body: { version } }),
  withdrawApplication: (id: string, version?: number) =>
    api<Application>(`/grants/applications/${encodeURIComponent(id)}/withdraw`, { method: 'POST', body: { version } }),
  review: (id: string, body: NewReview) =>
    api<Application>(`/grants/applications/${encodeURIComponent(id)}/reviews`, { method: 'POST', body }),
  attachToApplication: (id: string, files: File[]) => {
    const form = new FormData()
    for (const f of files) form.append('files', f)
    return api<Application>(`/grants/applications/${encodeURIComponent(id)}/attachments`, { method: 'POST', form })
  },
  attachToReport: (id: string, files: File[]) => {
    const form = new FormData()
    for (const f of files) form.append('files', f)
    return api<Report>(`/grants/reports/${encodeURIComponent(id)}/files`, { method: 'POST', form })
  },
  award: (callId: string, applicationIds: string[]) =>
    api<{ items: { id: string; applicationId: string }[] }>(`/grants/calls/${encodeURIComponent(callId)}/awards`, {
      method: 'POST',
      body: { applicationIds },
    }),
  /** Users who can be assigned as experts (admin). */
  listExperts: (signal?: AbortSignal) =>
    api<Page<{ id: string; displayName: string; email: string }>>('/users', {
      query: { role: 'expert', limit: 100 },
      signal,
    }),
  publicAwards: (year: number, signal?: AbortSignal) =>
    api<AwardsPage>('/grants/awards', { query: { year, limit: 100 }, signal }),
  reports: (awardId: string, signal?: AbortSignal) =>
    api<{ items: Report[] }>(`/grants/awards/${encodeURIComponent(awardId)}/reports`, { signal }),
  createReport: (awardId: string, body: NewReport) =>
    api<Report>(`/grants/awards/${encodeURIComponent(awardId)}/reports`, { method: 'POST', body }),
  decideReport: (id: string, body: { status: 'accepted' | 'returned'; comment: string; version?: number }) =>
    api<Report>(`/grants/reports/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
}

export const useCalls = (query: { year?: number; status?: string; mine?: 'true' }) =>
  useLoaded(grantKeys.calls(query), (signal) => grantsApi.listCalls(query, signal))
/** One call; nothing is fetched until the id is known (an empty id would ask for the list). */
export const useCall = (id: string) =>
  useLoaded(grantKeys.call(id), (signal) => grantsApi.getCall(id, signal), Boolean(id))
export const useCallApplications = (callId: string, councilId?: string) =>
  useLoaded(grantKeys.applications(callId, councilId), (signal) =>
    grantsApi.listApplications(callId, councilId, signal),
  )
export const useMyApplications = (enabled: boolean) =>
  useLoaded(grantKeys.mine(), (signal) => grantsApi.myApplications(signal), enabled)
export const useApplication = (id: string | undefined) =>
  useLoaded(grantKeys.application(id ?? ''), (signal) => grantsApi.getApplication(id!, signal), Boolean(id))
export const usePublicAwards = (year: number) =>
  useLoaded(grantKeys.awards(year), (signal) => grantsApi.publicAwards(year, signal))
export const useReports = (awardId: string) =>
  useLoaded(grantKeys.reports(awardId), (signal) => grantsApi.reports(awardId, signal))
export const useExperts = () => useLoaded(grantKeys.experts(), (signal) => grantsApi.listExperts(signal))
