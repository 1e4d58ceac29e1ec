import mongoose, { Schema } from 'mongoose'
import { REGION_KINDS } from '../../../shared/schemas/regions.js'

const RegionSchema = new Schema(
  {
    code: { type: String, required: true },
    kind: { type: String, enum: REGION_KINDS, required: true },
    name: { kk: { type: String, required: true }, ru: { type: String, required: true } },
    /** Cities first (capital first), then oblasts: the order of the seed list. */
    order: { type: Number, required: true },
  },
  { collection: 'regions', versionKey: false },
)
RegionSchema.index({ code: 1 }, { unique: true })
/** A stored region as `lean()` returns it. */
export type RegionDoc = Omit<mongoose.InferSchemaType<typeof RegionSchema>, 'name'> & {
  _id: mongoose.Types.ObjectId
  /** Both required by the schema (inference leaves a nested path optional). */
  name: { kk: string; ru: string }
}
export const RegionModel: mongoose.Model<RegionDoc> =
  mongoose.models.Region ?? mongoose.model<RegionDoc>('Region', RegionSchema)
