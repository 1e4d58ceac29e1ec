import mongoose, { Schema } from 'mongoose'
import { FAILURE_CODES, MODERATION_DECISIONS, VIDEO_STATUSES } from '../../../shared/schemas/videos.js'

const Localized = { kk: { type: String }, ru: { type: String } }

const ModerationSchema = new Schema(
  {
    by: { type: Schema.Types.ObjectId, required: true },
    byName: { type: String, default: null },
    at: { type: Date, required: true },
    decision: { type: String, enum: MODERATION_DECISIONS, required: true },
    reason: { type: String, default: null },
  },
  { _id: false },
)

const RenditionSchema = new Schema({ name: String, width: Number, height: Number, bandwidth: Number }, { _id: false })

/**
 * A council's video (DESIGN.md §3). Files live under UPLOADS_DIR/videos/<id>/: `source.<ext>`
 * (the original) and `mediaDir` (thumbnail + HLS renditions), which the processing job builds in a
 * scratch directory and renames into place; the database update naming it is the commit point.
 */
const VideoSchema = new Schema(
  {
    councilId: { type: Schema.Types.ObjectId, required: true },
    uploaderId: { type: Schema.Types.ObjectId, required: true },
    title: Localized,
    description: Localized,
    status: { type: String, enum: VIDEO_STATUSES, required: true },
    source: {
      key: { type: String, required: true },
      mime: { type: String, required: true },
      size: { type: Number, required: true },
      originalName: { type: String, default: null },
    },
    probe: {
      durationSec: { type: Number, default: null },
      width: { type: Number, default: null },
      height: { type: Number, default: null },
      videoCodec: { type: String, default: null },
      audioCodec: { type: String, default: null },
      bitRate: { type: Number, default: null },
    },
    /** The tus upload it came from: a client whose last response was lost finds its video by it. */
    tusUploadId: { type: String, default: undefined },
    /** Directory name (under the video's folder) of the finished thumbnail + HLS output. */
    mediaDir: { type: String, default: null },
    renditions: { type: [RenditionSchema], default: [] },
    failure: { type: String, enum: [...FAILURE_CODES, null], default: null },
    processing: {
      startedAt: { type: Date, default: null },
      finishedAt: { type: Date, default: null },
      attempts: { type: Number, default: 0 },
    },
    moderation: { type: [ModerationSchema], default: [] },
    publishedAt: { type: Date, default: null },
    /** Set once, on the first approval (grant indicator: videos published per year). */
    firstPublishedAt: { type: Date, default: null },
    views: { type: Number, default: 0 },
    searchTokens: { type: [String], default: [] },
  },
  { timestamps: true },
)
VideoSchema.index({ status: 1, publishedAt: -1 })
/** Grant indicator 5 (videos published in a year) counts on this range. */
VideoSchema.index({ firstPublishedAt: 1 })
VideoSchema.index({ councilId: 1, status: 1, createdAt: -1 })
VideoSchema.index({ status: 1, createdAt: 1 })
VideoSchema.index({ searchTokens: 1 })
VideoSchema.index({ tusUploadId: 1 }, { sparse: true })

/** A stored video as `lean()` returns it. */
export type VideoDoc = Omit<mongoose.InferSchemaType<typeof VideoSchema>, 'source' | 'renditions'> & {
  _id: mongoose.Types.ObjectId
  /** Required by the schema (inference leaves a nested path optional). */
  source: { key: string; mime: string; size: number; originalName?: string | null }
  /** Written whole by the processing job (inference leaves each sub-path optional). */
  renditions: { name: string; width: number; height: number; bandwidth: number }[]
  createdAt: Date
  updatedAt: Date
}
export const Video: mongoose.Model<VideoDoc> = mongoose.models.Video ?? mongoose.model<VideoDoc>('Video', VideoSchema)

/**
 * One row per (video, visitor, 24 h bucket): a view counts once per visitor per window, and the
 * rule holds across restarts and server processes. Rows expire after two days.
 */
const VideoViewSchema = new Schema(
  {
    videoId: { type: Schema.Types.ObjectId, required: true },
    visitor: { type: String, required: true },
    bucket: { type: Number, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
)
VideoViewSchema.index({ videoId: 1, visitor: 1, bucket: 1 }, { unique: true })
VideoViewSchema.index({ createdAt: 1 }, { expireAfterSeconds: 2 * 24 * 3600 })
type VideoViewDoc = mongoose.InferSchemaType<typeof VideoViewSchema> & { _id: mongoose.Types.ObjectId }
export const VideoView: mongoose.Model<VideoViewDoc> =
  mongoose.models.VideoView ?? mongoose.model<VideoViewDoc>('VideoView', VideoViewSchema)
