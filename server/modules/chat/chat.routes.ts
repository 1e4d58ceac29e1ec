import { Router } from 'express'
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
  EditMessageBody,
  HistoryQuery,
  RoomListQuery,
} from '../../../shared/schemas/chat.js'
import { IdParams } from '../../../shared/schemas/common.js'
import { actorOf, authorize } from '../../core/auth/middleware.js'
import { input, validate } from '../../core/http.js'
import { describeRoute } from '../../core/openapi.js'
import { createRateLimiter, rateLimit } from '../../core/rate-limit.js'
import { acceptUpload } from '../../core/uploads.js'
import { openAttachment, storeAttachment } from './chat.attachments.service.js'
import { emitToRoom } from './chat.bus.js'
import { scheduleAttachmentExpiry } from './chat.jobs.js'
import { messageLimiter } from './chat.handlers.js'
import { deleteMessage, editMessage, history } from './chat.messages.service.js'
import { addCouncils, createRoom, getRoom, listRooms, loadRoomFor } from './chat.rooms.service.js'

export const chatRouter = Router()
const tags = ['chat']
const roomLimiter = createRateLimiter({ name: 'chat_room_create', points: 30, durationSec: 3600 })
const uploadLimiter = createRateLimiter({ name: 'chat_upload', points: 30, durationSec: 600 })
const userKey = (req: { user?: { id: string } }) => req.user?.id ?? ''
const connect = authorize('chat.connect')

describeRoute({
  method: 'get',
  path: '/chat/rooms',
  tags,
  auth: 'chat.connect',
  query: RoomListQuery,
  response: ChatRoomPage,
  summary:
    'Rooms of my councils (moderators and admins: every room), most recently active first, with the last message and my unread count',
})
chatRouter.get('/chat/rooms', connect, validate({ query: RoomListQuery }), async (req, res) => {
  res.json(await listRooms(actorOf(req)!, input(req, 'query', RoomListQuery)))
})

describeRoute({
  method: 'post',
  path: '/chat/rooms',
  tags,
  auth: 'chat.create_room',
  body: CreateRoomBody,
  response: ChatRoomResponse,
  status: 201,
  errors: [429],
  summary:
    'Open a room. `direct`: exactly two councils; the existing room of the pair is returned with 200. `dialogue`: an inter-regional dialogue platform (councils of at least two regions; a republican council takes part but counts as no region), `title` and `topic` required. The creator is a member of one of the councils, or a moderator',
})
chatRouter.post(
  '/chat/rooms',
  connect,
  rateLimit(roomLimiter, userKey),
  validate({ body: CreateRoomBody }),
  async (req, res) => {
    const { room, created } = await createRoom(actorOf(req)!, input(req, 'body', CreateRoomBody))
    res.status(created ? 201 : 200).json({ room })
  },
)

describeRoute({
  method: 'get',
  path: '/chat/rooms/{id}',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  response: ChatRoomResponse,
  errors: [404],
  summary: 'One room with my unread count',
})
chatRouter.get('/chat/rooms/:id', connect, validate({ params: IdParams }), async (req, res) => {
  res.json({ room: await getRoom(actorOf(req)!, input(req, 'params', IdParams).id) })
})

describeRoute({
  method: 'post',
  path: '/chat/rooms/{id}/councils',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  body: AddCouncilsBody,
  response: ChatRoomResponse,
  errors: [404, 409],
  summary:
    'Add councils to a dialogue platform (members of its councils, moderators); 409 `chat.direct_is_fixed` for a direct room. Sockets in the room get `room:updated { roomId, councilIds, councils }`',
})
chatRouter.post(
  '/chat/rooms/:id/councils',
  connect,
  validate({ params: IdParams, body: AddCouncilsBody }),
  async (req, res) => {
    const { room, added } = await addCouncils(
      actorOf(req)!,
      input(req, 'params', IdParams).id,
      input(req, 'body', AddCouncilsBody),
    )
    if (added.length)
      emitToRoom(room.id, 'room:updated', { roomId: room.id, councilIds: room.councilIds, councils: room.councils })
    res.json({ room })
  },
)

