import mongoose from 'mongoose'
import type {
  ApplicationStatus,
  ApplicationView,
  CreateApplicationBody,
  UpdateApplicationBody,
} from '../../../shared/schemas/grants.js'
import type { Page } from '../../../shared/schemas/common.js'
import { audit } from '../../core/audit.js'
import { AppError, authRequired, conflict, forbidden, throwNotFound, validationFailed } from '../../core/errors.js'
import { pick } from '../../core/i18n.js'
import { assertCan, can, type Actor, type MaybeActor } from '../../core/policy.js'
import { findCouncilSummaries, findCouncilSummary } from '../councils/index.js'
import { findUsersByIds } from '../users/index.js'
import { loadCall } from './grants.calls.js'
import { applicationMachine } from './grants.machine.js'
import { GrantApplication, GrantReview, type ApplicationDoc, type CallDoc, type ReviewDoc } from './grants.model.js'
import { mailCouncil } from './grants.notify.js'
import { applicationAccess, isCallExpert, type ApplicationAccess } from './grants.policy.js'
import { isCallOpen, scoreOf, sumTiyn, toApplicationView } from './grants.view.js'

export async function loadApplication(id: string): Promise<ApplicationDoc> {
  return (await GrantApplication.findById(id).lean<ApplicationDoc>()) ?? throwNotFound('grant_application')
}

/** The budget's total in integer tiyn; over the call's maximum is 400 `validation.failed`. */
function totalWithin(budget: { amountTiyn: number }[], call: CallDoc): number {
  const total = sumTiyn(budget)
  if (total > call.maxAmountTiyn)
    throw validationFailed([
      {
        path: 'body.budget',
        code: 'grants.over_max_amount',
        params: { totalTiyn: total, maxAmountTiyn: call.maxAmountTiyn },
      },
    ])
  return total
}

/** The deadline, enforced here (the page only mirrors it). */
function assertOpen(call: CallDoc, now = Date.now()): void {
  if (call.status !== 'published' || now > new Date(call.closesAt).getTime())
    throw new AppError(409, 'grants.call_closed', { closesAt: new Date(call.closesAt).toISOString() })
  if (now < new Date(call.opensAt).getTime())
    throw new AppError(409, 'grants.call_not_open', { opensAt: new Date(call.opensAt).toISOString() })
}

const datePlan = (plan: { title: string; dueAt: string }[]) =>
  plan.map((p) => ({ title: p.title, dueAt: new Date(p.dueAt) }))

export async function createApplication(
  actor: Actor,
  callId: string,
  body: CreateApplicationBody,
): Promise<ApplicationView> {
  assertCan(actor, 'grants.apply', { councilId: body.councilId })
  const call = await loadCall(callId)
  if (call.status === 'draft') throwNotFound('grant_call')
  assertOpen(call)
  const council = await findCouncilSummary(body.councilId)
  if (!council) throw validationFailed([{ path: 'body.councilId', code: 'unknown_council' }])
  const totalTiyn = totalWithin(body.budget, call)
  const existing = await GrantApplication.exists({
    callId,
    councilId: body.councilId,
    status: mongoose.trusted({ $ne: 'withdrawn' }),
  })
  if (existing) throw new AppError(409, 'grants.already_applied')
  const doc = await GrantApplication.create({
    callId,
    councilId: body.councilId,
    title: body.title,
    stateBody: body.stateBody,
    subject: body.subject,
    plan: datePlan(body.plan),
    budget: body.budget,
    totalTiyn,
    status: 'draft',
    createdBy: actor.id,
  })
  return viewFor(actor, doc.toObject() as ApplicationDoc, call, 'council')
}

