import { can, type MaybeActor } from '../../core/policy.js'
import type { VideoStatus } from '../../../shared/schemas/videos.js'

/** What the rules below need to know about a video. */
export interface VideoScope {
  councilId: unknown
  status: VideoStatus
}

/** The video's council (members) and staff see it whatever its status; everyone sees it published. */
export function canSeeVideo(actor: MaybeActor, v: VideoScope): boolean {
  return v.status === 'published' || canSeeInternals(actor, v)
}

/** The moderation history, failure reason and uploader: for the council and moderators only. */
export function canSeeInternals(actor: MaybeActor, v: VideoScope): boolean {
  return can(actor, 'video.read_unpublished', { councilId: String(v.councilId) })
}

/** Staff delete anything; the uploader's council only what is not published. */
export function canDeleteVideo(actor: MaybeActor, v: VideoScope): boolean {
  if (can(actor, 'video.delete')) return true
  return v.status !== 'published' && can(actor, 'video.delete_unpublished', { councilId: String(v.councilId) })
}

/** Titles and descriptions: staff always; the council while the video is not public (no silent change of what was approved). */
export function canEditVideo(actor: MaybeActor, v: VideoScope): boolean {
  if (can(actor, 'video.moderate')) return true
  return v.status !== 'published' && can(actor, 'video.upload', { councilId: String(v.councilId) })
}
