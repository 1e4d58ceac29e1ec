import mongoose from 'mongoose'
import type { PublicAward } from '../../../shared/schemas/grants.js'
import { formatTenge } from '../../../shared/money.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, validationFailed } from '../../core/errors.js'
import { decodeCursor, encodeCursor, invalidCursor } from '../../core/http.js'
import { localized, pick } from '../../core/i18n.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { findCouncilSummaries } from '../councils/index.js'
import { loadCall } from './grants.calls.js'
import { scheduleMilestoneReminders } from './grants.jobs.js'
import {
  GrantApplication,
  GrantAward,
  GrantCall,
  GrantReport,
  type ApplicationDoc,
  type AwardDoc,
  type ReportDoc,
} from './grants.model.js'
import { mailCouncil } from './grants.notify.js'
import { sumTiyn } from './grants.view.js'

const iso = (d: Date | string) => new Date(d).toISOString()
export const toAwardView = (a: AwardDoc) => ({
  id: String(a._id),
  callId: String(a.callId),
  applicationId: String(a.applicationId),
  councilId: String(a.councilId),
  amountTiyn: a.amountTiyn,
  status: a.status as 'active' | 'completed',
  createdAt: iso(a.createdAt),
})

/**
 * Awards grants to submitted applications of a closed call. Within the call's `grantsCount` and
 * `budgetTiyn` under any concurrency: the applications are claimed first (submitted → awarded,
 * one conditional update each), then the count and the amount are reserved on the call by one
 * conditional `$inc` that matches only while the new totals still fit. Anything refused undoes
 * the claims, so two admins awarding at once cannot exceed the budget.
 */
export async function awardGrants(actor: Actor, callId: string, applicationIds: string[]) {
  assertCan(actor, 'grants.manage')
  const call = await loadCall(callId)
  if (call.status === 'draft') throw new AppError(409, 'grants.call_open')
  if (call.status === 'published' && Date.now() <= new Date(call.closesAt).getTime())
    throw new AppError(409, 'grants.call_open')
  const ids = [...new Set(applicationIds)]
  if (ids.length !== applicationIds.length)
    throw validationFailed([{ path: 'body.applicationIds', code: 'grants.duplicate' }])
  const apps = await GrantApplication.find({ _id: mongoose.trusted({ $in: ids }), callId }).lean<ApplicationDoc[]>()
  if (apps.length !== ids.length || apps.some((a) => a.status !== 'submitted'))
    throw new AppError(409, 'grants.not_awardable')
  const n = apps.length
  const total = sumTiyn(apps.map((a) => ({ amountTiyn: a.totalTiyn })))
  if (call.awardedCount + n > call.grantsCount || call.awardedTiyn + total > call.budgetTiyn)
    throw new AppError(409, 'grants.over_budget', { grantsCount: call.grantsCount, budgetTiyn: call.budgetTiyn })

  const awardIds = new Map(apps.map((a) => [String(a._id), new mongoose.Types.ObjectId()]))
  const claimed: ApplicationDoc[] = []
  const undoClaims = () =>
    Promise.all(
      claimed.map((a) =>
        GrantApplication.updateOne(
          { _id: a._id, status: 'awarded', awardId: awardIds.get(String(a._id)) },
          { $set: { status: 'submitted', awardId: null }, $inc: { version: 1 } },
        ),
      ),
    )
  for (const a of apps) {
    const res = await GrantApplication.updateOne(
      { _id: a._id, status: 'submitted' },
      { $set: { status: 'awarded', awardId: awardIds.get(String(a._id)) }, $inc: { version: 1 } },
    )
    if (res.modifiedCount !== 1) {
      await undoClaims()
      throw conflict()
    }
    claimed.push(a)
  }
  const reserved = await GrantCall.findOneAndUpdate(
    {
      _id: callId,
      grantsCount: call.grantsCount,
      budgetTiyn: call.budgetTiyn,
      awardedCount: mongoose.trusted({ $lte: call.grantsCount - n }),
      awardedTiyn: mongoose.trusted({ $lte: call.budgetTiyn - total }),
    },
    { $inc: { awardedCount: n, awardedTiyn: total } },
    { returnDocument: 'after' },
  ).lean()
  if (!reserved) {
    await undoClaims()
    throw new AppError(409, 'grants.over_budget', { grantsCount: call.grantsCount, budgetTiyn: call.budgetTiyn })
  }
  const docs = await GrantAward.insertMany(
    apps.map((a) => ({
      _id: awardIds.get(String(a._id)),
      callId,
      year: call.year,
      applicationId: a._id,
      councilId: a.councilId,
      amountTiyn: a.totalTiyn,
      status: 'active',
      awardedBy: actor.id,
    })),
  )
  const awards = docs.map((d) => toAwardView(d.toObject() as AwardDoc))
  for (const [i, a] of apps.entries()) {
    await audit({
      actorId: actor.id,
      action: 'grants.awarded',
      target: { kind: 'grant_award', id: awards[i].id },
      details: { applicationId: String(a._id), councilId: String(a.councilId), amountTiyn: a.totalTiyn, callId },
    })
    await mailCouncil(String(a.councilId), 'awarded', (lng) => ({
      title: pick(a.title, lng),
      call: pick(call.title, lng),
      amount: formatTenge(a.totalTiyn),
      link: `/grants/applications/${String(a._id)}`,
    }))
    await scheduleMilestoneReminders(
      awards[i].id,
      a.plan.map((p) => new Date(p.dueAt!)),
    )
  }
  return { items: awards }
}

