import mongoose from 'mongoose'
import type { ChatMessage, HistoryQuery, MessageSendPayload } from '../../../shared/schemas/chat.js'
import type { Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, isDuplicateKey, notFound } from '../../core/errors.js'
import { log } from '../../core/logger.js'
import type { Actor } from '../../core/policy.js'
import {
  ChatAttachmentModel,
  ChatMessageModel,
  ChatReadModel,
  type ChatAttachmentDoc,
  type ChatMessageDoc,
} from './chat.model.js'
import { canDeleteMessage, canEditMessage, speakingCouncil } from './chat.policy.js'
import { chatMessages } from './chat.metrics.js'
import { recordParticipation } from './chat.participation.js'
import { loadRoomFor, roomScope } from './chat.rooms.service.js'
import { toMessage } from './chat.serialize.js'
import { roomForSend, storeMessage } from './chat.store.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)
const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)
/** The most messages a `room:join` returns as `missed`; beyond that the client pages by REST. */
export const MISSED_MAX = 200

/**
 * Persists a message, then the caller acknowledges and broadcasts it. Idempotent: the same
 * (room, sender, clientId) returns the stored message with `created: false`; the unique index
 * decides (also when two resends race). See chat.store.ts for how few writes that takes.
 */
export async function sendMessage(
  actor: Actor,
  input: MessageSendPayload,
): Promise<{ message: ChatMessage; created: boolean }> {
  if (!isId(input.roomId)) throw notFound('room')
  const key = { roomId: oid(input.roomId), senderId: oid(actor.id), clientId: input.clientId }
  const resent = async () => {
    const existing = await ChatMessageModel.findOne(key).lean<ChatMessageDoc>()
    return existing ? { message: toMessage(existing), created: false } : null
  }
  if (input.attachmentIds?.length) {
    // A resend must not try to claim the attachments the first send already took.
    const again = await resent()
    if (again) return again
  }
  const room = await roomForSend(actor, input.roomId)
  const councilId = speakingCouncil(actor, room, input.councilId)
  const _id = new mongoose.Types.ObjectId()
  const attachments = await claimAttachments(actor, room._id, _id, input.attachmentIds ?? [])
  const now = new Date()
  let stored: ChatMessageDoc
  try {
    stored = await storeMessage({
      _id,
      ...key,
      senderName: actor.displayName,
      councilId: councilId ? oid(councilId) : null,
      text: input.text,
      attachments,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      createdAt: now,
    })
  } catch (err) {
    if (attachments.length) await releaseAttachments(_id)
    if (!isDuplicateKey(err)) throw err
    const winner = await resent()
    if (!winner) throw err
    return winner
  }
  chatMessages.inc({ kind: room.kind })
  if (room.kind === 'dialogue') {
    // The message is stored: a failure to count participation must not turn it into an error.
    await recordParticipation({ roomId: String(room._id), userId: actor.id, councilId, at: now }).catch((err) =>
      log.warn({ err }, 'chat participation not recorded'),
    )
  }
  return { message: toMessage(stored), created: true }
}

/** Marks the sender's own, not yet used uploads of this room as the message's; all or nothing. */
async function claimAttachments(
  actor: Actor,
  roomId: mongoose.Types.ObjectId,
  messageId: mongoose.Types.ObjectId,
  ids: string[],
) {
  const unique = [...new Set(ids)]
  if (!unique.length) return []
  const filter = { _id: mongoose.trusted({ $in: unique.map(oid) }), roomId, uploaderId: oid(actor.id), messageId: null }
  const res = await ChatAttachmentModel.updateMany(filter, { $set: { messageId } })
  if (res.modifiedCount !== unique.length) {
    await releaseAttachments(messageId)
    throw new AppError(400, 'chat.attachment_unavailable')
  }
  const docs = await ChatAttachmentModel.find({ messageId }).lean<ChatAttachmentDoc[]>()
  const byId = new Map(docs.map((d) => [String(d._id), d]))
  return unique
    .map((id) => byId.get(id)!) // every one was claimed above
    .map((d) => ({ attachmentId: d._id, name: d.name, mime: d.mime, size: d.size }))
}

async function releaseAttachments(messageId: mongoose.Types.ObjectId): Promise<void> {
  await ChatAttachmentModel.updateMany({ messageId }, { $set: { messageId: null } })
}

/** The councils of a message's room, for the route's access check; 404 unknown. */
export async function messageScope(messageId: string): Promise<{ councilIds: string[] }> {
  const msg = isId(messageId)
    ? await ChatMessageModel.findById(messageId, { roomId: 1 }).lean<Pick<ChatMessageDoc, 'roomId'>>()
    : null
  if (!msg) throw notFound('message')
  return roomScope(String(msg.roomId))
}

async function loadMessageFor(actor: Actor, messageId: string): Promise<ChatMessageDoc> {
  if (!isId(messageId)) throw notFound('message')
  const msg = await ChatMessageModel.findById(messageId).lean<ChatMessageDoc>()
  if (!msg) throw notFound('message')
  await loadRoomFor(actor, String(msg.roomId))
  return msg
}

