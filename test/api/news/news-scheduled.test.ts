import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { makeCouncil } from '../councils/fixtures.js'

/** Bounded polling: the publication job runs on the worker's own clock. */
async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('news scheduled publication', () => {
  let root: string
  let t: TestServer | undefined
  const env = () => ({ DATA_DIR: path.join(root, 'data'), UPLOADS_DIR: path.join(root, 'uploads') })

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kenes-news-sched-'))
  })
  after(async () => {
    await t?.close()
    await fs.rm(root, { recursive: true, force: true })
  })

  const scheduled = (ms: number, title: string) => ({
    title: { ru: title },
    body: { ru: '<p>Текст</p>' },
    status: 'scheduled',
    publishAt: new Date(Date.now() + ms).toISOString(),
  })

  it('should publish at publishAt by the job, and keep it hidden before', async () => {
    t = await startTestServer(env())
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const council = await makeCouncil(moderator)
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [council.id] })
    const guest = new Agent(t.url)
    const res = await member.post(`/api/v1/councils/${council.id}/news`, scheduled(1500, 'Запланированная новость'))
    expect(res.status).to.equal(201)
    expect(res.body).to.include({ status: 'scheduled', publishedAt: null })
    expect((await guest.get(`/api/v1/news/${res.body.id}`)).status).to.equal(404)
    const published = await until(async () => {
      const r = await guest.get(`/api/v1/news/${res.body.id}`)
      return r.status === 200 ? r.body : undefined
    })
    expect(published.status).to.equal('published')
    expect(published.publishedAt).to.equal(res.body.publishAt)
    const list = await guest.get(`/api/v1/news?council=${council.id}`)
    expect(list.body.items.map((n: any) => n.id)).to.include(res.body.id)
  })

  it('should not publish an article moved back to draft, and reschedule on a new publishAt', async () => {
    const moderator = await loginAs(t!, { roles: ['moderator'] })
    const council = await makeCouncil(moderator)
    const a = (await moderator.post(`/api/v1/councils/${council.id}/news`, scheduled(60_000, 'Отменённая'))).body
    const toDraft = await moderator.patch(`/api/v1/news/${a.id}`, { status: 'draft' })
    expect(toDraft.body.status).to.equal('draft')
    const b = (await moderator.post(`/api/v1/councils/${council.id}/news`, scheduled(60_000, 'Перенесённая'))).body
    await moderator.patch(`/api/v1/news/${b.id}`, { publishAt: new Date(Date.now() + 800).toISOString() })
    await until(async () =>
      (await moderator.get(`/api/v1/news/${b.id}`)).body.status === 'published' ? true : undefined,
    )
    expect((await moderator.get(`/api/v1/news/${a.id}`)).body.status).to.equal('draft')
  })

  it('should still publish after a server restart on the same DATA_DIR', async () => {
    const moderator = await loginAs(t!, { roles: ['moderator'] })
    const council = await makeCouncil(moderator)
    const res = await moderator.post(`/api/v1/councils/${council.id}/news`, scheduled(2500, 'Переживёт перезапуск'))
    expect(res.status).to.equal(201)
    await t!.close()
    t = await startTestServer(env())
    const guest = new Agent(t.url)
    const after = await until(async () => {
      const r = await guest.get(`/api/v1/news/${res.body.id}`)
      return r.status === 200 ? r.body : undefined
    })
    expect(after.status).to.equal('published')
  })
})
