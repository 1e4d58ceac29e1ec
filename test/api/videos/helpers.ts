import crypto from 'node:crypto'
import fs2 from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import { Council } from '../../../server/modules/councils/council.model.js'
import type { Agent, TestResponse } from '../../helpers/agent.js'
import type { TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeVideo } from '../../fixtures/media.js'

/** A council straight in the database (the councils API is another module's). */
export async function createCouncil(name = 'Test'): Promise<string> {
  const slug = `c-${crypto.randomBytes(5).toString('hex')}`
  const c = await Council.create({ slug, name: { kk: `${name} кеңесі`, ru: `Совет ${name}` }, level: 'oblast' })
  return String(c._id)
}

export const TITLES = {
  'title.kk': 'Кеңес отырысы',
  'title.ru': 'Заседание совета',
  'description.kk': 'Қоғамдық кеңестің отырысы',
  'description.ru': 'Заседание общественного совета',
}

export function upload(
  agent: Agent,
  councilId: string,
  content: Buffer,
  fields: Record<string, string> = TITLES,
  filename = 'clip.mp4',
): Promise<TestResponse> {
  return agent.upload(`/api/v1/councils/${councilId}/videos`, {
    fields,
    files: [{ field: 'file', filename, content, type: 'video/mp4' }],
  })
}

/** Bounded polling of a video's status through the API (no sleeps for timing: a deadline only). */
export async function waitForStatus(
  agent: Agent,
  id: string,
  statuses: string[],
  timeoutMs = 90_000,
): Promise<TestResponse> {
  const deadline = Date.now() + timeoutMs
  let last: TestResponse | undefined
  while (Date.now() < deadline) {
    last = await agent.get(`/api/v1/videos/${id}`)
    if (last.status === 200 && statuses.includes(last.body.status)) return last
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`video ${id} did not reach ${statuses.join('|')}: ${last?.status} ${JSON.stringify(last?.body)}`)
}

/** Every file under a directory (relative paths), for "nothing left behind" checks. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  async function walk(d: string) {
    let entries
    try {
      entries = await fs.readdir(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else out.push(path.relative(dir, p))
    }
  }
  await walk(dir)
  return out.sort()
}

export interface Cast {
  councilA: string
  councilB: string
  member: Agent
  otherMember: Agent
  citizen: Agent
  moderator: Agent
  admin: Agent
}

/** The people of every access rule: a member of A, a member of B, a citizen, a moderator, an admin. */
export async function castOf(t: TestServer): Promise<Cast> {
  const councilA = await createCouncil('Алматы')
  const councilB = await createCouncil('Астана')
  const [member, otherMember, citizen, moderator, admin] = await Promise.all([
    loginAs(t, { roles: ['council_member'], councilIds: [councilA], locale: 'ru' }),
    loginAs(t, { roles: ['council_member'], councilIds: [councilB] }),
    loginAs(t, { roles: ['citizen'] }),
    loginAs(t, { roles: ['moderator'] }),
    loginAs(t, { roles: ['admin'] }),
  ])
  return { councilA, councilB, member, otherMember, citizen, moderator, admin }
}

export function expectProblem(res: TestResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status)
  expect(res.headers.get('content-type')).to.match(/application\/problem\+json/)
  expect(res.body.code).to.equal(code)
}

/** Uploads a tiny video and waits until it is ready for review; returns its id. */
export async function pendingVideo(
  agent: Agent,
  councilId: string,
  fields: Record<string, string> = TITLES,
): Promise<string> {
  const res = await upload(
    agent,
    councilId,
    fs2.readFileSync(makeVideo({ width: 320, height: 240, seconds: 1, audio: false })),
    fields,
  )
  expect(res.status, res.text).to.equal(202)
  const ready = await waitForStatus(agent, res.body.id, ['pending_review', 'failed'])
  expect(ready.body.status).to.equal('pending_review')
  return res.body.id
}
