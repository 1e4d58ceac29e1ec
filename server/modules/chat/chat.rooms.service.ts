import mongoose from 'mongoose'
import type {
  AddCouncilsBody,
  ChatRoom,
  ChatRoomCouncil,
  CreateRoomBody,
  RoomListQuery,
} from '../../../shared/schemas/chat.js'
import type { Page } from '../../../shared/schemas/common.js'
import { AppError, conflict, isDuplicateKey, notFound } from '../../core/errors.js'
import { keysetPage } from '../../core/paging.js'
import { assertCan, can, type Actor } from '../../core/policy.js'
import { findCouncilSummaries, type CouncilSummary } from '../councils/index.js'
import {
  ChatMessageModel,
  ChatReadModel,
  ChatRoomModel,
  type ChatMessageDoc,
  type ChatReadDoc,
  type ChatRoomDoc,
} from './chat.model.js'
import { assertUseRoom } from './chat.policy.js'
import { toMessage, toRoom } from './chat.serialize.js'

const oid = (id: string) => new mongoose.Types.ObjectId(id)
const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)

/** The room document if it exists and the actor may use it: 404 unknown, 403 not theirs. */
export async function loadRoomFor(actor: Actor, roomId: string): Promise<ChatRoomDoc> {
  if (!isId(roomId)) throw notFound('room')
  const room = await ChatRoomModel.findById(roomId).lean<ChatRoomDoc>()
  if (!room) throw notFound('room')
  assertUseRoom(actor, room)
  return room
}

/** The councils of a room, for the route's access check (`chat.room_access`); 404 unknown. */
export async function roomScope(roomId: string): Promise<{ councilIds: string[] }> {
  const room = isId(roomId)
    ? await ChatRoomModel.findById(roomId, { councilIds: 1 }).lean<Pick<ChatRoomDoc, 'councilIds'>>()
    : null
  if (!room) throw notFound('room')
  return { councilIds: room.councilIds.map(String) }
}

/** Councils named in a request, all of which must exist (not archived). */
async function resolveCouncils(ids: string[]): Promise<CouncilSummary[]> {
  const unique = [...new Set(ids)]
  const found = await findCouncilSummaries(unique)
  if (found.length !== unique.length) {
    const known = new Set(found.map((c) => c.id))
    const missing = unique.filter((id) => !known.has(id))
    throw new AppError(
      400,
      'validation.failed',
      {},
      missing.map((id) => ({ path: `body.councilIds.${unique.indexOf(id)}`, code: 'invalid_id' })),
    )
  }
  return found
}

/**
 * Regions a set of councils spans. A republican council (regionId null) takes part but does not
 * count as a region: "inter-regional" is about oblasts and cities of republican significance
 * talking to each other, which is what the grant indicator measures.
 */
export function regionCount(councils: Pick<CouncilSummary, 'regionId'>[]): number {
  return new Set(councils.map((c) => c.regionId).filter((r): r is string => r !== null)).size
}

/**
 * POST /chat/rooms. Direct: exactly two councils, one room per pair (the existing room is
 * returned, `created: false`). Dialogue: councils from at least two regions, with a title and a
 * topic. The creator must be a member of one of the councils, or staff.
 */
export async function createRoom(actor: Actor, body: CreateRoomBody): Promise<{ room: ChatRoom; created: boolean }> {
  const ids = [...new Set(body.councilIds)]
  assertCan(actor, 'chat.create_room', { councilIds: ids })
  const councils = await resolveCouncils(ids)
  const now = new Date()
  if (body.kind === 'direct') {
    const key = `direct:${[...ids].sort().join(':')}`
    const existing = await ChatRoomModel.findOne({ key }).lean<ChatRoomDoc>()
    if (existing) return { room: await roomView(actor, existing), created: false }
    try {
      const doc = await ChatRoomModel.create({
        kind: 'direct',
        key,
        councilIds: ids.map(oid),
        createdBy: oid(actor.id),
        activityAt: now,
      })
      return { room: await roomView(actor, doc.toObject()), created: true }
    } catch (err) {
      // Both councils opened the room at the same moment: the other insert won, return its room.
      if (!isDuplicateKey(err)) throw err
      const winner = await ChatRoomModel.findOne({ key }).lean<ChatRoomDoc>()
      if (!winner) throw err
      return { room: await roomView(actor, winner), created: false }
    }
  }
  if (regionCount(councils) < 2) throw new AppError(400, 'chat.dialogue_needs_regions')
  const _id = new mongoose.Types.ObjectId()
  const doc = await ChatRoomModel.create({
    _id,
    kind: 'dialogue',
    key: `dialogue:${_id}`,
    councilIds: ids.map(oid),
    title: body.title,
    topic: body.topic,
    createdBy: oid(actor.id),
    activityAt: now,
  })
  return { room: await roomView(actor, doc.toObject()), created: true }
}

