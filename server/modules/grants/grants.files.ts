import { MAX_FILES, type ApplicationView, type ReportView } from '../../../shared/schemas/grants.js'
import { AppError, conflict, forbidden, notFound, throwNotFound } from '../../core/errors.js'
import { can, assertCan, type Actor, type MaybeActor } from '../../core/policy.js'
import { randomName, removeStored, resolveStored, storeFile } from '../../core/storage.js'
import type { UploadedFile } from '../../core/uploads.js'
import { getApplication, loadApplication } from './grants.applications.js'
import { loadCall } from './grants.calls.js'
import {
  GrantApplication,
  GrantReport,
  type ApplicationDoc,
  type AttachmentDoc,
  type ReportDoc,
} from './grants.model.js'
import { applicationAccess } from './grants.policy.js'
import { toReportView } from './grants.view.js'

async function keep(files: UploadedFile[], prefix: string) {
  const kept: Omit<AttachmentDoc, '_id'>[] = []
  for (const f of files) {
    const key = await storeFile(f.path, `${prefix}/${randomName(f.ext)}`)
    kept.push({ key, name: f.originalName, mime: f.mime, size: f.size, createdAt: new Date() })
  }
  return kept
}
const missing = () => new AppError(400, 'upload.missing_file')

/**
 * The rules an upload must pass: run before its body is read (route `scope`: a stranger gets
 * 403/404, a sent application 409, a full one 400, without costing a byte of disk), and again
 * with the files in hand, since the application may have changed while they arrived.
 */
function assertMayAttach(actor: MaybeActor, app: ApplicationDoc, adding: number): asserts actor is Actor {
  assertCan(actor, 'grants.apply', { councilId: app.councilId })
  if (app.status !== 'draft') throw new AppError(409, 'grants.not_draft', { status: app.status })
  if ((app.attachments?.length ?? 0) + adding > MAX_FILES)
    throw new AppError(400, 'upload.too_many_files', { max: MAX_FILES })
}
function assertMayAttachToReport(actor: MaybeActor, report: ReportDoc, adding: number): asserts actor is Actor {
  assertCan(actor, 'grants.apply', { councilId: report.councilId })
  if (report.status !== 'submitted')
    throw new AppError(409, 'grants.invalid_transition', { from: report.status, to: report.status })
  if ((report.files?.length ?? 0) + adding > MAX_FILES)
    throw new AppError(400, 'upload.too_many_files', { max: MAX_FILES })
}

export async function applicationUploadScope(actor: MaybeActor, id: string): Promise<{ councilId: string }> {
  const app = await GrantApplication.findById(id, { councilId: 1, status: 1, attachments: 1 }).lean<ApplicationDoc>()
  if (!app) throwNotFound('grant_application')
  assertMayAttach(actor, app, 1)
  return { councilId: String(app.councilId) }
}
export async function reportUploadScope(actor: MaybeActor, id: string): Promise<{ councilId: string }> {
  const report = await GrantReport.findById(id, { councilId: 1, status: 1, files: 1 }).lean<ReportDoc>()
  if (!report) throwNotFound('grant_report')
  assertMayAttachToReport(actor, report, 1)
  return { councilId: String(report.councilId) }
}

/** Adds files to a draft application (its council); counted against MAX_FILES. */
export async function attachToApplication(actor: Actor, id: string, files: UploadedFile[]): Promise<ApplicationView> {
  if (!files.length) throw missing()
  const app = await loadApplication(id)
  assertMayAttach(actor, app, files.length)
  const kept = await keep(files, `grants/applications/${id}`)
  const res = await GrantApplication.updateOne(
    { _id: id, status: 'draft', version: app.version },
    { $push: { attachments: { $each: kept } }, $inc: { version: 1 } },
  )
  if (res.modifiedCount !== 1) {
    await Promise.all(kept.map((k) => removeStored(k.key)))
    throw conflict()
  }
  return getApplication(actor, id)
}

export async function applicationFile(actor: MaybeActor, id: string, fileId: string) {
  const app = await loadApplication(id)
  const call = await loadCall(String(app.callId))
  if (!applicationAccess(actor, app, call)) throw actor ? forbidden() : new AppError(401, 'auth.required')
  const f = (app.attachments ?? []).find((a) => String(a._id) === fileId) ?? throwNotFound('attachment')
  return { path: resolveStored(f.key), name: f.name, mime: f.mime }
}

/** Adds files to a report awaiting its decision (its council). */
export async function attachToReport(actor: Actor, id: string, files: UploadedFile[]): Promise<ReportView> {
  if (!files.length) throw missing()
  const report = (await GrantReport.findById(id).lean<ReportDoc>()) ?? throwNotFound('grant_report')
  assertMayAttachToReport(actor, report, files.length)
  const kept = await keep(files, `grants/reports/${id}`)
  const updated = await GrantReport.findOneAndUpdate(
    { _id: id, status: 'submitted', version: report.version },
    { $push: { files: { $each: kept } }, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean<ReportDoc>()
  if (!updated) {
    await Promise.all(kept.map((k) => removeStored(k.key)))
    throw conflict()
  }
  return toReportView(updated)
}

/** A report's file: its council and the admin; anyone once the report is accepted (public results). */
export async function reportFile(actor: MaybeActor, id: string, fileId: string) {
  const report = (await GrantReport.findById(id).lean<ReportDoc>()) ?? throwNotFound('grant_report')
  const insider = can(actor, 'grants.manage') || can(actor, 'grants.apply', { councilId: report.councilId })
  if (!insider && report.status !== 'accepted') throw actor ? forbidden() : notFound('grant_report')
  const f = (report.files ?? []).find((a) => String(a._id) === fileId) ?? throwNotFound('attachment')
  return { path: resolveStored(f.key), name: f.name, mime: f.mime }
}
