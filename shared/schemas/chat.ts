import { z } from 'zod'
import { Cursor, LimitParam, localizedText, ObjectIdString } from './common.js'

/**
 * Chat between councils (API.md "Chat between councils"): REST bodies and every socket event
 * payload. The server validates each event with these same schemas; the web client builds its
 * payloads from them, so a change here is a change of the contract.
 */

import { ROOM_KINDS, MESSAGE_MAX_CHARS, MESSAGE_MAX_ATTACHMENTS, ROOM_MAX_COUNCILS } from '../domain.js'
export {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  MESSAGE_EDIT_WINDOW_MS,
  MESSAGE_MAX_ATTACHMENTS,
  MESSAGE_MAX_CHARS,
  ROOM_KINDS,
  ROOM_MAX_COUNCILS,
} from '../domain.js'
export type { RoomKind } from '../domain.js'

/**
 * Message text is plain text: kept as written (NFC) except for invisible control characters and
 * bidirectional overrides, which only serve to hide or disguise content (NUL, U+202E …).
 * Newlines and tabs stay.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g
export const cleanText = (s: string) => s.normalize('NFC').replace(HIDDEN, '')
/** A lone UTF-16 surrogate: not text, and stored as U+FFFD it would differ from what was accepted. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const MessageText = z
  .string()
  .refine((v) => !LONE_SURROGATE.test(v), { message: 'invalid_format' })
  .overwrite(cleanText)
/** An edit replaces the text: it cannot become blank (delete the message instead). */
const EditedText = MessageText.min(1)
  .max(MESSAGE_MAX_CHARS)
  .refine((t) => t.trim().length > 0, { message: 'required' })

const CouncilIdList = z.array(ObjectIdString).min(1).max(ROOM_MAX_COUNCILS)
/** A client-chosen idempotency key, unique per sender: any string of 1..100 characters (API.md). */
export const ClientId = z.string().min(1).max(100)

// ---------- REST ----------

export const CreateRoomBody = z
  .strictObject({
    kind: z.enum(ROOM_KINDS),
    councilIds: CouncilIdList,
    title: localizedText({ max: 200 }).optional(),
    topic: localizedText({ max: 2000 }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'direct') {
      if (v.councilIds.length !== 2 || new Set(v.councilIds).size !== 2)
        ctx.addIssue({ code: 'custom', path: ['councilIds'], message: 'invalid_value' })
      if (v.title) ctx.addIssue({ code: 'custom', path: ['title'], message: 'invalid_value' })
      if (v.topic) ctx.addIssue({ code: 'custom', path: ['topic'], message: 'invalid_value' })
    } else {
      if (new Set(v.councilIds).size < 2)
        ctx.addIssue({
          code: 'too_small',
          origin: 'array',
          minimum: 2,
          inclusive: true,
          path: ['councilIds'],
          message: 'too_small',
        })
      if (!v.title) ctx.addIssue({ code: 'custom', path: ['title'], message: 'required' })
      if (!v.topic) ctx.addIssue({ code: 'custom', path: ['topic'], message: 'required' })
    }
  })
  // The refinement, as the document can say it.
  .meta({
    if: { properties: { kind: { const: 'direct' } } },
    then: {
      properties: { councilIds: { minItems: 2, maxItems: 2, uniqueItems: true }, title: false, topic: false },
    },
    else: { properties: { councilIds: { minItems: 2 } }, required: ['title', 'topic'] },
  })
export type CreateRoomBody = z.infer<typeof CreateRoomBody>

export const AddCouncilsBody = z.strictObject({ councilIds: CouncilIdList })
export type AddCouncilsBody = z.infer<typeof AddCouncilsBody>

export const RoomListQuery = z.object({
  kind: z.enum(ROOM_KINDS).optional(),
  limit: LimitParam,
  cursor: Cursor.optional(),
})
export type RoomListQuery = z.infer<typeof RoomListQuery>

export const HistoryQuery = z.object({
  before: ObjectIdString.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .transform((n) => Math.min(n, 100)),
})
export type HistoryQuery = z.infer<typeof HistoryQuery>

