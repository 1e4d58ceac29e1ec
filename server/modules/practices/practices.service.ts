import mongoose from 'mongoose'
import type { Page } from '../../../shared/schemas/common.js'
import {
  PRACTICE_MAX_IMAGES,
  type CreatePractice,
  type ModeratePractice,
  type PracticeListQuery,
  type PracticeView,
} from '../../../shared/schemas/practices.js'
import { audit } from '../../core/audit.js'
import { authRequired, conflict, notFound, validationFailed } from '../../core/errors.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { reencodeImage } from '../../core/images.js'
import { assertCan, can, type Actor, type MaybeActor } from '../../core/policy.js'
import { randomName, removeStored, storedUrl, writeStored } from '../../core/storage.js'
import { findCouncilSummaries, findCouncilSummary } from '../councils/index.js'
import { Practice, type PracticeDoc } from './practice.model.js'

const trusted = mongoose.trusted
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)
const oid = (id: string) => new mongoose.Types.ObjectId(id)

export function toPracticeView(p: PracticeDoc, councilName: { kk?: string; ru?: string } = {}): PracticeView {
  return {
    id: String(p._id),
    councilId: String(p.councilId),
    councilName,
    regionId: p.regionId ? String(p.regionId) : null,
    year: p.year,
    title: p.title ?? {},
    summary: p.summary ?? {},
    source: p.source?.kind ? { kind: p.source.kind as 'news', id: String(p.source.id) } : null,
    images: (p.images ?? []).map((i) => ({ id: String(i._id), url: storedUrl(i.key)! })),
    status: p.status as PracticeView['status'],
    moderation: (p.moderation ?? []).map((m) => ({
      at: iso(m.at)!,
      decision: m.decision as 'approved',
      reason: m.reason ?? null,
    })),
    createdAt: iso(p.createdAt)!,
    approvedAt: iso(p.approvedAt),
  }
}

async function withCouncilNames(docs: PracticeDoc[]): Promise<PracticeView[]> {
  const councils = await findCouncilSummaries(docs.map((d) => String(d.councilId)))
  const names = new Map(councils.map((c) => [c.id, c.name]))
  return docs.map((d) => toPracticeView(d, names.get(String(d.councilId)) ?? {}))
}

/** A member proposes a practice of their own council (moderators for any council). */
export async function proposePractice(actor: Actor, body: CreatePractice): Promise<PracticeView> {
  assertCan(actor, 'practice.propose', { councilId: body.councilId })
  const council = await findCouncilSummary(body.councilId)
  if (!council) throw validationFailed([{ path: 'body.councilId', code: 'invalid_value' }])
  const doc = (
    await Practice.create({
      councilId: oid(council.id),
      regionId: council.level === 'republican' || !council.regionId ? null : oid(council.regionId),
      councilLevel: council.level,
      year: body.year,
      title: body.title,
      summary: body.summary,
      source: body.source ? { kind: body.source.kind, id: oid(body.source.id) } : null,
      proposedBy: oid(actor.id),
    })
  ).toObject() as PracticeDoc
  return toPracticeView(doc, council.name)
}

/** Loads a practice for someone who may see it: approved for all; otherwise its council and moderators (404 else). */
async function loadVisible(actor: MaybeActor, id: string): Promise<PracticeDoc> {
  const p = await Practice.findById(id).lean<PracticeDoc>()
  if (!p) throw notFound('practice')
  if (p.status !== 'approved' && !can(actor, 'practice.propose', { councilId: String(p.councilId) }))
    throw notFound('practice')
  return p
}

/** A picture may be added by its council's proposers while the practice awaits review, by staff any time, up to the limit. */
function assertMayAddImage(actor: MaybeActor, p: PracticeDoc): void {
  assertCan(actor, 'practice.propose', { councilId: String(p.councilId) })
  if (p.status !== 'proposed' && !can(actor, 'practice.moderate')) throw conflict('practices.not_editable')
  if ((p.images ?? []).length >= PRACTICE_MAX_IMAGES)
    throw validationFailed([{ path: 'file', code: 'too_many', params: { max: PRACTICE_MAX_IMAGES } }])
}

