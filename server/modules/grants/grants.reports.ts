import type { ReportBody, ReportDecisionBody, ReportView } from '../../../shared/schemas/grants.js'
import { audit } from '../../core/audit.js'
import { AppError, conflict, forbidden, throwNotFound, validationFailed } from '../../core/errors.js'
import { pick } from '../../core/i18n.js'
import { assertCan, can, type Actor } from '../../core/policy.js'
import { awardMachine, reportMachine } from './grants.machine.js'
import {
  GrantApplication,
  GrantAward,
  GrantReport,
  type ApplicationDoc,
  type AwardDoc,
  type ReportDoc,
} from './grants.model.js'
import { mailCouncil } from './grants.notify.js'
import { sumTiyn, toReportView } from './grants.view.js'

async function loadAward(id: string): Promise<AwardDoc> {
  return (await GrantAward.findById(id).lean<AwardDoc>()) ?? throwNotFound('grant_award')
}

/**
 * A council files an interim or final report on its active award: spending by budget line in
 * integer tiyn, never more than the award. One report of a kind awaits a decision at a time.
 */
export async function createReport(actor: Actor, awardId: string, body: ReportBody): Promise<ReportView> {
  const award = await loadAward(awardId)
  assertCan(actor, 'grants.apply', { councilId: award.councilId })
  if (award.status !== 'active') throw new AppError(409, 'grants.award_completed')
  const spentTiyn = sumTiyn(body.spending)
  if (spentTiyn > award.amountTiyn)
    throw validationFailed([
      { path: 'body.spending', code: 'grants.over_award', params: { spentTiyn, amountTiyn: award.amountTiyn } },
    ])
  const pending = await GrantReport.exists({ awardId, kind: body.kind, status: 'submitted' })
  if (pending) throw new AppError(409, 'grants.report_pending')
  const doc = await GrantReport.create({
    awardId,
    councilId: award.councilId,
    kind: body.kind,
    text: body.text,
    spending: body.spending,
    spentTiyn,
    status: 'submitted',
    submittedBy: actor.id,
  })
  await audit({
    actorId: actor.id,
    action: 'grants.report_submitted',
    target: { kind: 'grant_report', id: String(doc._id) },
    details: { awardId, kind: body.kind, spentTiyn },
  })
  return toReportView(doc.toObject() as ReportDoc)
}

/** The operator accepts or returns a report (on the version read); an accepted final report completes the award. */
export async function decideReport(actor: Actor, id: string, body: ReportDecisionBody): Promise<ReportView> {
  assertCan(actor, 'grants.manage')
  const report = (await GrantReport.findById(id).lean<ReportDoc>()) ?? throwNotFound('grant_report')
  if (body.version !== undefined && body.version !== report.version) throw conflict()
  reportMachine.assert(report.status as ReportView['status'], body.status)
  const updated = await GrantReport.findOneAndUpdate(
    { _id: id, version: report.version, status: report.status },
    {
      $set: { status: body.status, comment: body.comment, decidedBy: actor.id, decidedAt: new Date() },
      $inc: { version: 1 },
    },
    { returnDocument: 'after' },
  ).lean<ReportDoc>()
  if (!updated) throw conflict()
  if (body.status === 'accepted' && report.kind === 'final') {
    awardMachine.assert('active', 'completed')
    await GrantAward.updateOne(
      { _id: report.awardId, status: 'active' },
      { $set: { status: 'completed', completedAt: new Date() } },
    )
  }
  await audit({
    actorId: actor.id,
    action: `grants.report_${body.status}`,
    target: { kind: 'grant_report', id },
    details: { awardId: String(report.awardId), kind: report.kind, comment: body.comment },
  })
  const award = await loadAward(String(report.awardId))
  const app = await GrantApplication.findById(award.applicationId).lean<ApplicationDoc>()
  await mailCouncil(String(award.councilId), `report_${body.status}`, (lng) => ({
    title: pick(app?.title, lng),
    kind: report.kind,
    comment: body.comment,
    link: `/grants/awards/${String(award._id)}`,
  }))
  return toReportView(updated)
}

/** An award's reports: its council and the admin see all of them; anyone else only accepted ones. */
export async function listReports(actor: Actor | null, awardId: string): Promise<{ items: ReportView[] }> {
  const award = await loadAward(awardId)
  const insider = can(actor, 'grants.manage') || can(actor, 'grants.apply', { councilId: award.councilId })
  if (!insider && !actor) return { items: (await accepted(awardId)).map(toReportView) }
  if (!insider) throw forbidden()
  const docs = await GrantReport.find({ awardId }).sort({ createdAt: 1 }).lean<ReportDoc[]>()
  return { items: docs.map(toReportView) }
}
const accepted = (awardId: string) =>
  GrantReport.find({ awardId, status: 'accepted' }).sort({ createdAt: 1 }).lean<ReportDoc[]>()
