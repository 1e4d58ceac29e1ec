import { z } from 'zod'
import { ListQuery, ObjectIdString, personName, QueryBoolean } from './common.js'

/** Appeals (citizen feedback): API.md "Appeals", issue 8. Statuses and moves: ../domain.ts. */
import {
  APPEAL_CATEGORIES,
  APPEAL_SUBJECT_MAX,
  APPEAL_TEXT_MAX,
  APPEAL_FILE_MAX_BYTES,
  APPEAL_FILE_TYPES,
  APPEAL_MAX_FILES,
  APPEAL_STATUSES,
  STAFF_STATUSES,
} from '../domain.js'
export {
  APPEAL_CATEGORIES,
  APPEAL_STATUSES,
  APPEAL_TRANSITIONS,
  CLOSED_STATUSES,
  OPEN_STATUSES,
  QUEUE_STATUSES,
  RATEABLE_STATUSES,
  REPLYABLE_STATUSES,
  STAFF_STATUSES,
} from '../domain.js'
export type { AppealCategory, AppealStatus } from '../domain.js'

export const SUBJECT_MAX = APPEAL_SUBJECT_MAX
export const TEXT_MAX = APPEAL_TEXT_MAX
export const MAX_FILES = APPEAL_MAX_FILES
export const FILE_MAX_BYTES = APPEAL_FILE_MAX_BYTES
export const FILE_TYPES = APPEAL_FILE_TYPES

const Subject = z.string().trim().min(3).max(SUBJECT_MAX)
const Text = z.string().trim().min(1).max(TEXT_MAX)
export const GuestContact = z.strictObject({
  name: personName(2, 120),
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
})

/** JSON body of POST /appeals. `contact` is required for guests and refused for signed-in users. */
export const CreateAppealBody = z.strictObject({
  councilId: ObjectIdString,
  category: z.enum(APPEAL_CATEGORIES),
  subject: Subject,
  text: Text.min(10),
  isPublic: z.boolean().optional().default(false),
  contact: GuestContact.optional().describe('Required for guests; refused when signed in'),
})
export type CreateAppealBody = z.infer<typeof CreateAppealBody>

/**
 * The same as multipart/form-data: text fields named as below (`contact.name`, `contact.email`
 * for guests; `isPublic` as "true"/"false") and up to 5 `files` (pdf, jpeg or png by content,
 * ≤ 10 MB each). Only for the OpenAPI document: the server folds the fields into CreateAppealBody.
 */
export const CreateAppealMultipart = z.strictObject({
  councilId: ObjectIdString,
  category: z.enum(APPEAL_CATEGORIES),
  subject: Subject,
  text: Text.min(10),
  isPublic: z.enum(['true', 'false']).optional(),
  'contact.name': z.string().optional().describe('Guests only: their name'),
  'contact.email': z.string().optional().describe('Guests only: their e-mail (the confirmation link is sent there)'),
  files: z
    .array(z.string().meta({ format: 'binary' }))
    .max(MAX_FILES)
    .optional()
    .describe('Up to 5 files: pdf, jpeg or png (by content), ≤ 10 MB each'),
})

/** Multipart text fields → the JSON body shape (`contact.name` → `contact.name` nested). */
export function foldMultipartFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const contact: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'contact.name' || key === 'contact.email') contact[key.slice(8)] = value
    else if (key === 'isPublic') out.isPublic = value === 'true' ? true : value === 'false' ? false : value
    else out[key] = value
  }
  if (Object.keys(contact).length) out.contact = contact
  return out
}

export const CreateAppealResponse = z.object({
  id: z.string(),
  trackingNumber: z.string(),
  accessCode: z.string().describe('Secret code for tracking without an account; shown only once'),
  status: z.enum(['submitted', 'unconfirmed']),
  dueAt: z.string().nullable(),
})

export const ConfirmAppealBody = z.strictObject({ token: z.string().trim().min(16).max(200) })
export const ConfirmAppealResponse = z.object({
  id: z.string(),
  trackingNumber: z.string(),
  status: z.enum(APPEAL_STATUSES),
  dueAt: z.string().nullable(),
})

/** Access codes are typed by people: case and separators are ignored. */
const AccessCode = z.string().trim().min(4).max(40)
export const TrackQuery = z.strictObject({
  number: z.string().trim().min(5).max(40),
  code: AccessCode,
  lng: z.string().optional(),
})
/** `?code=` lets a guest act on their own appeal by id (view, reply, rate, attachments). */
export const CodeQuery = z.strictObject({ code: AccessCode.optional(), lng: z.string().optional() })

