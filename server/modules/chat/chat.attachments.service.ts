import path from 'node:path'
import mongoose from 'mongoose'
import type { ChatAttachment } from '../../../shared/schemas/chat.js'
import { notFound } from '../../core/errors.js'
import { reencodeImage } from '../../core/images.js'
import { can, type Actor } from '../../core/policy.js'
import { randomName, removeStored, resolveStored, storeFile, writeStored } from '../../core/storage.js'
import type { UploadedFile } from '../../core/uploads.js'
import { ChatAttachmentModel, ChatMessageModel } from './chat.model.js'
import { loadRoomFor } from './chat.rooms.service.js'
import { toAttachment } from './chat.serialize.js'

const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)

/**
 * multipart file names arrive as latin1 (busboy's default for the header parameter) while
 * browsers send UTF-8 bytes: "карта.png" shows up as "ÐºÐ°Ñ€Ñ‚Ð°.png". Undo that when it is it.
 */
function utf8Name(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/^[\u0000-\u00ff]*$/.test(name) || !/[\u0080-\u00ff]/.test(name)) return name
  const decoded = Buffer.from(name, 'latin1').toString('utf8')
  return decoded.includes('\uFFFD') ? name : decoded
}

/** A display name for a file: UTF-8, no directories, no control characters, bounded. */
export function safeFileName(name: string, ext: string): string {
  // eslint-disable-next-line no-control-regex
  const base = path.basename(utf8Name(name).replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f"<>]/g, '').trim()
  const stem = (base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base).slice(0, 150) || 'file'
  return `${stem}.${ext}`
}

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
      roomId: room._id, uploaderId: new mongoose.Types.ObjectId(actor.id), key,
      name: safeFileName(file.originalName, ext), mime: image ? 'image/webp' : file.mime, size,
    })
    return toAttachment(doc.toObject())
  } catch (err) {
    await removeStored(key)
    throw err
  }
}

/**
 * The stored file behind GET /chat/attachments/:id. Members of the room see the files of its
 * messages; a file not yet sent is its uploader's; a deleted message's files are staff-only.
 */
export async function openAttachment(actor: Actor, id: string): Promise<{ path: string; mime: string; name: string }> {
  if (!isId(id)) throw notFound('attachment')
  const doc: any = await ChatAttachmentModel.findById(id).lean()
  if (!doc) throw notFound('attachment')
  await loadRoomFor(actor, String(doc.roomId))
  const staff = can(actor, 'chat.moderate')
  if (!doc.messageId) {
    if (String(doc.uploaderId) !== actor.id && !staff) throw notFound('attachment')
  } else if (!staff) {
    const msg: any = await ChatMessageModel.findById(doc.messageId, { deletedAt: 1 }).lean()
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
  const doc: any = await ChatAttachmentModel.findOneAndDelete({ _id: new mongoose.Types.ObjectId(id), messageId: null }).lean()
  if (!doc) return false
  await removeStored(doc.key)
  return true
}