describeRoute({
  method: 'get',
  path: '/chat/rooms/{id}/messages',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  query: HistoryQuery,
  response: ChatMessagePage,
  errors: [404],
  summary:
    'History, newest first: `limit` 1..100 (default 50), `before=<messageId>` for older pages (`nextCursor` is the next `before`). Deleted messages keep their place with empty text',
})
chatRouter.get(
  '/chat/rooms/:id/messages',
  connect,
  validate({ params: IdParams, query: HistoryQuery }),
  async (req, res) => {
    res.json(await history(actorOf(req)!, input(req, 'params', IdParams).id, input(req, 'query', HistoryQuery)))
  },
)

describeRoute({
  method: 'post',
  path: '/chat/rooms/{id}/attachments',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  multipart: true,
  response: ChatAttachmentSchema,
  status: 201,
  errors: [404, 413, 415, 429],
  summary:
    'Upload one `file` (jpeg, png, webp or pdf, ≤ 10 MB; type sniffed from the bytes, images re-encoded) to send with a message: `message:send { attachmentIds: [id] }`. Not sent within 24 hours, it is removed',
})
chatRouter.post(
  '/chat/rooms/:id/attachments',
  connect,
  validate({ params: IdParams }),
  // Access is checked before a byte of the file is accepted.
  async (req, _res, next) => {
    await loadRoomFor(actorOf(req)!, input(req, 'params', IdParams).id)
    next()
  },
  rateLimit(uploadLimiter, userKey),
  acceptUpload({
    field: 'file',
    maxBytes: ATTACHMENT_MAX_BYTES,
    allowed: ATTACHMENT_TYPES,
    required: true,
    maxFields: 0,
  }),
  async (req, res) => {
    const attachment = await storeAttachment(actorOf(req)!, input(req, 'params', IdParams).id, req.uploads![0])
    await scheduleAttachmentExpiry(attachment.id)
    res.status(201).json(attachment)
  },
)

describeRoute({
  method: 'get',
  path: '/chat/attachments/{id}',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  responseType: 'application/octet-stream',
  errors: [404],
  summary:
    "The file of an attachment, for the members of its room (an unsent file: its uploader only; a deleted message's: moderators only). Supports `Range`",
})
chatRouter.get('/chat/attachments/:id', connect, validate({ params: IdParams }), async (req, res) => {
  const file = await openAttachment(actorOf(req)!, input(req, 'params', IdParams).id)
  const disposition = file.mime === 'application/pdf' ? 'attachment' : 'inline'
  res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
  res.setHeader('Cache-Control', 'private, max-age=3600')
  res.sendFile(file.path, { headers: { 'Content-Type': file.mime }, dotfiles: 'allow' })
})

describeRoute({
  method: 'patch',
  path: '/chat/messages/{id}',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  body: EditMessageBody,
  response: ChatMessageResponse,
  errors: [404, 409, 429],
  summary:
    'Edit my message within 15 minutes (403 `chat.edit_window_passed` after); the room gets `message:edited { message }`. Also as socket event `message:edit`',
})
chatRouter.patch(
  '/chat/messages/:id',
  connect,
  rateLimit(messageLimiter, userKey),
  validate({ params: IdParams, body: EditMessageBody }),
  async (req, res) => {
    const message = await editMessage(
      actorOf(req)!,
      input(req, 'params', IdParams).id,
      input(req, 'body', EditMessageBody).text,
    )
    emitToRoom(message.roomId, 'message:edited', { message })
    res.json({ message })
  },
)

describeRoute({
  method: 'delete',
  path: '/chat/messages/{id}',
  tags,
  auth: 'chat.room_access',
  params: IdParams,
  status: 204,
  errors: [404],
  summary:
    'Delete (soft) a message: the sender within 15 minutes, a moderator any time. The room gets `message:deleted { roomId, messageId }`',
})
chatRouter.delete('/chat/messages/:id', connect, validate({ params: IdParams }), async (req, res) => {
  const r = await deleteMessage(actorOf(req)!, input(req, 'params', IdParams).id)
  if (r.changed) emitToRoom(r.roomId, 'message:deleted', { roomId: r.roomId, messageId: r.messageId })
  res.status(204).end()
})