/**
 * The upload route's check, before a byte of the picture is read: the practice's council, and the
 * refusals addPracticeImage would give (404 hidden, 403, 409 after review, 400 at the limit).
 */
export async function imageUploadScope(actor: MaybeActor, id: string): Promise<{ councilId: string }> {
  const p = await loadVisible(actor, id)
  assertMayAddImage(actor, p)
  return { councilId: String(p.councilId) }
}

export async function getPractice(actor: MaybeActor, id: string): Promise<PracticeView> {
  return (await withCouncilNames([await loadVisible(actor, id)]))[0]
}

/** Adds a picture (re-encoded WebP, metadata stripped) while the practice awaits review; staff any time. */
export async function addPracticeImage(actor: Actor, id: string, tmpPath: string): Promise<PracticeView> {
  const p = await loadVisible(actor, id)
  assertMayAddImage(actor, p) // again: the practice may have changed while the picture arrived
  const webp = await reencodeImage(tmpPath, { maxWidth: 1600, maxHeight: 1600 })
  const key = await writeStored(`practices/${id}/${randomName('.webp')}`, webp)
  const doc = await Practice.findOneAndUpdate(
    { _id: p._id, [`images.${PRACTICE_MAX_IMAGES - 1}`]: trusted({ $exists: false }) },
    { $push: { images: { key } } },
    { returnDocument: 'after' },
  ).lean<PracticeDoc>()
  if (!doc) {
    await removeStored(key)
    throw validationFailed([{ path: 'file', code: 'too_many', params: { max: PRACTICE_MAX_IMAGES } }])
  }
  return (await withCouncilNames([doc]))[0]
}

/** A moderator approves or rejects (with a reason); both are audit-logged and kept in `moderation`. */
export async function moderatePractice(actor: Actor, id: string, body: ModeratePractice): Promise<PracticeView> {
  assertCan(actor, 'practice.moderate')
  const now = new Date()
  const doc = await Practice.findOneAndUpdate(
    { _id: id },
    {
      $set: { status: body.status, approvedAt: body.status === 'approved' ? now : null },
      $push: { moderation: { by: oid(actor.id), at: now, decision: body.status, reason: body.reason ?? null } },
    },
    { returnDocument: 'after' },
  ).lean<PracticeDoc>()
  if (!doc) throw notFound('practice')
  await audit({
    actorId: actor.id,
    action: `practice.${body.status}`,
    target: { kind: 'best_practice', id },
    details: { reason: body.reason ?? null },
  })
  return (await withCouncilNames([doc]))[0]
}

/** Public: approved practices (year, region); moderators and a council's own members may ask for other statuses. */
export async function listPractices(actor: MaybeActor, q: PracticeListQuery): Promise<Page<PracticeView>> {
  const status = q.status ?? 'approved'
  if (status !== 'approved' && !can(actor, 'practice.moderate')) {
    if (!actor) throw authRequired()
    if (!q.councilId) throw validationFailed([{ path: 'query.councilId', code: 'required' }])
    assertCan(actor, 'practice.propose', { councilId: q.councilId })
  }
  const filter: Record<string, unknown> = { status }
  if (q.year) filter.year = q.year
  if (q.regionId) filter.regionId = q.regionId === 'republican' ? null : oid(q.regionId)
  if (q.councilId) filter.councilId = oid(q.councilId)
  const after = decodeCursor(q.cursor)
  if (after) {
    const at = new Date(String(after[0]))
    if (Number.isNaN(at.getTime()) || !mongoose.isValidObjectId(String(after[1]))) throw invalidCursor()
    filter.$or = afterKey('createdAt', at, String(after[1]), '$lt')
  }
  const docs = await Practice.find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean<PracticeDoc[]>()
  const page = docs.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: await withCouncilNames(page),
    nextCursor: docs.length > q.limit && last ? encodeCursor([iso(last.createdAt), String(last._id)]) : null,
  }
}

/** Every approved practice of a year (the compendium's content), in a stable order. */
export async function approvedOfYear(year: number): Promise<PracticeDoc[]> {
  return Practice.find({ status: 'approved', year }).sort({ approvedAt: 1, _id: 1 }).lean<PracticeDoc[]>()
}
