import mongoose, { Schema, type InferSchemaType } from 'mongoose'

const Localized = { kk: { type: String }, ru: { type: String } }

const MemberSchema = new Schema(
  {
    fullName: Localized,
    position: { type: String, enum: ['chair', 'deputy_chair', 'secretary', 'member'], default: 'member' },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    photo: { type: String, default: null },
    order: { type: Number, default: 0 },
  },
  { _id: true },
)

/** A public council (DESIGN.md §3). Stats are derived on read, never stored by hand. */
const CouncilSchema = new Schema(
  {
    slug: { type: String, required: true },
    name: Localized,
    level: { type: String, enum: ['republican', 'oblast', 'city', 'district'], required: true },
    regionId: { type: Schema.Types.ObjectId, ref: 'Region', default: null },
    stateBody: Localized,
    description: Localized,
    contacts: {
      address: Localized,
      phone: { type: String },
      email: { type: String },
      website: { type: String },
    },
    logo: { type: String, default: null },
    members: { type: [MemberSchema], default: [] },
    /** Normalized, stemmed words of the names in both languages (see server/core/search.ts). */
    searchTokens: { type: [String], default: [] },
    archivedAt: { type: Date, default: null },
    /** Stable list order: level (republican first), then the normalized name. */
    levelRank: { type: Number, default: 0 },
    sortName: { type: String, default: '' },
    /** Created by `npm run seed` (demo data, never real). */
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
)
CouncilSchema.index({ slug: 1 }, { unique: true })
CouncilSchema.index({ regionId: 1, level: 1 })
CouncilSchema.index({ searchTokens: 1 })
CouncilSchema.index({ archivedAt: 1, levelRank: 1, sortName: 1, _id: 1 })

/** A stored council as `lean()` returns it. */
export type CouncilDoc = Omit<InferSchemaType<typeof CouncilSchema>, 'name' | 'stateBody'> & {
  _id: mongoose.Types.ObjectId
  /** Always written (the API requires a kk or ru text); inference leaves a nested path optional. */
  name: { kk?: string | null; ru?: string | null }
  stateBody: { kk?: string | null; ru?: string | null }
  createdAt: Date
  updatedAt: Date
}
export const Council: mongoose.Model<CouncilDoc> =
  mongoose.models.Council ?? mongoose.model<CouncilDoc>('Council', CouncilSchema)
