import mongoose from 'mongoose'
import { ChatParticipationModel, type ChatParticipationDoc } from './chat.model.js'

/**
 * Participation in inter-regional dialogue platforms (grant indicator 2 of DESIGN.md §6): one
 * document per (room, user, UTC day) with the first and last post of that day. Writes are
 * coalesced per process: a busy conversation costs one upsert per person per minute, not one
 * per message.
 */
const COALESCE_MS = 60_000
const recent = new Map<string, number>()

export async function recordParticipation(p: {
  roomId: string
  userId: string
  councilId: string | null
  at: Date
}): Promise<void> {
  const day = p.at.toISOString().slice(0, 10)
  const key = `${p.roomId}:${p.userId}:${day}`
  const last = recent.get(key)
  if (last !== undefined && p.at.getTime() - last < COALESCE_MS) return
  recent.set(key, p.at.getTime())
  if (recent.size > 50_000) recent.clear() // bounded memory; worst case one extra upsert each
  await ChatParticipationModel.updateOne(
    { roomId: new mongoose.Types.ObjectId(p.roomId), userId: new mongoose.Types.ObjectId(p.userId), day },
    {
      $setOnInsert: { firstAt: p.at, councilId: p.councilId ? new mongoose.Types.ObjectId(p.councilId) : null },
      $set: { lastAt: p.at },
    },
    { upsert: true },
  ).catch(async (err) => {
    // Two processes inserting the same day at once: the other one's document is there; update it.
    if ((err as { code?: number }).code !== 11000) throw err
    await ChatParticipationModel.updateOne(
      { roomId: new mongoose.Types.ObjectId(p.roomId), userId: new mongoose.Types.ObjectId(p.userId), day },
      { $set: { lastAt: p.at } },
    )
  })
}

/**
 * Ids of the users who posted in any dialogue platform between `from` (inclusive) and `to`
 * (exclusive), for the stats module: share of council members in inter-regional dialogue.
 */
export async function dialogueParticipants({ from, to }: { from: Date; to: Date }): Promise<string[]> {
  const ids = await ChatParticipationModel.distinct('userId', {
    lastAt: mongoose.trusted({ $gte: from }),
    firstAt: mongoose.trusted({ $lt: to }),
  })
  return ids.map(String).sort()
}

/** Per-room counts for reports: how many people took part in each platform in the period. */
export async function dialogueParticipation({
  from,
  to,
}: {
  from: Date
  to: Date
}): Promise<{ roomId: string; participants: number }[]> {
  const docs = await ChatParticipationModel.find(
    { lastAt: mongoose.trusted({ $gte: from }), firstAt: mongoose.trusted({ $lt: to }) },
    { roomId: 1, userId: 1 },
  ).lean<Pick<ChatParticipationDoc, 'roomId' | 'userId'>[]>()
  const byRoom = new Map<string, Set<string>>()
  for (const d of docs) {
    const set = byRoom.get(String(d.roomId)) ?? new Set<string>()
    set.add(String(d.userId))
    byRoom.set(String(d.roomId), set)
  }
  return [...byRoom]
    .map(([roomId, users]) => ({ roomId, participants: users.size }))
    .sort((a, b) => b.participants - a.participants)
}

/**
 * For the indicators (stats module): per month of an Almaty year (index 0..11), the distinct users
 * who posted in any dialogue platform that month. One `distinct` per month over the `lastAt` index;
 * what leaves the database is at most the set of participants, never messages.
 */
export async function dialogueSendersByMonth(year: number): Promise<string[][]> {
  const ALMATY_OFFSET_MS = 5 * 3600_000
  const start = (m: number) => new Date(Date.UTC(year, m, 1) - ALMATY_OFFSET_MS)
  return Promise.all(
    Array.from({ length: 12 }, async (_, m) => {
      const ids = await ChatParticipationModel.distinct('userId', {
        lastAt: mongoose.trusted({ $gte: start(m), $lt: start(m + 1) }),
      })
      return ids.map(String)
    }),
  )
}