export const AppealParams = z.strictObject({ id: ObjectIdString })
export const AttachmentParams = z.strictObject({ id: ObjectIdString, attachmentId: ObjectIdString })
export const CouncilAppealsParams = z.strictObject({ councilId: ObjectIdString })

export const ReplyBody = z.strictObject({ text: Text })
export const StatusBody = z
  .strictObject({
    status: z.enum(STAFF_STATUSES),
    reason: z.string().trim().min(3).max(2000).optional(),
    councilId: ObjectIdString.optional().describe('Redirect target (required with status "redirected")'),
  })
  .superRefine((v, ctx) => {
    if ((v.status === 'rejected' || v.status === 'redirected') && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'required' })
    if (v.status === 'redirected' && !v.councilId)
      ctx.addIssue({ code: 'custom', path: ['councilId'], message: 'required' })
    if (v.status !== 'redirected' && v.councilId)
      ctx.addIssue({ code: 'custom', path: ['councilId'], message: 'invalid_value' })
  })
export type StatusBody = z.infer<typeof StatusBody>

export const ExtendBody = z.strictObject({
  reason: z.string().trim().min(3).max(2000),
  dueAt: z.iso
    .date()
    .optional()
    .describe('New due day (Almaty); default: the last working day within 2 months of registration'),
})
/** The author's rating of the answer. */
export const AppealRating = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  at: z.string(),
})

export const RatingBody = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional(),
})

export const CouncilAppealsQuery = ListQuery.extend({
  status: z.enum(APPEAL_STATUSES).exclude(['unconfirmed']).optional(),
  category: z.enum(APPEAL_CATEGORIES).optional(),
  overdue: QueryBoolean.optional(),
  lng: z.string().optional(),
})
export type CouncilAppealsQuery = z.infer<typeof CouncilAppealsQuery>
export const CsvQuery = CouncilAppealsQuery.omit({ limit: true, cursor: true })
export const MineQuery = ListQuery.extend({ lng: z.string().optional() })
export const PublicQuery = ListQuery.extend({
  council: ObjectIdString.optional(),
  q: z.string().trim().max(200).optional().describe('words of the question or answer (kk/ru, inflected forms match)'),
  lng: z.string().optional(),
})

// ---------- responses ----------
const Reply = z.object({
  id: z.string(),
  by: z.enum(['council', 'author']),
  authorName: z.string(),
  text: z.string(),
  createdAt: z.string(),
})
const Attachment = z.object({ id: z.string(), name: z.string(), type: z.string(), size: z.number(), url: z.string() })
export const AppealView = z.object({
  id: z.string(),
  trackingNumber: z.string(),
  councilId: z.string(),
  category: z.enum(APPEAL_CATEGORIES),
  subject: z.string(),
  text: z.string().describe('Plain text exactly as sent (never HTML): clients must escape it'),
  status: z.enum(APPEAL_STATUSES),
  statusReason: z.string().nullable(),
  isPublic: z.boolean(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  createdAt: z.string(),
  registeredAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  extension: z.object({ reason: z.string(), at: z.string(), previousDueAt: z.string() }).nullable(),
  author: z.object({ name: z.string(), email: z.string(), guest: z.boolean() }),
  attachments: z.array(Attachment),
  replies: z.array(Reply),
  rating: AppealRating.optional(),
  history: z
    .array(
      z.object({
        status: z.enum(APPEAL_STATUSES),
        at: z.string(),
        reason: z.string().nullable(),
        councilId: z.string(),
      }),
    )
    .optional(),
})
export const AppealListItem = z.object({
  id: z.string(),
  trackingNumber: z.string(),
  councilId: z.string(),
  category: z.enum(APPEAL_CATEGORIES),
  subject: z.string(),
  status: z.enum(APPEAL_STATUSES),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  needsTriage: z.boolean().describe('Still not taken up 3 working days after registration (redirect window passed)'),
  createdAt: z.string(),
  registeredAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  authorName: z.string().optional(),
})
export const AppealPage = z.object({ items: z.array(AppealListItem), nextCursor: z.string().nullable() })
export const PublicAppeal = z.object({
  id: z.string(),
  councilId: z.string(),
  category: z.enum(APPEAL_CATEGORIES),
  subject: z.string(),
  question: z.string(),
  answers: z.array(z.object({ text: z.string(), createdAt: z.string() })),
  answeredAt: z.string(),
})
export const PublicPage = z.object({ items: z.array(PublicAppeal), nextCursor: z.string().nullable() })
export const ReplyResponse = Reply
