import mongoose, { Schema, type Types } from 'mongoose'
import {
  APPLICATION_STATUSES,
  AWARD_STATUSES,
  CALL_STATUSES,
  REPORT_KINDS,
  REPORT_STATUSES,
} from '../../../shared/schemas/grants.js'

/**
 * Small grants. Amounts are integer tiyn (`validate: Number.isSafeInteger`); every document that
 * people edit carries `version`, bumped by each conditional update (optimistic concurrency).
 */
const LocalizedField = { kk: { type: String }, ru: { type: String } }
/** Files kept under UPLOADS_DIR (`grants/...`), type sniffed from their bytes. */
const AttachmentSchema = new Schema(
  { key: String, name: String, mime: String, size: Number, createdAt: { type: Date, default: () => new Date() } },
  { _id: true },
)
const tiyn = { type: Number, required: true, min: 0, validate: { validator: Number.isSafeInteger } }

const CallSchema = new Schema(
  {
    year: { type: Number, required: true },
    title: LocalizedField,
    description: LocalizedField,
    grantsCount: { type: Number, required: true },
    maxAmountTiyn: tiyn,
    budgetTiyn: tiyn,
    opensAt: { type: Date, required: true },
    closesAt: { type: Date, required: true },
    criteria: [{ _id: false, key: String, title: LocalizedField, weight: Number }],
    expertIds: [{ type: Schema.Types.ObjectId }],
    status: { type: String, enum: CALL_STATUSES, default: 'draft' },
    /** What is already awarded: reserved by one conditional update per award request. */
    awardedCount: { type: Number, default: 0 },
    awardedTiyn: { ...tiyn, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, default: 0 },
  },
  { collection: 'grant_calls', timestamps: true, versionKey: false },
)
CallSchema.index({ year: -1, _id: -1 })
export const GrantCall = mongoose.models.GrantCall ?? mongoose.model('GrantCall', CallSchema)

const ApplicationSchema = new Schema(
  {
    callId: { type: Schema.Types.ObjectId, required: true },
    councilId: { type: Schema.Types.ObjectId, required: true },
    title: LocalizedField,
    stateBody: LocalizedField,
    subject: LocalizedField,
    plan: [{ _id: false, title: String, dueAt: Date }],
    budget: [{ _id: false, item: String, amountTiyn: tiyn }],
    totalTiyn: tiyn,
    status: { type: String, enum: APPLICATION_STATUSES, default: 'draft' },
    /** Personal data: never in a public response. */
    createdBy: { type: Schema.Types.ObjectId, required: true },
    submittedBy: { type: Schema.Types.ObjectId, default: null },
    submittedAt: { type: Date, default: null },
    awardId: { type: Schema.Types.ObjectId, default: null },
    attachments: { type: [AttachmentSchema], default: [] },
    version: { type: Number, default: 0 },
  },
  { collection: 'grant_applications', timestamps: true, versionKey: false },
)
ApplicationSchema.index({ callId: 1, status: 1 })
ApplicationSchema.index({ councilId: 1, createdAt: -1 })
export const GrantApplication =
  mongoose.models.GrantApplication ?? mongoose.model('GrantApplication', ApplicationSchema)

const ReviewSchema = new Schema(
  {
    applicationId: { type: Schema.Types.ObjectId, required: true },
    callId: { type: Schema.Types.ObjectId, required: true },
    expertId: { type: Schema.Types.ObjectId, required: true },
    conflictOfInterest: { type: Boolean, required: true },
    scores: { type: Schema.Types.Mixed, default: {} },
    comment: { type: String, default: '' },
  },
  { collection: 'grant_reviews', timestamps: true, versionKey: false, minimize: false },
)
ReviewSchema.index({ applicationId: 1, expertId: 1 }, { unique: true })
export const GrantReview = mongoose.models.GrantReview ?? mongoose.model('GrantReview', ReviewSchema)

