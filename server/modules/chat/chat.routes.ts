import { Router, type Request } from 'express'
import {
  AddCouncilsBody,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  ChatAttachmentSchema,
  ChatMessagePage,
  ChatMessageResponse,
  ChatRoomPage,
  ChatRoomResponse,
  CreateRoomBody,
  DeleteMessageBody,
  EditMessageBody,
  HistoryQuery,
  RoomListQuery,
} from '../../../shared/schemas/chat.js'
import { IdParams } from '../../../shared/schemas/common.js'
import { actorOf } from '../../core/auth/middleware.js'
import { sendFileDone } from '../../core/media.js'
import { rateLimit } from '../../core/rate-limit.js'
import { route } from '../../core/route.js'
import { acceptUpload } from '../../core/uploads.js'
import { attachmentScope, openAttachment, storeAttachment } from './chat.attachments.service.js'
import { emitToRoom } from './chat.bus.js'
import { scheduleAttachmentExpiry } from './chat.jobs.js'
import { messageLimiter, roomLimiter, uploadLimiter } from './chat.limits.js'
import { deleteMessage, editMessage, history, messageScope } from './chat.messages.service.js'
import { addCouncils, createRoom, getRoom, listRooms, roomScope } from './chat.rooms.service.js'

export const chatRouter = Router()
const tags = ['chat']
const userKey = (req: { user?: { id: string } }) => req.user?.id ?? ''
const ofRoom = ({ params }: { params: { id: string } }) => roomScope(params.id)
/**
 * The councils a new room is asked for. A body that names none is left to validation (400), so it is
 * checked against the actor's own councils; the service decides on the validated body.
 */
const askedCouncils = ({ req }: { req: Request }) => {
  const asked = (req.body as { councilIds?: unknown } | undefined)?.councilIds
  return { councilIds: Array.isArray(asked) ? asked : actorOf(req)!.councilIds }
}

route(
  chatRouter,
  {
    method: 'get',
    path: '/chat/rooms',
    tags,
    auth: 'chat.connect',
    query: RoomListQuery,
    response: ChatRoomPage,
    summary:
      'Rooms of my councils (moderators and admins: every room), most recently active first, with the last message and my unread count',
  },
  ({ actor, query }) => listRooms(actor, query),
)

route(
  chatRouter,
  {
    method: 'post',
    path: '/chat/rooms',
    tags,
    auth: 'chat.create_room',
    scope: askedCouncils,
    use: [rateLimit(roomLimiter, userKey)],
    body: CreateRoomBody,
    response: ChatRoomResponse,
    status: 201,
    alsoStatus: { 200: { response: ChatRoomResponse, description: 'The pair already has a direct room: that room' } },
    errors: [429],
    summary:
      'Open a room. `direct`: exactly two councils; the existing room of the pair is returned with 200. `dialogue`: an inter-regional dialogue platform (councils of at least two regions; a republican council takes part but counts as no region), `title` and `topic` required. The creator is a member of one of the councils, or a moderator',
  },
  async ({ actor, body, res }) => {
    const { room, created } = await createRoom(actor, body)
    if (created) return { room }
    res.json({ room }) // the pair's existing room: 200
  },
)

route(
  chatRouter,
  {
    method: 'get',
    path: '/chat/rooms/{id}',
    tags,
    auth: 'chat.room_access',
    scope: ofRoom,
    params: IdParams,
    response: ChatRoomResponse,
    errors: [404],
    summary: 'One room with my unread count',
  },
  async ({ actor, params }) => ({ room: await getRoom(actor, params.id) }),
)

route(
  chatRouter,
  {
    method: 'post',
    path: '/chat/rooms/{id}/councils',
    tags,
    auth: 'chat.room_access',
    scope: ofRoom,
    params: IdParams,
    body: AddCouncilsBody,
    response: ChatRoomResponse,
    errors: [404, 409],
    summary:
      'Add councils to a dialogue platform (members of its councils, moderators); 409 `chat.direct_is_fixed` for a direct room. Sockets in the room get `room:updated { roomId, councilIds, councils }`',
  },
  async ({ actor, params, body }) => {
    const { room, added } = await addCouncils(actor, params.id, body)
    if (added.length)
      emitToRoom(room.id, 'room:updated', { roomId: room.id, councilIds: room.councilIds, councils: room.councils })
    return { room }
  },
)

