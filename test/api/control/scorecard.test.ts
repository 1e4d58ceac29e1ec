import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil } from '../../helpers/grants.js'

describe('control: the state-body scorecard', () => {
  let t: TestServer
  let regionA: string
  let regionB: string
  before(async () => {
    t = await startTestServer()
    const regions = (await new Agent(t.url).get('/api/v1/regions')).body
    regionA = regions[0].id
    regionB = regions[1].id
    const cA = await createCouncil({ regionId: regionA })
    const cB = await createCouncil({ regionId: regionB })
    const mA = await loginAs(t, { roles: ['council_member'], councilIds: [cA] })
    const mB = await loginAs(t, { roles: ['council_member'], councilIds: [cB] })
    const health = { kk: 'Денсаулық сақтау басқармасы', ru: 'Управление здравоохранения' }
    const akimat = { kk: 'Қала әкімдігі', ru: 'Акимат города' }
    const rec = async (m: Agent, councilId: string, stateBody: object, sentAt: string) => {
      const res = await m.post('/api/v1/control/recommendations', {
        councilId,
        stateBody,
        text: { ru: 'Текст' },
        sentAt,
      })
      expect(res.status, res.text).to.equal(201)
      return res.body as { id: string; version: number }
    }
    const answer = (m: Agent, id: string, receivedAt: string) =>
      m.patch(`/api/v1/control/recommendations/${id}`, {
        response: { receivedAt, text: { ru: 'Ответ' }, decision: 'accepted' },
      })
    // health, region A: on time + implemented; late; unanswered (overdue)
    const h1 = await rec(mA, cA, health, '2026-03-02T06:00:00Z')
    await answer(mA, h1.id, '2026-03-10T06:00:00Z')
    await mA.patch(`/api/v1/control/recommendations/${h1.id}`, { implementation: 'implemented' })
    const h2 = await rec(mA, cA, health, '2026-03-02T06:00:00Z')
    await answer(mA, h2.id, '2026-04-20T06:00:00Z')
    await rec(mA, cA, health, '2026-03-02T06:00:00Z')
    // health, region B (same body, spelled differently): on time
    const h4 = await rec(mB, cB, { ru: '  управление  здравоохранения ' }, '2026-05-04T06:00:00Z')
    await answer(mB, h4.id, '2026-05-05T06:00:00Z')
    // akimat, region B: unanswered
    await rec(mB, cB, akimat, '2026-06-01T06:00:00Z')
    // another year
    await rec(mB, cB, akimat, '2025-06-02T06:00:00Z')
  })
  after(() => t?.close())

  it('should count per state body: sent, answered on time, late, unanswered, overdue, implemented', async () => {
    const res = await new Agent(t.url).get('/api/v1/control/scorecard?year=2026')
    expect(res.status).to.equal(200)
    const rows = res.body.items.map((r: Record<string, unknown>) => ({ ...r, stateBody: undefined }))
    expect(res.body.items[0].stateBody.ru).to.equal('Управление здравоохранения')
    expect(rows[0]).to.deep.include({
      sent: 4,
      answeredOnTime: 2,
      answeredLate: 1,
      unanswered: 1,
      overdue: 1,
      implemented: 1,
    })
    expect(rows[1]).to.deep.include({
      sent: 1,
      answeredOnTime: 0,
      answeredLate: 0,
      unanswered: 1,
      overdue: 1,
      implemented: 0,
    })
    expect(res.body.items).to.have.length(2)
    const y2025 = await new Agent(t.url).get('/api/v1/control/scorecard?year=2025')
    expect(y2025.body.items.map((r: { sent: number }) => r.sent)).to.deep.equal([1])
  })

  it('should filter by the recommending council’s region', async () => {
    const a = await new Agent(t.url).get(`/api/v1/control/scorecard?year=2026&regionId=${regionA}`)
    expect(a.body.items).to.have.length(1)
    expect(a.body.items[0]).to.include({ sent: 3, answeredOnTime: 1, answeredLate: 1, unanswered: 1 })
    const b = await new Agent(t.url).get(`/api/v1/control/scorecard?year=2026&regionId=${regionB}`)
    expect(b.body.items.map((r: { sent: number }) => r.sent)).to.deep.equal([1, 1])
  })

  it('should export CSV in the request’s language', async () => {
    for (const [lng, head, name] of [
      ['ru', 'Государственный орган', 'Управление здравоохранения'],
      ['kk', 'Мемлекеттік орган', 'Денсаулық сақтау басқармасы'],
    ]) {
      const res = await new Agent(t.url).get(`/api/v1/control/scorecard?year=2026&format=csv&lng=${lng}`)
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.include('text/csv')
      const lines = res.text
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n')
      expect(lines[0]).to.include(head)
      expect(lines[1]).to.equal(`${name},4,2,1,1,1,1`) // RFC 4180: quoted only when needed (server/core/csv.ts)
    }
  })

  it('should reject a bad year or region (400)', async () => {
    expect((await new Agent(t.url).get('/api/v1/control/scorecard?year=abc')).status).to.equal(400)
    expect((await new Agent(t.url).get('/api/v1/control/scorecard?regionId=nope')).status).to.equal(400)
  })
})
