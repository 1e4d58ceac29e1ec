import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Council } from '../../../server/modules/councils/council.model.js'
import type { Agent } from '../../helpers/agent.js'
import type { TestServer } from '../../helpers/server.js'

/** A council straight in the database (the appeals suites do not test councils). */
export async function createCouncil(opts: { archived?: boolean; name?: string } = {}): Promise<string> {
  const slug = `council-${crypto.randomBytes(5).toString('hex')}`
  const c = await Council.create({
    slug,
    name: { kk: `${opts.name ?? 'Қоғамдық кеңес'} ${slug}`, ru: `${opts.name ?? 'Общественный совет'} ${slug}` },
    level: 'oblast',
    archivedAt: opts.archived ? new Date() : null,
  })
  return String(c._id)
}

export const appealBody = (councilId: string, extra: Record<string, unknown> = {}) => ({
  councilId,
  category: 'question',
  subject: 'Жол жөндеу туралы',
  text: 'Біздің көшедегі жол қашан жөнделеді? Когда отремонтируют дорогу на нашей улице?',
  ...extra,
})

export const guestContact = () => ({
  name: 'Айгерім Сапарова',
  email: `guest-${crypto.randomBytes(5).toString('hex')}@mail.test`,
})

/** The smallest real files of each kind (magic bytes are what the server sniffs). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
)

/** Files under UPLOADS_DIR (stored and temporary), to prove a refused upload left nothing. */
export async function filesUnder(t: TestServer): Promise<string[]> {
  const out: string[] = []
  async function walk(dir: string): Promise<void> {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) await walk(p)
      else out.push(path.relative(t.config.uploadsDir, p))
    }
  }
  await walk(t.config.uploadsDir)
  return out
}

/** Submits as a signed-in agent (JSON) and returns the 201 body. */
export async function submitAs(agent: Agent, councilId: string, extra: Record<string, unknown> = {}) {
  const res = await agent.post('/api/v1/appeals', appealBody(councilId, extra))
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${res.text}`)
  return res.body as { id: string; trackingNumber: string; accessCode: string; status: string; dueAt: string | null }
}