/**
 * The public results of a year: awarded councils, what they control, amounts, milestones and
 * accepted reports. No personal data: no user ids, names or e-mails, no reviews.
 */
export async function listPublicAwards(q: { year?: number; limit: number; cursor?: string }) {
  const year = q.year ?? new Date().getUTCFullYear()
  const filter: Record<string, unknown> = { year }
  const cursor = decodeCursor(q.cursor)
  if (cursor) {
    const [cid] = cursor
    if (typeof cid !== 'string' || !/^[0-9a-f]{24}$/.test(cid)) throw invalidCursor()
    filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(cid) })
  }
  const docs = await GrantAward.find(filter)
    .sort({ _id: 1 })
    .limit(q.limit + 1)
    .lean<AwardDoc[]>()
  const page = docs.slice(0, q.limit)
  const apps = new Map(
    (
      await GrantApplication.find({ _id: mongoose.trusted({ $in: page.map((a) => a.applicationId) }) }).lean<
        ApplicationDoc[]
      >()
    ).map((a) => [String(a._id), a]),
  )
  const reports = await GrantReport.find({
    awardId: mongoose.trusted({ $in: page.map((a) => a._id) }),
    status: 'accepted',
  })
    .sort({ createdAt: 1 })
    .lean<ReportDoc[]>()
  const councils = new Map(
    (await findCouncilSummaries([...new Set(page.map((a) => String(a.councilId)))])).map((c) => [c.id, c]),
  )
  const now = Date.now()
  const items: PublicAward[] = page.map((a) => {
    const app = apps.get(String(a.applicationId))
    const council = councils.get(String(a.councilId))
    const accepted = reports.filter((r) => String(r.awardId) === String(a._id))
    return {
      id: String(a._id),
      year: a.year,
      callId: String(a.callId),
      councilId: String(a.councilId),
      councilName: localized(council?.name),
      regionId: council?.regionId ?? null,
      title: localized(app?.title),
      stateBody: localized(app?.stateBody),
      subject: localized(app?.subject),
      amountTiyn: a.amountTiyn,
      status: a.status as PublicAward['status'],
      milestones: (app?.plan ?? []).map((p) => ({
        title: p.title!,
        dueAt: iso(p.dueAt!),
        passed: new Date(p.dueAt!).getTime() <= now,
      })),
      acceptedReports: accepted.map((r) => ({
        id: String(r._id),
        kind: r.kind as 'interim' | 'final',
        text: r.text,
        acceptedAt: iso(r.decidedAt ?? r.createdAt),
      })),
      spentTiyn: accepted.length ? Math.max(...accepted.map((r) => r.spentTiyn)) : 0,
    }
  })
  // Totals of the whole year, summed by the database (integers).
  const [totals] = await GrantAward.aggregate<{ awards: number; amountTiyn: number; councils: unknown[] }>([
    { $match: { year } },
    {
      $group: {
        _id: null,
        awards: { $sum: 1 },
        amountTiyn: { $sum: '$amountTiyn' },
        councils: { $addToSet: '$councilId' },
      },
    },
  ])
  const last = page[page.length - 1]
  return {
    items,
    nextCursor: docs.length > q.limit && last ? encodeCursor([String(last._id)]) : null,
    totals: {
      awards: totals?.awards ?? 0,
      amountTiyn: totals?.amountTiyn ?? 0,
      councils: totals?.councils.length ?? 0,
    },
  }
}
