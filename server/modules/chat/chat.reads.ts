import mongoose from 'mongoose'
import type { RoomRead } from '../../../shared/socket-events.js'
import { findUsersByIds } from '../users/index.js'
import { ChatReadModel, type ChatReadDoc } from './chat.model.js'

/**
 * Read receipts of a room: how far each reader has read (their last `message:read`), with their
 * name and the room's councils they belong to, so a page can show "read by N" under a message
 * and, in a direct room, how far the other council has read.
 */
export async function roomReads(
  roomId: mongoose.Types.ObjectId | string,
  roomCouncilIds: string[],
): Promise<RoomRead[]> {
  const reads = await ChatReadModel.find({ roomId }).sort({ lastReadSeq: -1 }).limit(500).lean<ChatReadDoc[]>()
  if (!reads.length) return []
  const users = new Map((await findUsersByIds(reads.map((r) => String(r.userId)))).map((u) => [u.id, u]))
  const inRoom = new Set(roomCouncilIds.map(String))
  return reads.flatMap((r) => {
    const u = users.get(String(r.userId))
    if (!u) return []
    return [
      {
        userId: u.id,
        displayName: u.displayName,
        councilIds: u.councilIds.filter((c) => inRoom.has(c)),
        messageId: String(r.lastReadMessageId),
        at: new Date(r.updatedAt).toISOString(),
      },
    ]
  })
}