/** Edits a draft on the version read (409 `conflict` when someone saved in between). */
export async function updateApplication(
  actor: Actor,
  id: string,
  body: UpdateApplicationBody,
): Promise<ApplicationView> {
  const app = await loadApplication(id)
  assertCan(actor, 'grants.apply', { councilId: app.councilId })
  if (body.version !== undefined && body.version !== app.version) throw conflict()
  if (app.status !== 'draft') throw new AppError(409, 'grants.not_draft', { status: app.status })
  const call = await loadCall(String(app.callId))
  const set: Record<string, unknown> = {}
  if (body.title) set.title = body.title
  if (body.stateBody) set.stateBody = body.stateBody
  if (body.subject) set.subject = body.subject
  if (body.plan) set.plan = datePlan(body.plan)
  if (body.budget) {
    set.budget = body.budget
    set.totalTiyn = totalWithin(body.budget, call)
  }
  const updated = await GrantApplication.findOneAndUpdate(
    { _id: id, version: app.version, status: 'draft' },
    { $set: set, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean<ApplicationDoc>()
  if (!updated) throw conflict()
  return viewFor(actor, updated, call, 'council')
}

async function transition(
  actor: Actor,
  id: string,
  to: ApplicationStatus,
  version: number | undefined,
): Promise<{ app: ApplicationDoc; call: CallDoc }> {
  const app = await loadApplication(id)
  assertCan(actor, 'grants.apply', { councilId: app.councilId })
  if (version !== undefined && version !== app.version) throw conflict()
  applicationMachine.assert(app.status as ApplicationStatus, to)
  const call = await loadCall(String(app.callId))
  const set: Record<string, unknown> = { status: to }
  if (to === 'submitted') {
    assertOpen(call)
    totalWithin(app.budget as { amountTiyn: number }[], call)
    set.submittedAt = new Date()
    set.submittedBy = actor.id
  }
  const updated = await GrantApplication.findOneAndUpdate(
    { _id: id, version: app.version, status: app.status },
    { $set: set, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean<ApplicationDoc>()
  if (!updated) throw conflict()
  await audit({
    actorId: actor.id,
    action: `grants.application_${to}`,
    target: { kind: 'grant_application', id },
    details: { from: app.status },
  })
  await mailCouncil(String(app.councilId), `application_${to}`, (lng) => ({
    title: pick(app.title, lng),
    call: pick(call.title, lng),
    link: `/grants/applications/${id}`,
  }))
  return { app: updated, call }
}

export async function submitApplication(actor: Actor, id: string, version?: number): Promise<ApplicationView> {
  const { app, call } = await transition(actor, id, 'submitted', version)
  return viewFor(actor, app, call, 'council')
}
export async function withdrawApplication(actor: Actor, id: string, version?: number): Promise<ApplicationView> {
  const { app, call } = await transition(actor, id, 'withdrawn', version)
  return viewFor(actor, app, call, 'council')
}

async function viewsFor(actor: MaybeActor, apps: ApplicationDoc[], call: CallDoc, access: ApplicationAccess[]) {
  const ids = apps.map((a) => a._id)
  const reviews = ids.length
    ? await GrantReview.find({ applicationId: mongoose.trusted({ $in: ids }) })
        .sort({ createdAt: 1 })
        .lean<ReviewDoc[]>()
    : []
  const councils = new Map(
    (await findCouncilSummaries([...new Set(apps.map((a) => String(a.councilId)))])).map((c) => [c.id, c.name]),
  )
  const admin = can(actor, 'grants.manage')
  const names = admin
    ? new Map(
        (await findUsersByIds([...new Set(reviews.map((r) => String(r.expertId)))])).map((u) => [u.id, u.displayName]),
      )
    : new Map<string, string>()
  const criteria = (call.criteria ?? []).map((c) => ({ key: c.key!, weight: c.weight! }))
  return apps.map((app, i) => {
    const all = reviews.filter((r) => String(r.applicationId) === String(app._id))
    // Reviews: the admin sees all; an expert only their own; the council none.
    const mine =
      access[i] === 'admin' || (admin && access[i] === 'council')
        ? all
        : access[i] === 'expert'
          ? all.filter((r) => String(r.expertId) === actor?.id)
          : []
    const full = admin && access[i] !== 'expert'
    return {
      view: toApplicationView(app, {
        councilName: councils.get(String(app.councilId)) ?? {},
        reviews: full ? all : mine,
        expertNames: names,
        criteria,
        full,
      }),
      score: scoreOf(all, criteria),
    }
  })
}

async function viewFor(actor: MaybeActor, app: ApplicationDoc, call: CallDoc, access: ApplicationAccess) {
  return (await viewsFor(actor, [app], call, [access]))[0].view
}

export async function getApplication(actor: MaybeActor, id: string): Promise<ApplicationView> {
  if (!actor) throw authRequired()
  const app = await loadApplication(id)
  const call = await loadCall(String(app.callId))
  const access = applicationAccess(actor, app, call)
  if (!access) throw forbidden()
  return viewFor(actor, app, call, access)
}

/**
 * A call's applications: the admin gets every submitted one ranked by score (best first, exact
 * fractions compared by cross-multiplication); the call's experts the submitted ones; a council
 * member (`?councilId=`) their council's, drafts included.
 */
export async function listCallApplications(
  actor: MaybeActor,
  callId: string,
  q: { councilId?: string },
): Promise<Page<ApplicationView>> {
  if (!actor) throw authRequired()
  const call = await loadCall(callId)
  let filter: Record<string, unknown>
  let access: ApplicationAccess
  if (q.councilId) {
    assertCan(actor, 'grants.apply', { councilId: q.councilId })
    filter = { callId, councilId: q.councilId }
    access = 'council'
  } else if (can(actor, 'grants.manage')) {
    filter = { callId, submittedAt: mongoose.trusted({ $ne: null }) }
    access = 'admin'
  } else if (isCallExpert(actor, call)) {
    filter = { callId, status: mongoose.trusted({ $in: ['submitted', 'awarded'] }) }
    access = 'expert'
  } else throw forbidden()
  const apps = await GrantApplication.find(filter).sort({ submittedAt: 1, _id: 1 }).limit(1000).lean<ApplicationDoc[]>()
  const views = await viewsFor(
    actor,
    apps,
    call,
    apps.map(() => access),
  )
  if (access === 'admin')
    views.sort((a, b) => {
      const ad = a.score.den
      const bd = b.score.den
      if (!ad || !bd) return ad ? -1 : bd ? 1 : 0
      return b.score.num * ad - a.score.num * bd
    })
  return { items: views.map((v) => v.view), nextCursor: null }
}

/** The applications of the actor's councils, newest first (the member's workspace). */
export async function listMyApplications(actor: Actor): Promise<Page<ApplicationView>> {
  const councilIds = actor.councilIds.filter((c) => can(actor, 'grants.apply', { councilId: c }))
  if (!councilIds.length) return { items: [], nextCursor: null }
  const apps = await GrantApplication.find({
    councilId: mongoose.trusted({ $in: councilIds.map((c) => new mongoose.Types.ObjectId(c)) }),
  })
    .sort({ createdAt: -1 })
    .limit(200)
    .lean<ApplicationDoc[]>()
  const items: ApplicationView[] = []
  for (const app of apps) items.push(await viewFor(actor, app, await loadCall(String(app.callId)), 'council'))
  return { items, nextCursor: null }
}

export { isCallOpen }