const AwardSchema = new Schema(
  {
    callId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    applicationId: { type: Schema.Types.ObjectId, required: true },
    councilId: { type: Schema.Types.ObjectId, required: true },
    amountTiyn: tiyn,
    status: { type: String, enum: AWARD_STATUSES, default: 'active' },
    awardedBy: { type: Schema.Types.ObjectId, required: true },
    /** Milestone reminders already sent (`<index>:<dueAt ISO>`): each is sent once. */
    reminded: [{ type: String }],
    completedAt: { type: Date, default: null },
  },
  { collection: 'grant_awards', timestamps: true, versionKey: false },
)
AwardSchema.index({ applicationId: 1 }, { unique: true })
AwardSchema.index({ year: 1, _id: 1 })
export const GrantAward = mongoose.models.GrantAward ?? mongoose.model('GrantAward', AwardSchema)

const ReportSchema = new Schema(
  {
    awardId: { type: Schema.Types.ObjectId, required: true },
    councilId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: REPORT_KINDS, required: true },
    text: { type: String, required: true },
    spending: [{ _id: false, item: String, amountTiyn: tiyn }],
    spentTiyn: tiyn,
    status: { type: String, enum: REPORT_STATUSES, default: 'submitted' },
    comment: { type: String, default: '' },
    submittedBy: { type: Schema.Types.ObjectId, required: true },
    decidedBy: { type: Schema.Types.ObjectId, default: null },
    decidedAt: { type: Date, default: null },
    files: { type: [AttachmentSchema], default: [] },
    version: { type: Number, default: 0 },
  },
  { collection: 'grant_reports', timestamps: true, versionKey: false },
)
ReportSchema.index({ awardId: 1, createdAt: 1 })
export const GrantReport = mongoose.models.GrantReport ?? mongoose.model('GrantReport', ReportSchema)

type Id = Types.ObjectId
interface Localized {
  kk?: string
  ru?: string
}
export interface AttachmentDoc {
  _id: Id
  key: string
  name: string
  mime: string
  size: number
  createdAt: Date
}
interface Stamped {
  _id: Id
  createdAt: Date
  updatedAt: Date
}
export interface CallDoc extends Stamped {
  year: number
  title: Localized
  description: Localized
  grantsCount: number
  maxAmountTiyn: number
  budgetTiyn: number
  opensAt: Date
  closesAt: Date
  criteria: { key: string; title: Localized; weight: number }[]
  expertIds: Id[]
  status: 'draft' | 'published' | 'closed'
  awardedCount: number
  awardedTiyn: number
  createdBy: Id
  version: number
}
export interface ApplicationDoc extends Stamped {
  callId: Id
  councilId: Id
  title: Localized
  stateBody: Localized
  subject: Localized
  plan: { title: string; dueAt: Date }[]
  budget: { item: string; amountTiyn: number }[]
  totalTiyn: number
  status: 'draft' | 'submitted' | 'withdrawn' | 'awarded'
  createdBy: Id
  submittedBy: Id | null
  submittedAt: Date | null
  awardId: Id | null
  attachments: AttachmentDoc[]
  version: number
}
export interface ReviewDoc extends Stamped {
  applicationId: Id
  callId: Id
  expertId: Id
  conflictOfInterest: boolean
  scores: Record<string, number>
  comment: string
}
export interface AwardDoc extends Stamped {
  callId: Id
  year: number
  applicationId: Id
  councilId: Id
  amountTiyn: number
  status: 'active' | 'completed'
  awardedBy: Id
  reminded: string[]
  completedAt: Date | null
}
export interface ReportDoc extends Stamped {
  awardId: Id
  councilId: Id
  kind: 'interim' | 'final'
  text: string
  spending: { item: string; amountTiyn: number }[]
  spentTiyn: number
  status: 'submitted' | 'accepted' | 'returned'
  comment: string
  submittedBy: Id
  decidedBy: Id | null
  decidedAt: Date | null
  files: AttachmentDoc[]
  version: number
}
