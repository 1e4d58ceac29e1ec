import mongoose, { Schema } from 'mongoose'

const { ObjectId } = Schema.Types
const Localized = { kk: { type: String }, ru: { type: String } }

/**
 * A room between councils. `key` makes "one direct room per pair" a database rule (the sorted
 * pair) instead of a check-then-insert race; dialogue rooms get a unique key of their own.
 * `seq` numbers the room's messages: ObjectIds from several processes are not ordered within a
 * second, but "what did I miss after message X" must be exact.
 */
const RoomSchema = new Schema(
  {
    kind: { type: String, enum: ['direct', 'dialogue'], required: true },
    key: { type: String, required: true },
    councilIds: { type: [ObjectId], required: true },
    title: { type: Localized, default: undefined },
    topic: { type: Localized, default: undefined },
    createdBy: { type: ObjectId, required: true },
    seq: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    /** lastMessageAt, or createdAt for a room without messages: the order of the room list. */
    activityAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'chat_rooms' },
)
RoomSchema.index({ key: 1 }, { unique: true })
RoomSchema.index({ councilIds: 1, activityAt: -1 })
RoomSchema.index({ activityAt: -1 })

const AttachmentRef = new Schema(
  { attachmentId: { type: ObjectId, required: true }, name: String, mime: String, size: Number },
  { _id: false },
)

/** A message: plain text (never HTML), idempotent per (room, sender, clientId), soft-deleted. */
const MessageSchema = new Schema(
  {
    roomId: { type: ObjectId, required: true },
    seq: { type: Number, required: true },
    senderId: { type: ObjectId, required: true },
    senderName: { type: String, required: true },
    councilId: { type: ObjectId, default: null },
    text: { type: String, default: '' },
    clientId: { type: String, required: true },
    attachments: { type: [AttachmentRef], default: [] },
    editedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'chat_messages' },
)
MessageSchema.index({ roomId: 1, senderId: 1, clientId: 1 }, { unique: true })
MessageSchema.index({ roomId: 1, seq: -1 })
// A person's messages, for "download my data" and the erasure of an account.
MessageSchema.index({ senderId: 1, _id: -1 })

/** How far a user has read in a room (the newest message seen), for unread counts. */
const ReadSchema = new Schema(
  {
    userId: { type: ObjectId, required: true },
    roomId: { type: ObjectId, required: true },
    lastReadSeq: { type: Number, required: true },
    lastReadMessageId: { type: ObjectId, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true }, collection: 'chat_reads' },
)
ReadSchema.index({ userId: 1, roomId: 1 }, { unique: true })
/** A room's read receipts, furthest first (`room:join` hands them out). */
ReadSchema.index({ roomId: 1, lastReadSeq: -1 })

/**
 * Who took part (posted) in which dialogue platform, one document per user, room and UTC day:
 * the grant indicator "share of members in inter-regional dialogue" is computed from it for any
 * period without scanning messages.
 */
const ParticipationSchema = new Schema(
  {
    roomId: { type: ObjectId, required: true },
    userId: { type: ObjectId, required: true },
    councilId: { type: ObjectId, default: null },
    day: { type: String, required: true },
    firstAt: { type: Date, required: true },
    lastAt: { type: Date, required: true },
  },
  { collection: 'chat_participation' },
)
ParticipationSchema.index({ roomId: 1, userId: 1, day: 1 }, { unique: true })
ParticipationSchema.index({ lastAt: 1 })

/** An uploaded file waiting for (or referenced by) a message; served only to the room's members. */
const AttachmentSchema = new Schema(
  {
    roomId: { type: ObjectId, required: true },
    uploaderId: { type: ObjectId, required: true },
    key: { type: String, required: true },
    name: { type: String, required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
    messageId: { type: ObjectId, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'chat_attachments' },
)
AttachmentSchema.index({ roomId: 1, uploaderId: 1 })

type Id = mongoose.Types.ObjectId
/** Stored documents as `lean()` returns them. */
export type ChatRoomDoc = mongoose.InferSchemaType<typeof RoomSchema> & { _id: Id; createdAt: Date; updatedAt: Date }
export type ChatMessageDoc = Omit<mongoose.InferSchemaType<typeof MessageSchema>, 'attachments'> & {
  _id: Id
  createdAt: Date
  /** Copied whole from the attachment (inference leaves each sub-path optional). */
  attachments: { attachmentId: Id; name: string; mime: string; size: number }[]
}
export type ChatReadDoc = mongoose.InferSchemaType<typeof ReadSchema> & { _id: Id; updatedAt: Date }
export type ChatParticipationDoc = mongoose.InferSchemaType<typeof ParticipationSchema> & { _id: Id }
export type ChatAttachmentDoc = mongoose.InferSchemaType<typeof AttachmentSchema> & { _id: Id; createdAt: Date }

export const ChatRoomModel: mongoose.Model<ChatRoomDoc> =
  mongoose.models.ChatRoom ?? mongoose.model<ChatRoomDoc>('ChatRoom', RoomSchema)
export const ChatMessageModel: mongoose.Model<ChatMessageDoc> =
  mongoose.models.ChatMessage ?? mongoose.model<ChatMessageDoc>('ChatMessage', MessageSchema)
export const ChatReadModel: mongoose.Model<ChatReadDoc> =
  mongoose.models.ChatRead ?? mongoose.model<ChatReadDoc>('ChatRead', ReadSchema)
export const ChatParticipationModel: mongoose.Model<ChatParticipationDoc> =
  mongoose.models.ChatParticipation ?? mongoose.model<ChatParticipationDoc>('ChatParticipation', ParticipationSchema)
export const ChatAttachmentModel: mongoose.Model<ChatAttachmentDoc> =
  mongoose.models.ChatAttachment ?? mongoose.model<ChatAttachmentDoc>('ChatAttachment', AttachmentSchema)