route(
  chatRouter,
  {
    method: 'get',
    path: '/chat/rooms/{id}/messages',
    tags,
    auth: 'chat.room_access',
    scope: ofRoom,
    params: IdParams,
    query: HistoryQuery,
    response: ChatMessagePage,
    errors: [404],
    summary:
      'History, newest first: `limit` 1..100 (default 50), `before=<messageId>` for older pages (`nextCursor` is the next `before`). Deleted messages keep their place with empty text',
  },
  ({ actor, params, query }) => history(actor, params.id, query),
)

route(
  chatRouter,
  {
    method: 'post',
    path: '/chat/rooms/{id}/attachments',
    tags,
    auth: 'chat.room_access',
    // Access is checked before a byte of the file is accepted.
    scope: ofRoom,
    params: IdParams,
    use: [
      rateLimit(uploadLimiter, userKey),
      acceptUpload({
        field: 'file',
        maxBytes: ATTACHMENT_MAX_BYTES,
        allowed: ATTACHMENT_TYPES,
        required: true,
        maxFields: 0,
      }),
    ],
    multipart: true,
    response: ChatAttachmentSchema,
    status: 201,
    errors: [404, 413, 415, 429],
    summary:
      'Upload one `file` (jpeg, png, webp or pdf, ≤ 10 MB; type sniffed from the bytes, images re-encoded) to send with a message: `message:send { attachmentIds: [id] }`. Not sent within 24 hours, it is removed',
  },
  async ({ actor, params, req }) => {
    const attachment = await storeAttachment(actor, params.id, req.uploads![0])
    await scheduleAttachmentExpiry(attachment.id)
    return attachment
  },
)

route(
  chatRouter,
  {
    method: 'get',
    path: '/chat/attachments/{id}',
    tags,
    auth: 'chat.room_access',
    scope: ({ params }) => attachmentScope(params.id),
    params: IdParams,
    responseType: 'application/octet-stream',
    errors: [404],
    summary:
      "The file of an attachment, for the members of its room (an unsent file: its uploader only; a deleted message's: moderators only). Supports `Range`",
  },
  async ({ actor, params, res }) => {
    const file = await openAttachment(actor, params.id)
    const disposition = file.mime === 'application/pdf' ? 'attachment' : 'inline'
    res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    res.setHeader('Cache-Control', 'private, max-age=3600')
    await sendFileDone(res, file.path, { headers: { 'Content-Type': file.mime }, dotfiles: 'allow' })
  },
)

route(
  chatRouter,
  {
    method: 'patch',
    path: '/chat/messages/{id}',
    tags,
    auth: 'chat.room_access',
    scope: ({ params }) => messageScope(params.id),
    params: IdParams,
    use: [rateLimit(messageLimiter, userKey)],
    body: EditMessageBody,
    response: ChatMessageResponse,
    errors: [404, 409, 429],
    summary:
      'Edit my message within 15 minutes (403 `chat.edit_window_passed` after); the room gets `message:edited { message }`. Also as socket event `message:edit`',
  },
  async ({ actor, params, body }) => {
    const message = await editMessage(actor, params.id, body.text)
    emitToRoom(message.roomId, 'message:edited', { message })
    return { message }
  },
)

route(
  chatRouter,
  {
    method: 'delete',
    path: '/chat/messages/{id}',
    tags,
    auth: 'chat.room_access',
    scope: ({ params }) => messageScope(params.id),
    params: IdParams,
    body: DeleteMessageBody,
    status: 204,
    errors: [400, 404],
    summary:
      "Delete (soft) a message: the sender within 15 minutes, a moderator any time. Optional JSON body `{ reason }` (1..500 chars): a moderator removing someone else's message is audit-logged as `chat.message_deleted` with it. The room gets `message:deleted { roomId, messageId }`",
  },
  async ({ actor, params, body }) => {
    const r = await deleteMessage(actor, params.id, body.reason)
    if (r.changed) emitToRoom(r.roomId, 'message:deleted', { roomId: r.roomId, messageId: r.messageId })
  },
)
