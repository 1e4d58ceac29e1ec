import mongoose from 'mongoose'
import { AuditLog } from '../../core/audit.js'
import { ERASED_NAME, type PersonalDataHandler } from '../../core/personal-data.js'
import { ChatMessageModel, type ChatMessageDoc } from './chat.model.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)
/** The newest messages an export holds (a member of many dialogues may have written more). */
export const EXPORTED_MESSAGES_MAX = 50_000

/**
 * A person's chat messages. Erasing removes their name from them; the text stays in the room,
 * since the dialogue between councils is their public work and the other side's replies refer to it.
 */
export const chatPersonalData: PersonalDataHandler = {
  async export(userId) {
    const messages = await ChatMessageModel.find(
      { senderId: oid(userId) },
      { roomId: 1, text: 1, createdAt: 1, editedAt: 1, deletedAt: 1, attachments: 1 },
    )
      .sort({ senderId: 1, _id: -1 })
      .limit(EXPORTED_MESSAGES_MAX)
      .lean<(ChatMessageDoc & { createdAt: Date })[]>()
    return {
      messages: messages.map((m) => ({
        roomId: String(m.roomId),
        text: m.text,
        attachments: (m.attachments ?? []).map((a) => a.name),
        createdAt: m.createdAt.toISOString(),
        editedAt: m.editedAt ? m.editedAt.toISOString() : null,
        deletedAt: m.deletedAt ? m.deletedAt.toISOString() : null,
      })),
    }
  },
  async erase(userId) {
    await ChatMessageModel.updateMany({ senderId: oid(userId) }, { $set: { senderName: ERASED_NAME } })
    // A moderator's removal of their message is audited with the sender's name.
    await AuditLog.updateMany(
      { action: 'chat.message_deleted', 'details.senderId': userId },
      { $set: { 'details.senderName': ERASED_NAME } },
    )
  },
}
