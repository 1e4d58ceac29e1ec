import type { ChatAttachment, ChatMessage, ChatRoom, ChatRoomCouncil } from '../../../shared/schemas/chat.js'
import type { LocalizedText } from '../../../shared/schemas/common.js'
import type { ChatAttachmentDoc, ChatMessageDoc, ChatRoomDoc } from './chat.model.js'

/** Database documents → the API's shapes (ids as strings, ISO times, no `_id`). */

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null)

export const attachmentUrl = (id: string) => `/api/v1/chat/attachments/${id}`

export function toMessage(doc: ChatMessageDoc): ChatMessage {
  const deleted = Boolean(doc.deletedAt)
  return {
    id: String(doc._id),
    roomId: String(doc.roomId),
    senderId: String(doc.senderId),
    senderName: doc.senderName,
    councilId: doc.councilId ? String(doc.councilId) : null,
    text: deleted ? '' : doc.text,
    clientId: doc.clientId,
    attachments: deleted ? [] : (doc.attachments ?? []).map(toAttachmentRef),
    createdAt: iso(doc.createdAt)!,
    editedAt: iso(doc.editedAt),
    deletedAt: iso(doc.deletedAt),
  }
}

function toAttachmentRef(a: ChatMessageDoc['attachments'][number]): ChatAttachment {
  const id = String(a.attachmentId)
  return { id, name: a.name, mime: a.mime, size: a.size, url: attachmentUrl(id) }
}

export function toAttachment(doc: Pick<ChatAttachmentDoc, '_id' | 'name' | 'mime' | 'size'>): ChatAttachment {
  const id = String(doc._id)
  return { id, name: doc.name, mime: doc.mime, size: doc.size, url: attachmentUrl(id) }
}

const localized = (v: { kk?: string | null; ru?: string | null } | null | undefined): LocalizedText | null =>
  v && (v.kk || v.ru) ? { ...(v.kk ? { kk: v.kk } : {}), ...(v.ru ? { ru: v.ru } : {}) } : null

export function toRoom(
  doc: ChatRoomDoc,
  extra: { councils: ChatRoomCouncil[]; lastMessage: ChatMessage | null; unread: number },
): ChatRoom {
  return {
    id: String(doc._id),
    kind: doc.kind,
    councilIds: (doc.councilIds ?? []).map(String),
    councils: extra.councils,
    title: localized(doc.title),
    topic: localized(doc.topic),
    createdBy: String(doc.createdBy),
    createdAt: iso(doc.createdAt)!,
    lastMessageAt: iso(doc.lastMessageAt),
    lastMessage: extra.lastMessage,
    unread: extra.unread,
  }
}
