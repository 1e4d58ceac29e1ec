import { expect } from 'chai'
import { seedDemo } from '../../../server/modules/councils/index.js'
import { seedControl } from '../../../server/modules/control/index.js'
import { seedGrants } from '../../../server/modules/grants/index.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('demo seed: grants and public control', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should create a closed 2026 call with awards and reports, and recommendations in every state, idempotently', async () => {
    await seedDemo(() => {})
    for (let i = 0; i < 2; i++) {
      await seedGrants()
      await seedControl()
    }
    const guest = new Agent(t.url)
    const calls = (await guest.get('/api/v1/grants/calls?year=2026')).body.items
    expect(calls).to.have.length(1)
    expect(calls[0]).to.include({ status: 'closed', awardedCount: 10, grantsCount: 10 })
    expect(calls[0].awardedTiyn).to.be.at.most(calls[0].budgetTiyn)
    const awards = (await guest.get('/api/v1/grants/awards?year=2026')).body
    expect(awards.totals.awards).to.equal(10)
    expect(awards.totals.amountTiyn).to.equal(calls[0].awardedTiyn)
    expect(awards.items.filter((a: { status: string }) => a.status === 'completed')).to.have.length(3)
    expect(awards.items.some((a: { acceptedReports: unknown[] }) => a.acceptedReports.length === 2)).to.equal(true)
    const recs = (await guest.get('/api/v1/control/recommendations?limit=100')).body.items as {
      status: string
      overdue: boolean
      awardId: string | null
      response: { decision: string; onTime: boolean } | null
      implementation: { status: string } | null
    }[]
    const states = new Set(
      recs.map((r) =>
        [
          r.status,
          r.overdue,
          r.response?.decision ?? '',
          r.response?.onTime ?? '',
          r.implementation?.status ?? '',
        ].join('/'),
      ),
    )
    expect(states.size).to.be.at.least(8)
    expect(recs.some((r) => r.status === 'sent' && !r.overdue)).to.equal(true)
    expect(recs.some((r) => r.status === 'sent' && r.overdue)).to.equal(true)
    for (const d of ['accepted', 'partially', 'rejected'])
      expect(recs.some((r) => r.response?.decision === d)).to.equal(true)
    for (const s of ['in_progress', 'implemented', 'not_implemented'])
      expect(recs.some((r) => r.implementation?.status === s)).to.equal(true)
    expect(recs.some((r) => r.awardId)).to.equal(true)
    const card = (await guest.get(`/api/v1/control/scorecard?year=${new Date().getFullYear()}`)).body
    expect(card.items.length).to.be.greaterThan(0)
  })
})
