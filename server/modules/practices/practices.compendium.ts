import type { Lang } from '../../../shared/schemas/common.js'
import type { CompendiumStatus } from '../../../shared/schemas/practices.js'
import { notFound } from '../../core/errors.js'
import { pick, t } from '../../core/i18n.js'
import { enqueueJob, type JobContext, type JobHandlers } from '../../core/jobs.js'
import { assertCan, type Actor } from '../../core/policy.js'
import { resolveStored, writeStored } from '../../core/storage.js'
import { findCouncilSummaries } from '../councils/index.js'
import { listRegions } from '../regions/index.js'
import { renderCompendium, type CompendiumSection } from './compendium.pdf.js'
import { Compendium, type CompendiumDoc, type PracticeDoc } from './practice.model.js'
import { approvedOfYear } from './practices.service.js'

declare module '../../core/jobs.js' {
  interface JobPayloads {
    'practices.compendium': { year: number }
  }
}

export const COMPENDIUM_LANGS: Lang[] = ['kk', 'ru']
const fileKey = (year: number, lng: Lang) => `compendium/${year}/best-practices-${year}-${lng}.pdf`
export const compendiumUrl = (year: number, lng: Lang) => `/api/v1/best-practices/compendium/${year}.pdf?lng=${lng}`

/** Moderator: (re)generate the year's compendium in the background; one queued run per year. */
export async function requestCompendium(actor: Actor, year: number): Promise<{ jobId: string }> {
  assertCan(actor, 'practice.moderate')
  const jobId = await enqueueJob('practices.compendium', { year }, { dedupeKey: `practices.compendium:${year}` })
  await Compendium.updateOne(
    { _id: year },
    {
      $set: { status: 'queued', progress: 0, jobId, error: null },
      $setOnInsert: { files: [], firstGeneratedAt: null },
    },
    { upsert: true },
  )
  return { jobId }
}

export async function compendiumStatus(year: number): Promise<CompendiumStatus> {
  const c = await Compendium.findById(year).lean<CompendiumDoc>()
  return {
    year,
    status: c?.status ?? 'none',
    progress: c?.progress ?? 0,
    jobId: c?.jobId ?? null,
    files: (c?.files ?? []).map((f) => ({
      lng: f.lng,
      url: compendiumUrl(year, f.lng),
      generatedAt: new Date(f.generatedAt).toISOString(),
      pages: f.pages,
      practices: f.practices,
    })),
    error: c?.error ?? null,
  }
}

/** The stored PDF of a year in a language (404 until it has been generated). */
export async function compendiumFile(year: number, lng: Lang): Promise<{ path: string; generatedAt: Date }> {
  const c = await Compendium.findById(year).lean<CompendiumDoc>()
  const f = c?.files.find((x) => x.lng === lng)
  if (!f) throw notFound('compendium')
  return { path: resolveStored(f.key), generatedAt: new Date(f.generatedAt) }
}

/** When the year's compendium first existed (grant indicator 5b), or null. */
export async function compendiumGeneratedAt(year: number): Promise<Date | null> {
  const c = await Compendium.findById(year, { firstGeneratedAt: 1 }).lean<CompendiumDoc>()
  return c?.firstGeneratedAt ? new Date(c.firstGeneratedAt) : null
}

/** Oblasts, then the three cities, then republic-level councils: a section each, even when empty. */
async function sections(practices: PracticeDoc[], lng: Lang): Promise<CompendiumSection[]> {
  const regions = await listRegions(lng)
  const ordered = [...regions.filter((r) => r.kind === 'oblast'), ...regions.filter((r) => r.kind === 'city')]
  const councils = await findCouncilSummaries([...new Set(practices.map((p) => String(p.councilId)))])
  const names = new Map(councils.map((c) => [c.id, c.name]))
  const text = (v: { kk?: string; ru?: string }) => pick(v, lng) || v.kk || v.ru || ''
  const shape = (p: PracticeDoc) => ({
    title: text(p.title),
    council: text(names.get(String(p.councilId)) ?? {}),
    summary: text(p.summary),
    images: (p.images ?? []).map((i) => resolveStored(i.key)),
  })
  const byRegion = (id: string | null) =>
    practices.filter((p) => (p.regionId ? String(p.regionId) : null) === id).map(shape)
  return [
    ...ordered.map((r) => ({ heading: r.name[lng], practices: byRegion(r.id) })),
    { heading: t(lng, 'practices:compendium.republican'), practices: byRegion(null) },
  ]
}

async function build({ year }: { year: number }, ctx: JobContext): Promise<void> {
  await Compendium.updateOne(
    { _id: year },
    { $set: { status: 'running', progress: 0, jobId: ctx.jobId, error: null } },
    { upsert: true },
  )
  try {
    const practices = await approvedOfYear(year)
    const files: CompendiumDoc['files'] = []
    for (const [li, lng] of COMPENDIUM_LANGS.entries()) {
      const now = new Date()
      const texts = {
        title: t(lng, 'practices:compendium.title', { year }),
        subtitle: t(lng, 'practices:compendium.subtitle', { count: practices.length }),
        generated: t(lng, 'practices:compendium.generated', { date: now.toISOString().slice(0, 10) }),
        contents: t(lng, 'practices:compendium.contents'),
        empty: t(lng, 'practices:compendium.empty'),
        page: t(lng, 'practices:compendium.page'),
      }
      const { pdf, pages } = await renderCompendium(await sections(practices, lng), texts, lng, async (done, total) => {
        const progress = Math.floor(((li + (total ? done / total : 1)) / COMPENDIUM_LANGS.length) * 100)
        await Compendium.updateOne({ _id: year }, { $set: { progress: Math.min(progress, 99) } })
      })
      const key = await writeStored(fileKey(year, lng), pdf)
      files.push({ lng, key, generatedAt: now, pages, practices: practices.length })
      await ctx.heartbeat()
    }
    const now = new Date()
    await Compendium.updateOne({ _id: year }, { $set: { status: 'done', progress: 100, files } })
    await Compendium.updateOne({ _id: year, firstGeneratedAt: null }, { $set: { firstGeneratedAt: now } })
  } catch (err) {
    await Compendium.updateOne({ _id: year }, { $set: { status: 'failed', error: String((err as Error).message) } })
    throw err
  }
}

export const practicesJobs: JobHandlers = {
  'practices.compendium': { run: build, maxAttempts: 3, leaseMs: 120_000 },
}
