import mongoose from 'mongoose'
import type { CallView, CreateCallBody, UpdateCallBody } from '../../../shared/schemas/grants.js'
import type { Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, throwNotFound, validationFailed } from '../../core/errors.js'
import { afterKey, decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { pick } from '../../core/i18n.js'
import { assertCan, can, type Actor, type MaybeActor } from '../../core/policy.js'
import { findUsersByIds } from '../users/index.js'
import { callMachine } from './grants.machine.js'
import { GrantCall, type CallDoc } from './grants.model.js'
import { mailUsers } from './grants.notify.js'
import { toCallView } from './grants.view.js'

/** Fields that may still change once a call is published (the money and the rules may not). */
const EDITABLE_WHEN_PUBLISHED = new Set(['expertIds', 'description'])

async function assertExperts(ids: string[]): Promise<void> {
  const users = await findUsersByIds(ids)
  const experts = new Set(users.filter((u) => u.roles.includes('expert')).map((u) => u.id))
  const bad = ids.map((id, i) => ({ id, i })).filter(({ id }) => !experts.has(id))
  if (bad.length)
    throw validationFailed(bad.map(({ i }) => ({ path: `body.expertIds.${i}`, code: 'grants.not_an_expert' })))
}

export async function loadCall(id: string): Promise<CallDoc> {
  return (await GrantCall.findById(id).lean<CallDoc>()) ?? throwNotFound('grant_call')
}

export async function createCall(actor: Actor, body: CreateCallBody): Promise<CallView> {
  assertCan(actor, 'grants.manage')
  const expertIds = [...new Set(body.expertIds)]
  await assertExperts(expertIds)
  const doc = await GrantCall.create({
    ...body,
    expertIds,
    opensAt: new Date(body.opensAt),
    closesAt: new Date(body.closesAt),
    status: 'draft',
    createdBy: actor.id,
  })
  await audit({ actorId: actor.id, action: 'grants.call_created', target: { kind: 'grant_call', id: String(doc._id) } })
  return toCallView(doc.toObject() as CallDoc, actor)
}

/** Edits and status changes, on the version read: a concurrent change answers 409 `conflict`. */
export async function updateCall(actor: Actor, id: string, body: UpdateCallBody): Promise<CallView> {
  assertCan(actor, 'grants.manage')
  const call = await loadCall(id)
  if (body.version !== undefined && body.version !== call.version) throw conflict()
  const { status, version: _v, ...fields } = body
  const set: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue
    if (call.status !== 'draft' && !(call.status === 'published' && EDITABLE_WHEN_PUBLISHED.has(k)))
      throw new AppError(409, 'grants.call_locked', { field: k })
    set[k] = k === 'opensAt' || k === 'closesAt' ? new Date(v as string) : v
  }
  if (fields.expertIds) {
    set.expertIds = [...new Set(fields.expertIds)]
    await assertExperts(set.expertIds as string[])
  }
  const next = { ...call, ...set } as CallDoc
  if (new Date(next.opensAt) >= new Date(next.closesAt))
    throw validationFailed([{ path: 'body.closesAt', code: 'grants.before_opens_at' }])
  if (next.maxAmountTiyn > next.budgetTiyn)
    throw validationFailed([{ path: 'body.maxAmountTiyn', code: 'grants.over_budget' }])
  if (status && status !== call.status) {
    callMachine.assert(call.status as CallView['status'], status)
    set.status = status
  }
  if (!Object.keys(set).length) return toCallView(call, actor)
  const updated = await GrantCall.findOneAndUpdate(
    { _id: id, version: call.version },
    { $set: set, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean<CallDoc>()
  if (!updated) throw conflict()
  if (set.status)
    await audit({
      actorId: actor.id,
      action: `grants.call_${String(set.status)}`,
      target: { kind: 'grant_call', id },
      details: { from: call.status },
    })
  if (set.status === 'published')
    await mailUsers((updated.expertIds ?? []).map(String), 'expert_assigned', (lng) => ({
      title: pick(updated.title, lng),
      closesAt: new Date(updated.closesAt).toISOString().slice(0, 10),
      link: `/grants/review?call=${id}`,
    }))
  return toCallView(updated, actor)
}

/** Drafts are the admin's; everything else is public. */
function visible(call: CallDoc, actor: MaybeActor): boolean {
  return call.status !== 'draft' || can(actor, 'grants.manage')
}

export async function getCall(actor: MaybeActor, id: string): Promise<CallView> {
  const call = await loadCall(id)
  if (!visible(call, actor)) throwNotFound('grant_call')
  return toCallView(call, actor ?? null)
}

export async function listCalls(
  actor: MaybeActor,
  q: { year?: number; status?: string; mine?: 'true'; limit: number; cursor?: string },
): Promise<Page<CallView>> {
  const filter: Record<string, unknown> = {}
  if (q.year) filter.year = q.year
  if (!can(actor, 'grants.manage')) filter.status = mongoose.trusted({ $ne: 'draft' })
  if (q.status) filter.status = q.status === 'draft' && !can(actor, 'grants.manage') ? '__none__' : q.status
  if (q.mine) filter.expertIds = actor ? new mongoose.Types.ObjectId(actor.id) : null
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [year, cid] = cursor
    if (typeof year !== 'number' || typeof cid !== 'string' || !/^[0-9a-f]{24}$/.test(cid)) throw invalidCursor()
    filter.$or = afterKey('year', year, cid)
  }
  const docs = await GrantCall.find(filter)
    .sort({ year: -1, _id: -1 })
    .limit(q.limit + 1)
    .lean<CallDoc[]>()
  const page = docs.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: page.map((c) => toCallView(c, actor ?? null)),
    nextCursor: docs.length > q.limit && last ? encodeCursor([last.year, String(last._id)]) : null,
  }
}
