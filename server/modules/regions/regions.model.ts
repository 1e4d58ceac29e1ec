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
export const RegionModel = mongoose.models.Region ?? mongoose.model('Region', RegionSchema)
