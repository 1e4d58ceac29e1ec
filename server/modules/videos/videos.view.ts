import { t } from '../../core/i18n.js'
import { keysetPage } from '../../core/paging.js'
import type { MaybeActor } from '../../core/policy.js'
import type { Lang, Page } from '../../../shared/schemas/common.js'
import type { FailureCode, VideoDetails, VideoSummary } from '../../../shared/schemas/videos.js'
import { Video, type VideoDoc } from './video.model.js'
import { canSeeInternals } from './videos.policy.js'

/** Response shapes (API.md "Videos") and cursor paging; no rules beyond what a viewer may see. */

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)
const localized = (v: { kk?: string | null; ru?: string | null } | null | undefined) => ({
  ...(v?.kk ? { kk: v.kk } : {}),
  ...(v?.ru ? { ru: v.ru } : {}),
})

export function mediaUrls(doc: Pick<VideoDoc, '_id' | 'mediaDir'>) {
  const id = String(doc._id)
  const ready = Boolean(doc.mediaDir)
  return {
    thumbnailUrl: ready ? `/media/videos/${id}/thumbnail.jpg` : null,
    hlsUrl: ready ? `/media/videos/${id}/master.m3u8` : null,
  }
}

export function toSummary(doc: VideoDoc): VideoSummary {
  return {
    id: String(doc._id),
    councilId: String(doc.councilId),
    title: localized(doc.title),
    description: localized(doc.description),
    status: doc.status,
    durationSec: doc.probe?.durationSec ?? null,
    width: doc.probe?.width ?? null,
    height: doc.probe?.height ?? null,
    ...mediaUrls(doc),
    views: doc.views ?? 0,
    createdAt: iso(doc.createdAt)!,
    publishedAt: iso(doc.publishedAt),
  }
}

export function toDetails(doc: VideoDoc, actor: MaybeActor, lng: Lang): VideoDetails {
  const internal = canSeeInternals(actor, doc)
  return {
    ...toSummary(doc),
    moderation: internal
      ? (doc.moderation ?? []).map((m) => ({
          by: String(m.by),
          byName: m.byName ?? null,
          at: iso(m.at)!,
          decision: m.decision,
          reason: m.reason ?? null,
        }))
      : [],
    sourceUrl: `/media/videos/${String(doc._id)}/source`,
    uploaderId: internal ? String(doc.uploaderId) : null,
    failure:
      internal && doc.failure
        ? { code: doc.failure as FailureCode, message: t(lng, `videos:failure.${doc.failure}`) }
        : null,
    renditions: (doc.renditions ?? []).map((r) => ({
      name: r.name,
      width: r.width,
      height: r.height,
      bandwidth: r.bandwidth,
    })),
    processing: internal
      ? {
          startedAt: iso(doc.processing?.startedAt),
          finishedAt: iso(doc.processing?.finishedAt),
          attempts: doc.processing?.attempts ?? 0,
        }
      : null,
  }
}

/**
 * One page of videos sorted by `field` (a date) then `_id`, with an opaque cursor of the last
 * item's pair, so paging is stable while new videos arrive.
 */
export function pageOf(
  filter: Record<string, unknown>,
  field: 'createdAt' | 'publishedAt',
  dir: 1 | -1,
  limit: number,
  cursor?: string,
): Promise<Page<VideoSummary>> {
  return keysetPage({
    filter,
    field,
    order: dir === 1 ? 'asc' : 'desc',
    cursor,
    limit,
    find: (f, sort, n) => Video.find(f).sort(sort).limit(n).lean<VideoDoc[]>(),
    map: toSummary,
  })
}
