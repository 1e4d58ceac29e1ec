/**
 * Every HTTP call of the events pages, typed by the shared schemas (`import type`: no zod in the
 * bundle). Pages never write a path: they call these functions and hooks. Shaped like the
 * TanStack Query data layer (`/work/wt-client`: a key factory, one endpoint per call, hooks per
 * domain) so that the switch is a change of this file only: `eventKeys` become query keys and the
 * hooks become `useQuery`/`useMutation` over the same endpoints.
 */
import type { z } from 'zod'
import type * as S from '../../../shared/schemas/events.js'
import { api, API, withQuery, type Query } from '../lib/api.js'
import { useLoad } from '../lib/hooks.js'
import { usePaged } from '../lib/paged.js'

export type EventSummary = z.output<typeof S.EventSummary>
export type EventView = z.output<typeof S.EventView>
export type EventKind = (typeof S.EVENT_KINDS)[number]
export type EventFormat = (typeof S.EVENT_FORMATS)[number]
export type MyRegistration = z.output<typeof S.MyRegistration>
export type RegistrationRow = z.output<typeof S.RegistrationRow>
export type RegistrationPage = z.output<typeof S.RegistrationPage>
export type RegistrationResult = z.output<typeof S.RegistrationResult>
export type CheckInResult = z.output<typeof S.CheckInResult>
export type CreateEventInput = z.input<typeof S.CreateEventBody>
export type UpdateEventInput = z.input<typeof S.UpdateEventBody>
export type OutcomeInput = z.input<typeof S.OutcomeBody>
export type EventListFilters = { kind?: string; regionId?: string; when?: string; from?: string; to?: string }

export const EVENT_KINDS: EventKind[] = ['dialogue', 'forum', 'assembly', 'meeting']
export const EVENT_FORMATS: EventFormat[] = ['offline', 'online', 'hybrid']

export const eventKeys = {
  all: ['events'] as const,
  list: (q: EventListFilters) => ['events', 'list', q] as const,
  one: (idOrSlug: string) => ['events', 'one', idOrSlug] as const,
  mine: () => ['events', 'mine'] as const,
  registrations: (id: string) => ['events', 'registrations', id] as const,
}

const enc = encodeURIComponent
export const eventEndpoints = {
  list: (query: Query, signal?: AbortSignal) =>
    api<{ items: EventSummary[]; nextCursor: string | null }>('/events', { query, signal }),
  get: (idOrSlug: string, signal?: AbortSignal) => api<EventView>(`/events/${enc(idOrSlug)}`, { signal }),
  create: (body: CreateEventInput) => api<EventView>('/events', { method: 'POST', body }),
  update: (id: string, body: UpdateEventInput) => api<EventView>(`/events/${enc(id)}`, { method: 'PATCH', body }),
  register: (id: string) => api<RegistrationResult>(`/events/${enc(id)}/registrations`, { method: 'POST', body: {} }),
  cancelMine: (id: string) => api<void>(`/events/${enc(id)}/registrations/mine`, { method: 'DELETE' }),
  registrations: (id: string, query: Query, signal?: AbortSignal) =>
    api<RegistrationPage>(`/events/${enc(id)}/registrations`, { query, signal }),
  checkIn: (id: string, code: string) =>
    api<CheckInResult>(`/events/${enc(id)}/check-in`, { method: 'POST', body: { code } }),
  setOutcome: (id: string, body: OutcomeInput) => api<EventView>(`/events/${enc(id)}/outcome`, { method: 'PUT', body }),
  addMaterial: (id: string, form: FormData) => api<EventView>(`/events/${enc(id)}/materials`, { method: 'POST', form }),
  openChatRoom: (id: string) =>
    api<{ chatRoomId: string; created: boolean }>(`/events/${enc(id)}/chat-room`, { method: 'POST', body: {} }),
}

/** Links (not fetches): the browser downloads these itself. */
export const eventLinks = {
  ics: (idOrSlug: string, lng: string) => withQuery(`${API}/events/${enc(idOrSlug)}/calendar.ics`, { lng }),
  csv: (id: string, lng: string) => withQuery(`${API}/events/${enc(id)}/registrations`, { format: 'csv', lng }),
}

export function useEventList(filters: EventListFilters) {
  return usePaged<EventSummary>('/events', { limit: 50, ...filters })
}
export function useMyRegistrations() {
  return usePaged<MyRegistration>('/events/mine', { limit: 50 })
}
export function useEvent(idOrSlug: string | undefined) {
  return useLoad((signal) => (idOrSlug ? eventEndpoints.get(idOrSlug, signal) : Promise.resolve(undefined)), [idOrSlug])
}
export function useRegistrations(id: string | undefined) {
  return useLoad(
    (signal) => (id ? eventEndpoints.registrations(id, { limit: 100 }, signal) : Promise.resolve(undefined)),
    [id],
  )
}
/** Every event of a month (the month view), whatever the list filters page through. */
export function useMonthEvents(from: string, to: string, filters: EventListFilters) {
  return useLoad(
    (signal) => eventEndpoints.list({ limit: 100, from, to, kind: filters.kind, regionId: filters.regionId }, signal),
    [from, to, filters.kind, filters.regionId],
  )
}
