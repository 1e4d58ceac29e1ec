/**
 * The events pages' data: query keys, hooks on the typed endpoint table (`endpoints.ts`) and the
 * writes, which refresh the cached event, lists and registrations they change.
 */
import type { z } from 'zod'
import type * as S from '../../../shared/schemas/events.js'
import { API, withQuery } from '../lib/api.js'
import { endpoints, type BodyOf, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'
import { useLoaded } from './loaded.js'

export type EventSummary = z.output<typeof S.EventSummary>
export type EventView = z.output<typeof S.EventView>
export type EventKind = (typeof S.EVENT_KINDS)[number]
export type EventFormat = (typeof S.EVENT_FORMATS)[number]
export type MyRegistration = z.output<typeof S.MyRegistration>
export type RegistrationRow = z.output<typeof S.RegistrationRow>
export type RegistrationPage = z.output<typeof S.RegistrationPage>
export type RegistrationResult = z.output<typeof S.RegistrationResult>
export type CheckInResult = z.output<typeof S.CheckInResult>
export type CreateEventInput = BodyOf<'createEvent'>
export type UpdateEventInput = BodyOf<'updateEvent'>
export type OutcomeInput = BodyOf<'setEventOutcome'>
export type EventListFilters = {
  kind?: string
  regionId?: string
  when?: string
  from?: string
  to?: string
  q?: string
}

export const EVENT_KINDS: EventKind[] = ['dialogue', 'forum', 'assembly', 'meeting']
export const EVENT_FORMATS: EventFormat[] = ['offline', 'online', 'hybrid']

export const eventKeys = {
  all: ['events'] as const,
  list: (q: EventListFilters) => ['events', 'list', q] as const,
  month: (from: string, to: string, q: EventListFilters) => ['events', 'month', from, to, q] as const,
  one: (idOrSlug: string) => ['events', 'one', idOrSlug] as const,
  mine: () => ['events', 'mine'] as const,
  registrations: (id: string) => ['events', 'registrations', id] as const,
}

const listQuery = (q: EventListFilters & { limit: number }) => q as QueryOf<'listEvents'>

/** The writes of the events pages (each answers what the server answered). */
export const eventEndpoints = {
  create: (body: CreateEventInput) => endpoints.createEvent({ body }),
  update: (id: string, body: UpdateEventInput) => endpoints.updateEvent({ params: { id }, body }),
  register: (id: string) => endpoints.registerForEvent({ params: { id } }),
  cancelMine: (id: string) => endpoints.cancelMyRegistration({ params: { id } }),
  checkIn: (id: string, code: string) => endpoints.checkIn({ params: { id }, body: { code } }),
  setOutcome: (id: string, body: OutcomeInput) => endpoints.setEventOutcome({ params: { id }, body }),
  addMaterial: (id: string, form: FormData) => endpoints.addEventMaterial({ params: { id }, form }),
  openChatRoom: (id: string) => endpoints.openEventChatRoom({ params: { id } }),
}

/** Links (not fetches): the browser downloads these itself. */
export const eventLinks = {
  ics: (idOrSlug: string, lng: string) =>
    withQuery(`${API}/events/${encodeURIComponent(idOrSlug)}/calendar.ics`, { lng }),
  csv: (id: string, lng: string) =>
    withQuery(`${API}/events/${encodeURIComponent(id)}/registrations`, { format: 'csv', lng }),
}

export function useEventList(filters: EventListFilters) {
  return usePagedQuery(eventKeys.list(filters), (cursor, signal) =>
    endpoints.listEvents({ query: listQuery({ limit: 50, ...filters, ...(cursor ? { cursor } : {}) }), signal }),
  )
}
/** Asked only once the visitor is known to be signed in (a guest's page logs no 401). */
export function useMyRegistrations(enabled = true) {
  return usePagedQuery(
    eventKeys.mine(),
    (cursor, signal) => endpoints.myEvents({ query: { limit: 50, ...(cursor ? { cursor } : {}) }, signal }),
    enabled,
  )
}
export function useEvent(idOrSlug: string | undefined) {
  return useLoaded(
    eventKeys.one(idOrSlug ?? ''),
    (signal) => endpoints.getEvent({ params: { id: idOrSlug! }, signal }),
    Boolean(idOrSlug),
  )
}
export function useRegistrations(id: string | undefined) {
  return useLoaded(
    eventKeys.registrations(id ?? ''),
    (signal) => endpoints.eventRegistrations({ params: { id: id! }, query: { limit: 100 }, signal }),
    Boolean(id),
  )
}
/** Every event of a month (the month view), whatever the list filters page through. */
export function useMonthEvents(from: string, to: string, filters: EventListFilters) {
  return useLoaded(
    eventKeys.month(from, to, filters),
    (signal) =>
      endpoints.listEvents({
        query: listQuery({ limit: 100, from, to, kind: filters.kind, regionId: filters.regionId, q: filters.q }),
        signal,
      }),
    true,
  )
}