/** The sender rewrites their message within 15 minutes. */
export async function editMessage(actor: Actor, messageId: string, text: string): Promise<ChatMessage> {
  const msg = await loadMessageFor(actor, messageId)
  if (msg.deletedAt) throw conflict('chat.message_deleted')
  if (String(msg.senderId) !== actor.id) throw new AppError(403, 'auth.forbidden')
  if (!canEditMessage(actor, msg)) throw new AppError(403, 'chat.edit_window_passed')
  if (msg.text === text) return toMessage(msg)
  const updated = await ChatMessageModel.findOneAndUpdate(
    { _id: msg._id, deletedAt: null },
    { $set: { text, editedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean<ChatMessageDoc>()
  if (!updated) throw conflict('chat.message_deleted')
  return toMessage(updated)
}

/**
 * Soft delete: the text and attachments disappear for everyone, the message's place in the
 * history stays. `changed: false` when it was already deleted (nothing to broadcast). Removing
 * someone else's message is moderation: audit-logged as `chat.message_deleted` with the reason.
 */
export async function deleteMessage(
  actor: Actor,
  messageId: string,
  reason?: string,
): Promise<{ roomId: string; messageId: string; changed: boolean }> {
  const msg = await loadMessageFor(actor, messageId)
  const out = { roomId: String(msg.roomId), messageId: String(msg._id) }
  if (msg.deletedAt) return { ...out, changed: false }
  if (!canDeleteMessage(actor, msg)) {
    throw String(msg.senderId) === actor.id
      ? new AppError(403, 'chat.edit_window_passed')
      : new AppError(403, 'auth.forbidden')
  }
  const res = await ChatMessageModel.updateOne(
    { _id: msg._id, deletedAt: null },
    { $set: { deletedAt: new Date(), deletedBy: oid(actor.id) } },
  )
  const changed = res.modifiedCount === 1
  if (changed && String(msg.senderId) !== actor.id)
    await audit({
      actorId: actor.id,
      action: 'chat.message_deleted',
      target: { kind: 'chat_message', id: out.messageId },
      details: {
        roomId: out.roomId,
        senderId: String(msg.senderId),
        senderName: msg.senderName,
        reason: reason ?? null,
      },
    })
  return { ...out, changed }
}

/** GET /chat/rooms/:id/messages: newest first; `nextCursor` is the `before` of the next page. */
export async function history(actor: Actor, roomId: string, q: HistoryQuery): Promise<Page<ChatMessage>> {
  const room = await loadRoomFor(actor, roomId)
  const filter: Record<string, unknown> = { roomId: room._id }
  if (q.before) filter.seq = mongoose.trusted({ $lt: await seqOf(room._id, q.before) })
  const docs = await ChatMessageModel.find(filter)
    .sort({ seq: -1 })
    .limit(q.limit + 1)
    .lean<ChatMessageDoc[]>()
  const items = docs.slice(0, q.limit).map(toMessage)
  return { items, nextCursor: docs.length > q.limit ? items.at(-1)!.id : null }
}

/** Messages of a room after `lastMessageId`, oldest first (the `missed` of `room:join`). */
export async function missedSince(
  roomId: mongoose.Types.ObjectId | string,
  lastMessageId: string,
): Promise<{ messages: ChatMessage[]; more: boolean }> {
  const after = await seqOf(roomId, lastMessageId)
  const docs = await ChatMessageModel.find({ roomId, seq: mongoose.trusted({ $gt: after }) })
    .sort({ seq: 1 })
    .limit(MISSED_MAX + 1)
    .lean<ChatMessageDoc[]>()
  return { messages: docs.slice(0, MISSED_MAX).map(toMessage), more: docs.length > MISSED_MAX }
}

async function seqOf(roomId: mongoose.Types.ObjectId | string, messageId: string): Promise<number> {
  const m = await ChatMessageModel.findOne({ _id: oid(messageId), roomId }, { seq: 1 }).lean<
    Pick<ChatMessageDoc, 'seq'>
  >()
  if (!m) throw new AppError(404, 'chat.message_not_in_room')
  return m.seq
}

/**
 * `message:read`: the reader has seen everything up to this message. Only ever moves forward:
 * the conditional upsert matches a lower mark or inserts; a higher mark makes the insert hit the
 * unique index, which means "already read further" (`advanced: false`, nothing to broadcast).
 */
export async function markRead(
  actor: Actor,
  roomId: string,
  messageId: string,
): Promise<{ advanced: boolean; councilIds: string[] }> {
  const room = await loadRoomFor(actor, roomId)
  const seq = await seqOf(room._id, messageId)
  const inRoom = new Set(room.councilIds.map(String))
  // The reader's councils in this room, for "how far has the other council read".
  const councilIds = actor.councilIds.filter((c) => inRoom.has(c))
  try {
    await ChatReadModel.updateOne(
      { userId: oid(actor.id), roomId: room._id, lastReadSeq: mongoose.trusted({ $lt: seq }) },
      { $set: { lastReadSeq: seq, lastReadMessageId: oid(messageId) } },
      { upsert: true },
    )
    return { advanced: true, councilIds }
  } catch (err) {
    if (isDuplicateKey(err)) return { advanced: false, councilIds }
    throw err
  }
}
