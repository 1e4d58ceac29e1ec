import crypto from 'node:crypto'
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { Council } from '../../../server/modules/councils/council.model.js'
import type { Agent } from '../../helpers/agent.js'

/** A council straight in the database, in a region (or republic-level with `regionId` null). */
export async function createCouncil(regionId: string | null, name = 'Кеңес'): Promise<string> {
  const slug = `council-${crypto.randomBytes(5).toString('hex')}`
  const c = await Council.create({
    slug,
    name: { kk: `${name} ${slug}`, ru: `Совет ${slug}` },
    level: regionId ? 'oblast' : 'republican',
    regionId,
  })
  return String(c._id)
}

export async function regions(
  agent: Agent,
): Promise<{ id: string; code: string; name: { kk: string; ru: string }; kind: string }[]> {
  return (await agent.get('/api/v1/regions')).body
}

/** Polls the compendium's status until it is done (the job runs in the server's worker). */
export async function waitForCompendium(agent: Agent, year: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  let last: { status: number; body: any } | undefined
  while (Date.now() < deadline) {
    last = await agent.get(`/api/v1/best-practices/compendium/${year}/status`)
    if (last.body.status === 'done' || last.body.status === 'failed') return last.body
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`compendium ${year} not done: ${JSON.stringify(last?.body)}`)
}

/** The text of a PDF, by poppler's pdftotext (pages separated by form feeds). */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-pdf-'))
  try {
    const file = path.join(dir, 'in.pdf')
    await fs.writeFile(file, pdf)
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}
