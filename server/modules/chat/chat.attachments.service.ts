import mongoose from 'mongoose'
import type { ChatAttachment } from '../../../shared/schemas/chat.js'
import { notFound } from '../../core/errors.js'
import { reencodeImage } from '../../core/images.js'
import { can, type Actor } from '../../core/policy.js'
import { randomName, removeStored, resolveStored, storeFile, writeStored } from '../../core/storage.js'
import { safeFileName, type UploadedFile } from '../../core/uploads.js'
import { ChatAttachmentModel, ChatMessageModel, type ChatAttachmentDoc, type ChatMessageDoc } from './chat.model.js'
import { loadRoomFor, roomScope } from './chat.rooms.service.js'
import { toAttachment } from './chat.serialize.js'

const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)

/**
 * Keeps an uploaded file (already sniffed by `acceptUpload`) for a room: images are re-encoded
 * (metadata such as GPS stripped, size bounded), PDFs are stored as they are. The attachment
 * belongs to its uploader until a message of theirs references it.
 */
export async function storeAttachment(actor: Actor, roomId: string, file: UploadedFile): Promise<ChatAttachment> {
  const room = await loadRoomFor(actor, roomId)
  const image = file.mime.startsWith('image/')
  const ext = image ? 'webp' : file.ext
  const key = `chat/${String(room._id)}/${randomName(ext)}`
  let size = file.size
  if (image) {
    const data = await reencodeImage(file.path, { maxWidth: 2560, maxHeight: 2560 })
    size = data.length
    await writeStored(key, data)
  } else {
    await storeFile(file.path, key)
  }
  try {
    const doc = await ChatAttachmentModel.create({
      roomId: room._id,
      uploaderId: new mongoose.Types.ObjectId(actor.id),
      key,
      name: safeFileName(file.originalName, ext),
      mime: image ? 'image/webp' : file.mime,
      size,
    })
    return toAttachment(doc.toObject())
  } catch (err) {
    await removeStored(key)
    throw err
  }
}

/** The councils of an attachment's room, for the route's access check; 404 unknown. */
export async function attachmentScope(id: string): Promise<{ councilIds: string[] }> {
  const doc = isId(id) ? await ChatAttachmentModel.findById(id, { roomId: 1 }).lean() : null
  if (!doc) throw notFound('attachment')
  return roomScope(String(doc.roomId))
}

/**
 * The stored file behind GET /chat/attachments/:id. Members of the room see the files of its
 * messages; a file not yet sent is its uploader's; a deleted message's files are staff-only.
 */
export async function openAttachment(actor: Actor, id: string): Promise<{ path: string; mime: string; name: string }> {
  if (!isId(id)) throw notFound('attachment')
  const doc = await ChatAttachmentModel.findById(id).lean<ChatAttachmentDoc>()
  if (!doc) throw notFound('attachment')
  await loadRoomFor(actor, String(doc.roomId))
  const staff = can(actor, 'chat.moderate')
  if (!doc.messageId) {
    if (String(doc.uploaderId) !== actor.id && !staff) throw notFound('attachment')
  } else if (!staff) {
    const msg = await ChatMessageModel.findById(doc.messageId, { deletedAt: 1 }).lean<
      Pick<ChatMessageDoc, 'deletedAt'>
    >()
    if (!msg || msg.deletedAt) throw notFound('attachment')
  }
  return { path: resolveStored(doc.key), mime: doc.mime, name: doc.name }
}

/**
 * Removes an upload that no message took (the daily clean-up job). The conditional delete
 * decides against a message claiming it at the same moment: one of the two wins, never both.
 */
export async function expireAttachment(id: string): Promise<boolean> {
  if (!isId(id)) return false
  const doc = await ChatAttachmentModel.findOneAndDelete({
    _id: new mongoose.Types.ObjectId(id),
    messageId: null,
  }).lean<ChatAttachmentDoc>()
  if (!doc) return false
  await removeStored(doc.key)
  return true
}
