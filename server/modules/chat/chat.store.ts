import mongoose from 'mongoose'
import { notFound } from '../../core/errors.js'
import type { Actor } from '../../core/policy.js'
import { ChatMessageModel, ChatRoomModel, type ChatMessageDoc } from './chat.model.js'
import { canUseRoom } from './chat.policy.js'
import { loadRoomFor } from './chat.rooms.service.js'

/**
 * The hot path of a message: where it is decided who may post and in what order messages are
 * stored. Two ideas keep it to a couple of database writes under load:
 * - the room's councils are cached per process for a short while. Councils are only ever added
 *   to a room, never removed, so a stale copy can only refuse too much, never allow too much;
 *   a refusal is re-checked against the database;
 * - messages arriving together for one room are written together: one `$inc` of the room's
 *   counter for the whole batch (consecutive `seq`s in arrival order) and one unordered
 *   `insertMany`. A lone message costs exactly what it would alone; acknowledgements still wait
 *   for the write.
 */
const ROOM_TTL_MS = 30_000
const MAX_BATCH = 100
interface CachedRoom {
  _id: mongoose.Types.ObjectId
  kind: 'direct' | 'dialogue'
  councilIds: unknown[]
}
const rooms = new Map<string, { at: number; room: CachedRoom }>()

export async function roomForSend(actor: Actor, roomId: string): Promise<CachedRoom> {
  const hit = rooms.get(roomId)
  if (hit && Date.now() - hit.at < ROOM_TTL_MS && canUseRoom(actor, hit.room)) return hit.room
  const doc = await loadRoomFor(actor, roomId) // 404 or 403 from fresh data
  const room: CachedRoom = { _id: doc._id, kind: doc.kind, councilIds: doc.councilIds }
  if (rooms.size > 10_000) rooms.clear()
  rooms.set(roomId, { at: Date.now(), room })
  return room
}

/** A message as stored, before its `seq` is known. */
/** A message as the service builds it; the store numbers it (`seq`). */
export type NewMessage = Omit<ChatMessageDoc, 'seq'>
interface Pending {
  doc: NewMessage
  resolve(doc: NewMessage & { seq: number }): void
  reject(err: unknown): void
}
const queues = new Map<string, Pending[]>()

/** Stores the message with the room's next `seq`; rejects with E11000 for a resent clientId. */
export function storeMessage(doc: NewMessage): Promise<NewMessage & { seq: number }> {
  return new Promise((resolve, reject) => {
    const key = String(doc.roomId)
    const queue = queues.get(key)
    if (queue) return void queue.push({ doc, resolve, reject })
    queues.set(key, [{ doc, resolve, reject }])
    void drain(key)
  })
}

async function drain(key: string): Promise<void> {
  const queue = queues.get(key)!
  while (queue.length) {
    const batch = queue.splice(0, MAX_BATCH)
    await writeBatch(batch).catch((err) => batch.forEach((p) => p.reject(err)))
  }
  queues.delete(key)
}

async function writeBatch(batch: Pending[]): Promise<void> {
  const last = batch.at(-1)!.doc
  const room = await ChatRoomModel.findByIdAndUpdate(
    last.roomId,
    { $inc: { seq: batch.length }, $set: { lastMessageAt: last.createdAt, activityAt: last.createdAt } },
    {
      returnDocument: 'after',
      projection: { seq: 1 },
    },
  ).lean<{ seq: number }>()
  if (!room) throw notFound('room')
  const docs = batch.map((p, i) => ({ ...p.doc, seq: room.seq - batch.length + 1 + i }))
  const failed = new Map<number, unknown>()
  try {
    // The driver directly: mongoose's insertMany would validate again what the service built.
    await ChatMessageModel.collection.insertMany(docs, { ordered: false })
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors
    if (!writeErrors) throw err
    type WriteError = { index: number; errmsg?: string; code?: number }
    for (const we of ([] as WriteError[]).concat(writeErrors as WriteError | WriteError[]))
      failed.set(we.index, Object.assign(new Error(we.errmsg ?? 'write error'), { code: we.code }))
  }
  batch.forEach((p, i) => (failed.has(i) ? p.reject(failed.get(i)) : p.resolve(docs[i])))
}
