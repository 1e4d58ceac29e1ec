import { z } from 'zod'
import { Cursor, LimitParam, ObjectIdString, personName, QueryBoolean } from './common.js'

/** Support desk (API.md "Support desk"): tickets from anyone, a staff queue, e-mail on every staff move. */
export const TICKET_CATEGORIES = ['access', 'technical', 'content', 'accessibility', 'other'] as const
export const TICKET_STATUSES = ['new', 'in_progress', 'waiting', 'resolved', 'closed'] as const
/** Statuses in which the first answer is still owed (overdue can only be flagged here). */
export const TICKET_OPEN_STATUSES = ['new', 'in_progress', 'waiting'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_MAX_FILES = 3
export const TICKET_FILE_MAX_BYTES = 5 * 1024 * 1024
export const TICKET_FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const

const text = (max: number) => z.string().trim().min(1).max(max)
export const TicketContact = z.strictObject({
  name: personName(1, 200),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
})

export const CreateTicketBody = z.strictObject({
  category: z.enum(TICKET_CATEGORIES),
  subject: text(200),
  text: text(5000),
  contact: TicketContact.optional().describe('Required for guests; refused when signed in'),
})
export type CreateTicketBody = z.infer<typeof CreateTicketBody>

/** The same fields as multipart text parts (`contact.name`, `contact.email`) plus up to 3 `files`. */
export const CreateTicketMultipart = z.object({
  category: z.enum(TICKET_CATEGORIES),
  subject: z.string(),
  text: z.string(),
  'contact.name': z.string().optional(),
  'contact.email': z.string().optional(),
  files: z.array(z.string().describe('binary')).max(TICKET_MAX_FILES).optional(),
})

export function foldTicketFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const contact: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'contact.name' || key === 'contact.email') contact[key.slice(8)] = value
    else out[key] = value
  }
  if (Object.keys(contact).length) out.contact = contact
  return out
}

export const CreateTicketResponse = z.object({
  id: z.string(),
  number: z.string().describe('e.g. `SD-2026-000042`'),
  accessCode: z
    .string()
    .optional()
    .describe('Guests only: with the number it opens the ticket; shown here and e-mailed'),
  status: z.literal('new'),
  firstResponseDueAt: z.string(),
})

export const TicketMessage = z.object({
  id: z.string(),
  by: z.enum(['author', 'staff']),
  authorName: z.string(),
  text: z.string(),
  createdAt: z.string(),
})

export const TicketView = z.object({
  id: z.string(),
  number: z.string(),
  category: z.enum(TICKET_CATEGORIES),
  subject: z.string(),
  text: z.string(),
  status: z.enum(TICKET_STATUSES),
  author: z.object({ name: z.string(), email: z.string().optional(), guest: z.boolean() }),
  assigneeId: z.string().nullable(),
  firstResponseDueAt: z.string(),
  firstResponseAt: z.string().nullable(),
  overdue: z.boolean().describe('No staff answer yet, still open, and `firstResponseDueAt` has passed'),
  attachments: z.array(
    z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number(), url: z.string() }),
  ),
  messages: z.array(TicketMessage),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type TicketView = z.infer<typeof TicketView>
export const TicketPage = z.object({ items: z.array(TicketView), nextCursor: z.string().nullable() })

const TicketFilters = {
  status: z.enum(TICKET_STATUSES).optional(),
  category: z.enum(TICKET_CATEGORIES).optional(),
  assignee: z
    .union([ObjectIdString, z.literal('none')])
    .optional()
    .describe('Staff: a user id, or `none` (unassigned)'),
  overdue: QueryBoolean.optional(),
}
export const TicketListQuery = z.object({
  limit: LimitParam,
  cursor: Cursor.optional(),
  ...TicketFilters,
  number: z.string().trim().max(30).optional().describe('Guests: the ticket number, with `code`'),
  code: z.string().trim().max(40).optional().describe('Guests: the access code, with `number`'),
})
export type TicketListQuery = z.infer<typeof TicketListQuery>
export const TicketCsvQuery = z.object(TicketFilters)
export type TicketFilters = z.infer<typeof TicketCsvQuery>

export const TicketParams = z.strictObject({ id: ObjectIdString })
export const TicketAttachmentParams = z.strictObject({ id: ObjectIdString, attachmentId: ObjectIdString })
export const TicketCodeQuery = z.object({ code: z.string().trim().max(40).optional() })

export const TicketMessageBody = z.strictObject({ text: text(5000) })
export const UpdateTicketBody = z
  .strictObject({
    status: z.enum(['in_progress', 'waiting', 'resolved', 'closed']).optional(),
    assigneeId: ObjectIdString.nullable().optional(),
  })
  .refine((b) => b.status !== undefined || b.assigneeId !== undefined, { message: 'empty_update' })
  .meta({ minProperties: 1 })
export type UpdateTicketBody = z.infer<typeof UpdateTicketBody>
