import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { AUDIENCES, EVENT_FORMATS, EVENT_KINDS, EVENT_STATUSES } from '../../../shared/schemas/events.js'

const Localized = { kk: { type: String }, ru: { type: String } }

const MaterialSchema = new Schema(
  {
    title: Localized,
    key: { type: String, required: true },
    fileName: { type: String, required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, required: true },
    uploadedAt: { type: Date, default: () => new Date() },
  },
  { _id: true },
)

/**
 * An event. The seat counters live on the event document itself so that taking a seat is one
 * conditional `$inc` (capacity and the region's quota checked in the filter): under any
 * concurrency `registeredCount` cannot pass `capacity`, nor `regionCounts.<region>` the quota.
 * `seq` hands out arrival numbers (the waiting list's order).
 */
const EventSchema = new Schema(
  {
    slug: { type: String, required: true },
    kind: { type: String, enum: EVENT_KINDS, required: true },
    title: Localized,
    description: Localized,
    format: { type: String, enum: EVENT_FORMATS, required: true },
    venue: { type: { address: Localized, regionId: { type: Schema.Types.ObjectId } }, default: null },
    onlineUrl: { type: String, default: null },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    registrationClosesAt: { type: Date, required: true },
    organizerCouncilIds: { type: [Schema.Types.ObjectId], default: [] },
    /** The venue's region and the organizer councils' regions (the `regionId` filter). */
    regionIds: { type: [Schema.Types.ObjectId], default: [] },
    capacity: { type: Number, required: true },
    regionQuota: { type: Number, default: null },
    audience: { type: String, enum: AUDIENCES, required: true },
    status: { type: String, enum: EVENT_STATUSES, default: 'draft' },
    registeredCount: { type: Number, default: 0 },
    /** capacity − registeredCount, kept beside it so that "a seat is left" is a plain filter. */
    seatsLeft: { type: Number, default: 0 },
    waitlistedCount: { type: Number, default: 0 },
    /** Registered people per region id (`none` for people without a region). */
    regionCounts: { type: Schema.Types.Mixed, default: {} },
    seq: { type: Number, default: 0 },
    materials: { type: [MaterialSchema], default: [] },
    outcome: {
      type: {
        summary: Localized,
        recommendations: [{ _id: false, kk: String, ru: String }],
        relatedNewsIds: [Schema.Types.ObjectId],
        relatedVideoIds: [Schema.Types.ObjectId],
        updatedAt: Date,
      },
      default: null,
    },
    chatRoomId: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    publishedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    demo: { type: Boolean, default: false },
    /** Search tokens of the title and description (kk/ru forms, `server/core/search.ts`); never shown. */
    searchTokens: { type: [String], default: [] },
  },
  { timestamps: true, minimize: false },
)
EventSchema.index({ slug: 1 }, { unique: true })
EventSchema.index({ status: 1, startsAt: 1 })
EventSchema.index({ organizerCouncilIds: 1, startsAt: 1 })
EventSchema.index({ searchTokens: 1 })
export const EventModel = mongoose.models.Event ?? mongoose.model('Event', EventSchema, 'events')
export type EventDoc = InferSchemaType<typeof EventSchema> & { _id: mongoose.Types.ObjectId }

/**
 * One person's registration. A person registers once per event (unique index); cancelling
 * deletes the registration (registering again joins at the end of the queue).
 */
const RegistrationSchema = new Schema(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    lng: { type: String, enum: ['kk', 'ru'], default: 'kk' },
    councilId: { type: Schema.Types.ObjectId, default: null },
    regionId: { type: Schema.Types.ObjectId, default: null },
    /** `pending` only between the insert and the seat decision (milliseconds). */
    status: { type: String, enum: ['pending', 'registered', 'waitlisted'], required: true },
    /**
     * The process registering this row (`<host>:<pid>`, core/owner.ts) until its decision and mail
     * job are written; null after. A dead owner's row is repaired at the next start.
     */
    pendingOwner: { type: String, default: null },
    /** Arrival number (from the event's `seq`): the waiting list's order. */
    seq: { type: Number, default: null },
    code: { type: String, required: true },
    checkedInAt: { type: Date, default: null },
    checkedInBy: { type: Schema.Types.ObjectId, default: null },
    /** Mails already sent for this registration (each sent once even when a job runs again). */
    mailed: { type: [String], default: [] },
  },
  { timestamps: true },
)
RegistrationSchema.index({ eventId: 1, userId: 1 }, { unique: true })
RegistrationSchema.index({ eventId: 1, code: 1 }, { unique: true })
RegistrationSchema.index({ eventId: 1, status: 1, seq: 1 })
RegistrationSchema.index({ userId: 1, createdAt: -1 })
export const RegistrationModel =
  mongoose.models.EventRegistration ?? mongoose.model('EventRegistration', RegistrationSchema, 'event_registrations')
export type RegistrationDoc = InferSchemaType<typeof RegistrationSchema> & { _id: mongoose.Types.ObjectId }

/**
 * Attendance: one row per person checked in at an event, with the event's kind and year and
 * whether the person was a council member at the door. "Distinct council members who attended a
 * dialogue/forum/assembly event in year Y" is one `distinct('userId', …)` over the index below.
 */
const AttendanceSchema = new Schema(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    registrationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: EVENT_KINDS, required: true },
    year: { type: Number, required: true },
    member: { type: Boolean, required: true },
    councilIds: { type: [Schema.Types.ObjectId], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
)
AttendanceSchema.index({ eventId: 1, userId: 1 }, { unique: true })
AttendanceSchema.index({ year: 1, kind: 1, member: 1, userId: 1 })
export const AttendanceModel =
  mongoose.models.EventAttendance ?? mongoose.model('EventAttendance', AttendanceSchema, 'event_attendance')
