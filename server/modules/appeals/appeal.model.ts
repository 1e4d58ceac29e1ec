import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { APPEAL_CATEGORIES, APPEAL_STATUSES } from '../../../shared/schemas/appeals.js'

const ReplySchema = new Schema(
  {
    by: { type: String, enum: ['council', 'author'], required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
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

const HistorySchema = new Schema(
  {
    status: { type: String, enum: APPEAL_STATUSES, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, default: null },
    reason: { type: String, default: null },
    councilId: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
)

/**
 * An appeal (DESIGN.md §3). Personal data (author, attachments) leaves the service only through
 * the views in appeals.view.ts. `registeredAt` is when the current council received it (submission,
 * guest confirmation, or redirect) and starts the working-day term.
 */
const AppealSchema = new Schema(
  {
    trackingNumber: { type: String, required: true },
    councilId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, enum: APPEAL_CATEGORIES, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    isPublic: { type: Boolean, default: false },
    author: {
      userId: { type: Schema.Types.ObjectId, default: null },
      name: { type: String, required: true },
      email: { type: String, required: true },
      /** The language the guest wrote in (users get their current locale at send time). */
      lng: { type: String, enum: ['kk', 'ru'], default: 'kk' },
    },
    accessCodeHash: { type: String, required: true },
    confirm: {
      tokenHash: { type: String, default: null },
      expiresAt: { type: Date, default: null },
    },
    attachments: { type: [AttachmentSchema], default: [] },
    status: { type: String, enum: APPEAL_STATUSES, required: true },
    statusReason: { type: String, default: null },
    registeredAt: { type: Date, default: null },
    /** Redirect window: 3 working days after registration (Administrative Procedural Code). */
    triageDueAt: { type: Date, default: null },
    dueAt: { type: Date, default: null },
    extension: {
      type: new Schema({ reason: String, at: Date, by: Schema.Types.ObjectId, previousDueAt: Date }, { _id: false }),
      default: null,
    },
    history: { type: [HistorySchema], default: [] },
    replies: { type: [ReplySchema], default: [] },
    /** Search tokens of the public Q&A (redacted subject, question, answers); set when a public appeal is answered. */
    searchTokens: { type: [String], default: undefined },
    answeredAt: { type: Date, default: null },
    /**
     * Working days from registration with this council to its first answer, fixed when it answers:
     * the council stats take their median from the index below instead of reading every appeal.
     */
    responseDays: { type: Number, default: null },
    closedAt: { type: Date, default: null },
    rating: {
      type: new Schema({ score: Number, comment: { type: String, default: null }, at: Date }, { _id: false }),
      default: null,
    },
    /** The announcements (`appeals.announce`) already sent, so a job run again sends nothing twice. */
    announced: { type: [String], default: [] },
    /** The due date each council reminder was last sent for (so a retried job sends once). */
    reminded: {
      dueSoon: { type: Date, default: null },
      overdue: { type: Date, default: null },
    },
  },
  { timestamps: true, minimize: false },
)
AppealSchema.index({ trackingNumber: 1 }, { unique: true })
AppealSchema.index({ councilId: 1, dueAt: 1 })
AppealSchema.index({ 'author.userId': 1, createdAt: -1 })
AppealSchema.index({ 'confirm.tokenHash': 1 }, { sparse: true })
AppealSchema.index({ isPublic: 1, answeredAt: -1 })
AppealSchema.index({ searchTokens: 1 }, { sparse: true })
AppealSchema.index({ councilId: 1, responseDays: 1 })

export type AppealDoc = Omit<InferSchemaType<typeof AppealSchema>, 'author'> & {
  _id: mongoose.Types.ObjectId
  author: { userId: mongoose.Types.ObjectId | null; name: string; email: string; lng: 'kk' | 'ru' }
  createdAt: Date
  updatedAt: Date
}
export const Appeal: mongoose.Model<AppealDoc> =
  mongoose.models.Appeal ?? mongoose.model<AppealDoc>('Appeal', AppealSchema)

/** One document per year (`_id: 'appeal:2026'`) whose `seq` is taken with an atomic `$inc`. */
const CounterSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, default: 0 } },
  { collection: 'appeal_counters', versionKey: false },
)
type AppealCounterDoc = { _id: string; seq: number }
export const AppealCounter: mongoose.Model<AppealCounterDoc> =
  mongoose.models.AppealCounter ?? mongoose.model<AppealCounterDoc>('AppealCounter', CounterSchema)