export const EditMessageBody = z.strictObject({ text: EditedText })
export type EditMessageBody = z.infer<typeof EditMessageBody>
/** Why a moderator removes someone else's message: kept in the audit log (`chat.message_deleted`). */
export const DeleteReason = z.string().trim().min(1).max(500)
export const DeleteMessageBody = z.strictObject({ reason: DeleteReason.optional() })

// ---------- socket.io events (client → server) ----------

export const RoomJoinPayload = z.strictObject({
  roomId: ObjectIdString,
  /** The newest message the client already has: the ack then carries `missed` (oldest first). */
  lastMessageId: ObjectIdString.optional(),
})
export const RoomLeavePayload = z.strictObject({ roomId: ObjectIdString })

export const MessageSendPayload = z
  .strictObject({
    roomId: ObjectIdString,
    text: MessageText.max(MESSAGE_MAX_CHARS),
    clientId: ClientId,
    /** Ids from `POST /chat/rooms/:id/attachments`; with attachments the text may be empty. */
    attachmentIds: z.array(ObjectIdString).max(MESSAGE_MAX_ATTACHMENTS).optional(),
    /** For a member of several of the room's councils: which one speaks. Default: the first. */
    councilId: ObjectIdString.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.text.trim().length === 0 && !v.attachmentIds?.length)
      ctx.addIssue({
        code: 'too_small',
        origin: 'string',
        minimum: 1,
        inclusive: true,
        path: ['text'],
        message: 'too_small',
      })
  })
export type MessageSendPayload = z.infer<typeof MessageSendPayload>

export const MessageEditPayload = z.strictObject({ messageId: ObjectIdString, text: EditedText })
export const MessageDeletePayload = z.strictObject({ messageId: ObjectIdString, reason: DeleteReason.optional() })
export const TypingPayload = z.strictObject({ roomId: ObjectIdString })
export const MessageReadPayload = z.strictObject({ roomId: ObjectIdString, messageId: ObjectIdString })

// ---------- shapes the server sends ----------

const Localized = z.object({ kk: z.string().optional(), ru: z.string().optional() })

export const ChatAttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  url: z.string().describe('Served only to the members of the room (and moderators)'),
})
export type ChatAttachment = z.infer<typeof ChatAttachmentSchema>

export const ChatMessageSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  councilId: z
    .string()
    .nullable()
    .describe("The council the sender spoke for; null for a moderator outside the room's councils"),
  text: z.string().describe('Plain text: render as text, never as HTML. Empty once deleted'),
  clientId: z.string(),
  attachments: z.array(ChatAttachmentSchema),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
})
export type ChatMessage = z.infer<typeof ChatMessageSchema>

export const ChatRoomCouncilSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: Localized,
  regionId: z.string().nullable(),
})
export type ChatRoomCouncil = z.infer<typeof ChatRoomCouncilSchema>

export const ChatRoomSchema = z.object({
  id: z.string(),
  kind: z.enum(ROOM_KINDS),
  councilIds: z.array(z.string()),
  councils: z.array(ChatRoomCouncilSchema),
  title: Localized.nullable(),
  topic: Localized.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastMessageAt: z.string().nullable(),
  lastMessage: ChatMessageSchema.nullable(),
  unread: z.number().int().describe("Messages by others newer than the reader's last `message:read`, not deleted"),
})
export type ChatRoom = z.infer<typeof ChatRoomSchema>

export const ChatRoomResponse = z.object({ room: ChatRoomSchema })
export const ChatRoomPage = z.object({ items: z.array(ChatRoomSchema), nextCursor: z.string().nullable() })
export const ChatMessagePage = z.object({
  items: z.array(ChatMessageSchema),
  nextCursor: z.string().nullable().describe('Pass as `before` for the next (older) page'),
})
export const ChatMessageResponse = z.object({ message: ChatMessageSchema })

export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | {
      ok: false
      error: {
        code: string
        message: string
        errors?: { path: string; code: string; message: string }[]
        /** With `rate_limited`: whole seconds until it is worth trying again. */
        retryAfterSec?: number
      }
    }

/** Server → client event names (the contract's, plus documented extensions). */
export const SERVER_EVENTS = [
  'message:new',
  'message:edited',
  'message:deleted',
  'typing',
  'read',
  'presence',
  'room:updated',
] as const
