import mongoose, { Schema, type Types } from 'mongoose'
import { DECISIONS, IMPLEMENTATIONS, RECOMMENDATION_STATUSES } from '../../../shared/schemas/control.js'

const LocalizedField = { kk: { type: String }, ru: { type: String } }

const RecommendationSchema = new Schema(
  {
    councilId: { type: Schema.Types.ObjectId, required: true },
    /** The council's region at the time of sending (the scorecard filters by it). */
    regionId: { type: Schema.Types.ObjectId, default: null },
    stateBody: LocalizedField,
    /** Normalized name the scorecard groups by (lower-cased, spaces folded; Russian name first). */
    stateBodyKey: { type: String, required: true },
    text: LocalizedField,
    sentAt: { type: Date, required: true },
    year: { type: Number, required: true },
    dueAt: { type: Date, required: true },
    awardId: { type: Schema.Types.ObjectId, default: null },
    eventId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: RECOMMENDATION_STATUSES, default: 'sent' },
    response: {
      type: new Schema(
        { receivedAt: Date, text: LocalizedField, decision: { type: String, enum: DECISIONS } },
        { _id: false },
      ),
      default: null,
    },
    implementation: {
      type: new Schema({ status: { type: String, enum: IMPLEMENTATIONS }, note: String, at: Date }, { _id: false }),
      default: null,
    },
    /** Answered after `dueAt` (kept so lists filter on it without `$expr`). */
    answeredLate: { type: Boolean, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    /** When the council was told the answer is overdue (sent once per due date). */
    overdueRemindedFor: { type: Date, default: null },
    version: { type: Number, default: 0 },
  },
  { collection: 'recommendations', timestamps: true, versionKey: false },
)
RecommendationSchema.index({ sentAt: -1, _id: -1 })
RecommendationSchema.index({ year: 1, stateBodyKey: 1 })
RecommendationSchema.index({ councilId: 1, sentAt: -1 })

interface Localized {
  kk?: string
  ru?: string
}
export interface RecommendationDoc {
  _id: Types.ObjectId
  councilId: Types.ObjectId
  regionId: Types.ObjectId | null
  stateBody: Localized
  stateBodyKey: string
  text: Localized
  sentAt: Date
  year: number
  dueAt: Date
  awardId: Types.ObjectId | null
  eventId: Types.ObjectId | null
  status: 'sent' | 'answered'
  response: { receivedAt: Date; text: Localized; decision: 'accepted' | 'partially' | 'rejected' } | null
  implementation: { status: 'in_progress' | 'implemented' | 'not_implemented'; note: string; at: Date } | null
  answeredLate: boolean | null
  createdBy: Types.ObjectId
  overdueRemindedFor: Date | null
  version: number
  createdAt: Date
  updatedAt: Date
}
export const Recommendation = mongoose.models.Recommendation ?? mongoose.model('Recommendation', RecommendationSchema)
