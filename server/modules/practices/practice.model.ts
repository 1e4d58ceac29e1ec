import mongoose, { Schema } from 'mongoose'
import { PRACTICE_SOURCE_KINDS, PRACTICE_STATUSES } from '../../../shared/schemas/practices.js'

const ObjectId = Schema.Types.ObjectId
const Localized = { kk: { type: String }, ru: { type: String } }

/**
 * A council's best practice of a year. The council's region and level are copied in when it is
 * proposed, so the public list filters by region and the compendium groups without a join.
 */
const PracticeSchema = new Schema(
  {
    councilId: { type: ObjectId, required: true },
    regionId: { type: ObjectId, default: null },
    councilLevel: { type: String, required: true },
    year: { type: Number, required: true },
    title: Localized,
    summary: Localized,
    source: {
      type: new Schema({ kind: { type: String, enum: PRACTICE_SOURCE_KINDS }, id: ObjectId }, { _id: false }),
      default: null,
    },
    images: { type: [new Schema({ key: { type: String, required: true } })], default: [] },
    status: { type: String, enum: PRACTICE_STATUSES, default: 'proposed' },
    proposedBy: { type: ObjectId, required: true },
    moderation: {
      type: [
        new Schema(
          { by: ObjectId, at: Date, decision: String, reason: { type: String, default: null } },
          { _id: false },
        ),
      ],
      default: [],
    },
    approvedAt: { type: Date, default: null },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'best_practices' },
)
PracticeSchema.index({ status: 1, year: 1, regionId: 1, approvedAt: -1 })
PracticeSchema.index({ status: 1, createdAt: -1 })
PracticeSchema.index({ councilId: 1, createdAt: -1 })

export interface PracticeDoc {
  _id: mongoose.Types.ObjectId
  councilId: mongoose.Types.ObjectId
  regionId: mongoose.Types.ObjectId | null
  councilLevel: string
  year: number
  title: { kk?: string; ru?: string }
  summary: { kk?: string; ru?: string }
  source: { kind: string; id: mongoose.Types.ObjectId } | null
  images: { _id: mongoose.Types.ObjectId; key: string }[]
  status: string
  proposedBy: mongoose.Types.ObjectId
  moderation: { by: mongoose.Types.ObjectId; at: Date; decision: string; reason: string | null }[]
  approvedAt: Date | null
  createdAt: Date
  updatedAt: Date
}
export const Practice = mongoose.models.BestPractice ?? mongoose.model('BestPractice', PracticeSchema)

/** The compendium of a year: its generation state (progress for the moderator) and the stored PDFs. */
const CompendiumSchema = new Schema(
  {
    _id: { type: Number },
    status: { type: String, enum: ['queued', 'running', 'done', 'failed'], default: 'queued' },
    progress: { type: Number, default: 0 },
    jobId: { type: String, default: null },
    error: { type: String, default: null },
    files: {
      type: [
        new Schema({ lng: String, key: String, generatedAt: Date, pages: Number, practices: Number }, { _id: false }),
      ],
      default: [],
    },
    firstGeneratedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'best_practice_compendia' },
)
export interface CompendiumDoc {
  _id: number
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: number
  jobId: string | null
  error: string | null
  files: { lng: 'kk' | 'ru'; key: string; generatedAt: Date; pages: number; practices: number }[]
  firstGeneratedAt: Date | null
}
export const Compendium =
  mongoose.models.BestPracticeCompendium ?? mongoose.model('BestPracticeCompendium', CompendiumSchema)
