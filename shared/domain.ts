/**
 * The portal's vocabulary without zod: languages, statuses and the moves between them, limits.
 * The schemas in `schemas/*.ts` build on these (and re-export them); the web client imports them
 * from here so that a page that only needs a status list does not download zod.
 */

// ---- languages ----
/** The two languages of the portal; Kazakh is the default everywhere. */
export const LANGS = ['kk', 'ru'] as const
export type Lang = (typeof LANGS)[number]
export const DEFAULT_LANG: Lang = 'kk'

// ---- councils ----
export const COUNCIL_LEVELS = ['republican', 'oblast', 'city', 'district'] as const
export type CouncilLevel = (typeof COUNCIL_LEVELS)[number]
export const MEMBER_POSITIONS = ['chair', 'deputy_chair', 'secretary', 'member'] as const
export type MemberPosition = (typeof MEMBER_POSITIONS)[number]

// ---- news ----
export const NEWS_STATUSES = ['draft', 'scheduled', 'published', 'archived'] as const
export type NewsStatus = (typeof NEWS_STATUSES)[number]

// ---- videos ----
/** Video statuses and the moves between them (API.md "Videos"). */
export const VIDEO_STATUSES = [
  'processing',
  'pending_review',
  'published',
  'rejected',
  'unpublished',
  'failed',
] as const
export type VideoStatus = (typeof VIDEO_STATUSES)[number]
export const MODERATION_DECISIONS = ['approved', 'rejected', 'unpublished', 'republished'] as const
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number]
/** A moderator's actions and the statuses each may start from (anything else is 409 `conflict`). */
export const MODERATION_ACTIONS = ['approve', 'reject', 'unpublish'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]
export const MODERATION_MOVES: Record<
  ModerationAction,
  Partial<Record<VideoStatus, { to: VideoStatus; decision: ModerationDecision }>>
> = {
  approve: {
    pending_review: { to: 'published', decision: 'approved' },
    unpublished: { to: 'published', decision: 'republished' },
  },
  reject: { pending_review: { to: 'rejected', decision: 'rejected' } },
  unpublish: { published: { to: 'unpublished', decision: 'unpublished' } },
}
/** Whether a moderator may take `action` on a video in `status`. */
export function canModerate(action: ModerationAction, status: VideoStatus): boolean {
  return Boolean(MODERATION_MOVES[action][status])
}
/** The order of the moderation queue's status filter: what needs a decision first. */
export const MODERATION_QUEUE_STATUSES: readonly VideoStatus[] = [
  'pending_review',
  'published',
  'rejected',
  'unpublished',
  'processing',
  'failed',
]

// ---- appeals ----
export const APPEAL_CATEGORIES = ['question', 'proposal', 'complaint', 'gratitude'] as const
export type AppealCategory = (typeof APPEAL_CATEGORIES)[number]
export const APPEAL_STATUSES = [
  'unconfirmed',
  'submitted',
  'in_progress',
  'answered',
  'closed',
  'rejected',
  'redirected',
] as const
export type AppealStatus = (typeof APPEAL_STATUSES)[number]
/** Statuses in which the council still owes an answer (overdue is counted on these; extensions too). */
export const OPEN_STATUSES = ['submitted', 'redirected', 'in_progress'] as const
/** Final statuses: nothing more happens to the appeal. */
export const CLOSED_STATUSES = ['closed', 'rejected'] as const
/** Statuses in which the council and the author may still write to each other. */
export const REPLYABLE_STATUSES = ['submitted', 'redirected', 'in_progress', 'answered'] as const
/** Statuses after which the author may rate the answer. */
export const RATEABLE_STATUSES = ['answered', 'closed'] as const
/** What a council member may set by PATCH /appeals/:id/status (the rest follow from replies). */
export const STAFF_STATUSES = ['in_progress', 'closed', 'rejected', 'redirected'] as const
export type StaffStatus = (typeof STAFF_STATUSES)[number]
/** Which status each PATCH /status target may come from (the workflow's rule; 409 otherwise). */
export const APPEAL_TRANSITIONS: Record<StaffStatus, readonly AppealStatus[]> = {
  in_progress: ['submitted', 'redirected', 'answered'],
  closed: ['answered'],
  rejected: ['submitted', 'redirected', 'in_progress'],
  redirected: ['submitted', 'redirected', 'in_progress'],
}
/** The statuses a council's queue filters by (an unconfirmed guest appeal never reaches it). */
export const QUEUE_STATUSES = APPEAL_STATUSES.filter(
  (s): s is Exclude<AppealStatus, 'unconfirmed'> => s !== 'unconfirmed',
)
export const is = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v)
export const APPEAL_SUBJECT_MAX = 200
export const APPEAL_TEXT_MAX = 10_000
export const APPEAL_MAX_FILES = 5
export const APPEAL_FILE_MAX_BYTES = 10 * 1024 * 1024
export const APPEAL_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const

// ---- chat ----
export const ROOM_KINDS = ['direct', 'dialogue'] as const
export type RoomKind = (typeof ROOM_KINDS)[number]
export const MESSAGE_MAX_CHARS = 4000
/** The most councils a dialogue platform may gather (a national forum has fewer than 20 oblasts+cities). */
export const ROOM_MAX_COUNCILS = 50
export const MESSAGE_MAX_ATTACHMENTS = 5
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const
/** How long the sender may edit or delete a message. */
export const MESSAGE_EDIT_WINDOW_MS = 15 * 60_000

/** The name an account's records keep once its owner deleted it (language-neutral; pages show a label). */
export const ERASED_NAME = '—'
