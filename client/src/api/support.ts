import type { z } from 'zod'
import type {
  CreateTicketBody,
  CreateTicketResponse,
  TicketMessage,
  TicketPage,
  TicketView,
  UpdateTicketBody,
} from '../../../shared/schemas/support.js'
import { request as api, API, withQuery } from '../lib/api.js'
import { useLoaded, usePagedGet } from './loaded.js'
import { addModuleTexts } from '../lib/module-texts.js'

/** The support desk's data: every path of the support API is written here, never in a page. */
addModuleTexts(
  'support',
  import.meta.glob('../../../shared/locales/*/support.json', { eager: true, import: 'default' }),
)

export type Ticket = TicketView
export type QueueFilters = { status?: string; category?: string; assignee?: string; overdue?: string }

export function createTicket(body: CreateTicketBody, files: File[]): Promise<z.infer<typeof CreateTicketResponse>> {
  if (!files.length) return api('/support/tickets', { method: 'POST', body })
  const form = new FormData()
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue
    if (k === 'contact' && v && typeof v === 'object')
      for (const [ck, cv] of Object.entries(v)) form.set(`contact.${ck}`, String(cv))
    else form.set(k, String(v))
  }
  for (const f of files) form.append('files', f)
  return api('/support/tickets', { method: 'POST', form })
}

/** A guest's ticket by number and code (an empty list when they do not match). */
export const findTicket = (number: string, code: string) =>
  api<z.infer<typeof TicketPage>>('/support/tickets', { query: { number, code } }).then((p) => p.items[0] ?? null)

export const getTicket = (id: string, code?: string, signal?: AbortSignal) =>
  api<Ticket>(`/support/tickets/${encodeURIComponent(id)}`, { query: { code }, signal })

export const postTicketMessage = (id: string, text: string, code?: string) =>
  api<z.infer<typeof TicketMessage>>(withQuery(`/support/tickets/${encodeURIComponent(id)}/messages`, { code }), {
    method: 'POST',
    body: { text },
  })

export const updateTicket = (id: string, body: UpdateTicketBody) =>
  api<Ticket>(`/support/tickets/${encodeURIComponent(id)}`, { method: 'PATCH', body })

export const ticketsCsvUrl = (f: QueueFilters) => withQuery(`${API}/support/tickets.csv`, f)

/** A ticket by its author (signed in, or with the access code) or staff; `enabled` false: not asked. */
export function useTicket(id: string | undefined, code?: string, enabled = true) {
  return useLoaded(
    ['support', 'ticket', id ?? '', code ?? ''],
    (signal) => getTicket(id!, code, signal),
    Boolean(id) && enabled,
  )
}
/** My tickets (signed in), or the staff queue with its filters. */
export function useTickets(enabled: boolean, filters: QueueFilters = {}) {
  return usePagedGet<Ticket>('support', enabled ? '/support/tickets' : null, { limit: 20, ...filters })
}
