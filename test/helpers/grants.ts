import crypto from 'node:crypto'
import { expect } from 'chai'
import { Council } from '../../server/modules/councils/council.model.js'
import type { Agent } from './agent.js'
import type { TestServer } from './server.js'
import { createUser, loginAs } from './users.js'

/** A council straight in the database (the grant suites do not test councils). */
export async function createCouncil(opts: { regionId?: string } = {}): Promise<string> {
  const slug = `council-${crypto.randomBytes(5).toString('hex')}`
  const c = await Council.create({
    slug,
    name: { kk: `Қоғамдық кеңес ${slug}`, ru: `Общественный совет ${slug}` },
    level: 'oblast',
    regionId: opts.regionId ?? null,
  })
  return String(c._id)
}

const DAY = 86_400_000
export const iso = (ms: number) => new Date(ms).toISOString()
export const TENGE = 100

export function callBody(extra: Record<string, unknown> = {}) {
  const now = Date.now()
  return {
    year: 2026,
    title: { kk: 'Шағын гранттар 2026', ru: 'Малые гранты 2026' },
    description: { kk: 'Қоғамдық бақылау', ru: 'Общественный контроль' },
    grantsCount: 10,
    maxAmountTiyn: 500_000 * TENGE,
    budgetTiyn: 5_000_000 * TENGE,
    opensAt: iso(now - DAY),
    closesAt: iso(now + 30 * DAY),
    criteria: [
      { key: 'relevance', title: { kk: 'Өзектілік', ru: 'Актуальность' }, weight: 3 },
      { key: 'reach', title: { kk: 'Қамту', ru: 'Охват' }, weight: 1 },
    ],
    expertIds: [] as string[],
    ...extra,
  }
}

export function applicationBody(councilId: string, extra: Record<string, unknown> = {}) {
  const now = Date.now()
  return {
    councilId,
    title: { kk: 'Емханалар мониторингі', ru: 'Мониторинг поликлиник' },
    stateBody: { kk: 'Денсаулық сақтау басқармасы', ru: 'Управление здравоохранения' },
    subject: { kk: 'Кезек күту уақыты', ru: 'Время ожидания в очереди' },
    plan: [
      { title: 'Сауалнама', dueAt: iso(now + 60 * DAY) },
      { title: 'Есеп', dueAt: iso(now + 120 * DAY) },
    ],
    budget: [
      { item: 'Сауалнама', amountTiyn: 300_000 * TENGE },
      { item: 'Баспа', amountTiyn: 200_000 * TENGE },
    ],
    ...extra,
  }
}

export interface GrantWorld {
  admin: Agent
  experts: Agent[]
  call: { id: string; version: number }
}

/** An admin, `experts` expert accounts assigned to a new published call. */
export async function publishedCall(
  t: TestServer,
  opts: { experts?: number; call?: Record<string, unknown>; admin?: Agent } = {},
): Promise<GrantWorld> {
  const admin = opts.admin ?? (await loginAs(t, { roles: ['admin'] }))
  const experts: Agent[] = []
  for (let i = 0; i < (opts.experts ?? 0); i++) experts.push(await loginAs(t, { roles: ['expert'] }))
  const created = await admin.post(
    '/api/v1/grants/calls',
    callBody({ expertIds: experts.map((e) => e.user!.id), ...opts.call }),
  )
  expect(created.status, created.text).to.equal(201)
  const pub = await admin.patch(`/api/v1/grants/calls/${created.body.id}`, { status: 'published' })
  expect(pub.status, pub.text).to.equal(200)
  return { admin, experts, call: { id: pub.body.id, version: pub.body.version } }
}

/** A council, a member of it and a submitted application of `budget` tiyn lines. */
export async function submittedApplication(
  t: TestServer,
  callId: string,
  opts: { budget?: number[]; councilId?: string; member?: Agent } = {},
) {
  const councilId = opts.councilId ?? (await createCouncil())
  const member = opts.member ?? (await loginAs(t, { roles: ['council_member'], councilIds: [councilId] }))
  const budget = (opts.budget ?? [500_000 * TENGE]).map((amountTiyn, i) => ({ item: `Line ${i + 1}`, amountTiyn }))
  const created = await member.post(
    `/api/v1/grants/calls/${callId}/applications`,
    applicationBody(councilId, { budget }),
  )
  expect(created.status, created.text).to.equal(201)
  const sub = await member.post(`/api/v1/grants/applications/${created.body.id}/submit`, {})
  expect(sub.status, sub.text).to.equal(200)
  return { councilId, member, id: created.body.id as string }
}

export async function closeCall(admin: Agent, callId: string): Promise<void> {
  const res = await admin.patch(`/api/v1/grants/calls/${callId}`, { status: 'closed' })
  expect(res.status, res.text).to.equal(200)
}

export { createUser }
