import mongoose, { Schema } from 'mongoose'
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../../shared/schemas/support.js'

const ObjectId = Schema.Types.ObjectId

const MessageSchema = new Schema(
  {
    by: { type: String, enum: ['author', 'staff'], required: true },
    authorId: { type: ObjectId, default: null },
    authorName: { type: String, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { _id: true },
)

const AttachmentSchema = new Schema(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: true },
)

/**
 * A support ticket. The author is an account (`userId`) or a guest (name + e-mail + the language
 * they wrote in); guests open it with the number and an access code whose SHA-256 hash is kept.
 */
const TicketSchema = new Schema(
  {
    number: { type: String, required: true },
    category: { type: String, enum: TICKET_CATEGORIES, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    author: {
      userId: { type: ObjectId, default: null },
      name: { type: String, required: true },
      email: { type: String, required: true },
      lng: { type: String, enum: ['kk', 'ru'], default: 'kk' },
    },
    accessCodeHash: { type: String, default: null },
    status: { type: String, enum: TICKET_STATUSES, default: 'new' },
    assigneeId: { type: ObjectId, default: null },
    firstResponseDueAt: { type: Date, required: true },
    firstResponseAt: { type: Date, default: null },
    attachments: { type: [AttachmentSchema], default: [] },
    messages: { type: [MessageSchema], default: [] },
  },
  { timestamps: true, collection: 'support_tickets' },
)
TicketSchema.index({ number: 1 }, { unique: true })
TicketSchema.index({ createdAt: -1, _id: -1 })
TicketSchema.index({ status: 1, createdAt: -1 })
TicketSchema.index({ assigneeId: 1, createdAt: -1 })
TicketSchema.index({ 'author.userId': 1, createdAt: -1 })
TicketSchema.index({ firstResponseAt: 1, firstResponseDueAt: 1 })

export interface TicketDoc {
  _id: mongoose.Types.ObjectId
  number: string
  category: string
  subject: string
  text: string
  author: { userId: mongoose.Types.ObjectId | null; name: string; email: string; lng: 'kk' | 'ru' }
  accessCodeHash: string | null
  status: string
  assigneeId: mongoose.Types.ObjectId | null
  firstResponseDueAt: Date
  firstResponseAt: Date | null
  attachments: { _id: mongoose.Types.ObjectId; key: string; name: string; mime: string; size: number }[]
  messages: {
    _id: mongoose.Types.ObjectId
    by: 'author' | 'staff'
    authorId: mongoose.Types.ObjectId | null
    authorName: string
    text: string
    createdAt: Date
  }[]
  createdAt: Date
  updatedAt: Date
}

export const Ticket = mongoose.models.SupportTicket ?? mongoose.model('SupportTicket', TicketSchema)

/** One counter per Almaty year for ticket numbers (`SD-<year>-<seq>`). */
const CounterSchema = new Schema({ _id: String, seq: { type: Number, default: 0 } }, { collection: 'support_counters' })
export const TicketCounter = mongoose.models.SupportCounter ?? mongoose.model('SupportCounter', CounterSchema)
