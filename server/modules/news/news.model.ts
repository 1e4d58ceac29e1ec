import mongoose, { Schema } from 'mongoose'

const Localized = { kk: { type: String }, ru: { type: String } }

/** A council's news article (DESIGN.md §3). `body` holds sanitized HTML only. */
const NewsSchema = new Schema(
  {
    councilId: { type: Schema.Types.ObjectId, ref: 'Council', required: true },
    /** Denormalized from the council for the `?region=` filter; kept in step by a council hook. */
    regionId: { type: Schema.Types.ObjectId, default: null },
    /** The council was archived: the article leaves public lists with it. */
    councilArchived: { type: Boolean, default: false },
    slug: { type: String, required: true },
    title: Localized,
    summary: Localized,
    body: Localized,
    tags: { type: [String], default: [] },
    status: { type: String, enum: ['draft', 'scheduled', 'published', 'archived'], required: true },
    publishAt: { type: Date, default: null },
    publishedAt: { type: Date, default: null },
    cover: { type: String, default: null },
    authorId: { type: Schema.Types.ObjectId, default: null },
    views: { type: Number, default: 0 },
    searchTokens: { type: [String], default: [] },
    demo: { type: Boolean, default: false },
  },
  { timestamps: true },
)
NewsSchema.index({ slug: 1 }, { unique: true })
NewsSchema.index({ status: 1, councilArchived: 1, publishedAt: -1, _id: -1 })
NewsSchema.index({ councilId: 1, status: 1, publishedAt: -1 })
// The council's own list (every status, last edited first).
NewsSchema.index({ councilId: 1, updatedAt: -1, _id: -1 })
NewsSchema.index({ regionId: 1, status: 1, publishedAt: -1 })
NewsSchema.index({ tags: 1 })
NewsSchema.index({ searchTokens: 1 })

/** A stored article as `lean()` returns it. */
export type NewsDoc = mongoose.InferSchemaType<typeof NewsSchema> & {
  _id: mongoose.Types.ObjectId
  createdAt: Date
  updatedAt: Date
}
export const News: mongoose.Model<NewsDoc> = mongoose.models.News ?? mongoose.model<NewsDoc>('News', NewsSchema)

/**
 * One row per (article, visitor) seen recently: a view counts only if there is no row or its
 * window has passed. Shared by every process through the database (no in-memory state); old
 * rows are pruned by a job.
 */
const NewsViewSchema = new Schema(
  { _id: { type: String }, expiresAt: { type: Date, required: true } },
  { versionKey: false, collection: 'news_views' },
)
NewsViewSchema.index({ expiresAt: 1 })
export const NewsView = mongoose.models.NewsView ?? mongoose.model('NewsView', NewsViewSchema)