/** POST /chat/rooms/:id/councils: more councils join a dialogue platform (never a direct room). */
export async function addCouncils(
  actor: Actor,
  roomId: string,
  body: AddCouncilsBody,
): Promise<{ room: ChatRoom; added: string[] }> {
  const room = await loadRoomFor(actor, roomId)
  if (room.kind !== 'dialogue') throw conflict('chat.direct_is_fixed')
  const current = new Set<string>(room.councilIds.map(String))
  const added = [...new Set(body.councilIds)].filter((id) => !current.has(id))
  if (added.length) await resolveCouncils(added)
  if (current.size + added.length > 50) throw new AppError(400, 'chat.too_many_councils', { max: 50 })
  const updated = added.length
    ? await ChatRoomModel.findByIdAndUpdate(
        roomId,
        { $addToSet: { councilIds: { $each: added.map(oid) } } },
        { returnDocument: 'after' },
      ).lean<ChatRoomDoc>()
    : room
  // The room was loaded just before: only a concurrent removal (none exists) could make it null.
  return { room: await roomView(actor, updated!), added }
}

export async function getRoom(actor: Actor, roomId: string): Promise<ChatRoom> {
  return roomView(actor, await loadRoomFor(actor, roomId))
}

/**
 * GET /chat/rooms: the rooms of the actor's councils (staff: every room), most recently active
 * first, each with its last message and the actor's unread count.
 */
export async function listRooms(actor: Actor, q: RoomListQuery): Promise<Page<ChatRoom>> {
  const filter: Record<string, unknown> = {}
  if (!can(actor, 'chat.moderate'))
    filter.councilIds = mongoose.trusted({ $in: actor.councilIds.filter(isId).map(oid) })
  if (q.kind) filter.kind = q.kind
  const page = await keysetPage({
    filter,
    field: 'activityAt',
    cursor: q.cursor,
    limit: q.limit,
    find: (f, sort, limit) => ChatRoomModel.find(f).sort(sort).limit(limit).lean<ChatRoomDoc[]>(),
    map: (doc) => doc,
  })
  return { items: await roomViews(actor, page.items), nextCursor: page.nextCursor }
}

async function roomView(actor: Actor, doc: ChatRoomDoc): Promise<ChatRoom> {
  return (await roomViews(actor, [doc]))[0]
}

async function roomViews(actor: Actor, docs: ChatRoomDoc[]): Promise<ChatRoom[]> {
  const councilIds = [...new Set(docs.flatMap((d) => d.councilIds.map(String)))]
  const summaries = new Map((await findCouncilSummaries(councilIds)).map((c) => [c.id, c]))
  const reads = await ChatReadModel.find({
    userId: oid(actor.id),
    roomId: mongoose.trusted({ $in: docs.map((d) => d._id) }),
  }).lean<ChatReadDoc[]>()
  const readSeq = new Map(reads.map((r) => [String(r.roomId), r.lastReadSeq]))
  return Promise.all(
    docs.map(async (doc) => {
      const seen = readSeq.get(String(doc._id)) ?? 0
      const [last, unread] = await Promise.all([
        doc.seq > 0 ? ChatMessageModel.findOne({ roomId: doc._id }).sort({ seq: -1 }).lean<ChatMessageDoc>() : null,
        doc.seq > seen
          ? ChatMessageModel.countDocuments({
              roomId: doc._id,
              seq: mongoose.trusted({ $gt: seen }),
              senderId: mongoose.trusted({ $ne: oid(actor.id) }),
              deletedAt: null,
            })
          : 0,
      ])
      const councils: ChatRoomCouncil[] = doc.councilIds
        .map((id) => summaries.get(String(id)))
        .filter((c): c is CouncilSummary => Boolean(c))
        .map((c) => ({ id: c.id, slug: c.slug, name: c.name, regionId: c.regionId }))
      return toRoom(doc, { councils, lastMessage: last ? toMessage(last) : null, unread })
    }),
  )
}
