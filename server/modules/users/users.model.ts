import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { ROLES } from '../../../shared/permissions.js'
import { LANGS } from '../../../shared/schemas/common.js'

const UserSchema = new Schema(
  {
    /** Stored lower-cased: addresses are unique case-insensitively. */
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    /** argon2id (PHC string). */
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true, trim: true, maxlength: 100 },
    roles: { type: [{ type: String, enum: ROLES }], default: ['citizen'] },
    councilIds: { type: [{ type: Schema.Types.ObjectId }], default: [] },
    locale: { type: String, enum: LANGS, default: 'kk' },
    accessibility: {
      fontScale: { type: Number, default: 1, min: 1, max: 2 },
      highContrast: { type: Boolean, default: false },
      hideImages: { type: Boolean, default: false },
    },
    emailVerified: { type: Boolean, default: false },
    disabled: { type: Boolean, default: false },
    /** Set when the account's failed-login limit locked it (the limiter decides; this is for admins). */
    lockedUntil: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
    /** "Active user" for the grant indicator: refreshed at most hourly by authenticated requests. */
    lastActiveAt: { type: Date, default: null },
    /** Set when the owner deleted the account (users.erasure.ts): name and address are gone. */
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'users' },
)
UserSchema.index({ email: 1 }, { unique: true })
UserSchema.index({ roles: 1, createdAt: -1 })
UserSchema.index({ councilIds: 1 })
UserSchema.index({ lastActiveAt: -1 })

export type UserDoc = InferSchemaType<typeof UserSchema> & {
  _id: mongoose.Types.ObjectId
  createdAt: Date
  updatedAt: Date
}
export const User = (mongoose.models.User as mongoose.Model<UserDoc>) ?? mongoose.model<UserDoc>('User', UserSchema)

/** Single-use tokens of e-mailed links, stored as sha256 so a database leak does not leak links. */
const UserTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['verify_email', 'reset_password'], required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'user_tokens' },
)
UserTokenSchema.index({ tokenHash: 1 }, { unique: true })
UserTokenSchema.index({ userId: 1, kind: 1 })
UserTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 7 * 24 * 3600 })
export type UserTokenDoc = InferSchemaType<typeof UserTokenSchema> & {
  _id: mongoose.Types.ObjectId
  createdAt: Date
  updatedAt: Date
}
export const UserToken: mongoose.Model<UserTokenDoc> =
  mongoose.models.UserToken ?? mongoose.model<UserTokenDoc>('UserToken', UserTokenSchema)
