// A council profile is one database round trip: the council and its stats (news, videos, appeals)
// come from one aggregate (council-stats.ts), counted here by mongoose's debug hook, which sees every
// collection call the server makes (the server runs in this process).
import { expect } from 'chai'
import mongoose from 'mongoose'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil } from '../appeals/fixtures.js'

const STATS_COLLECTIONS = new Set(['councils', 'news', 'videos', 'appeals'])

describe('council profile reads', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    mongoose.set('debug', false)
    await t.close()
  })

  it('reads the council and its stats in one aggregate, for a guest and a signed-in person', async () => {
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const calls: string[] = []
    mongoose.set('debug', (collection: string, method: string) => {
      if (STATS_COLLECTIONS.has(collection)) calls.push(`${collection}.${method}`)
    })
    try {
      // A signed-in request is never answered from the public cache: it reaches the database.
      const res = await member.get(`/api/v1/councils/${councilId}`)
      expect(res.status).to.equal(200)
      expect(res.body.stats).to.deep.equal({
        news: 0,
        videos: 0,
        appeals: { received: 0, answered: 0, overdue: 0 },
        medianResponseDays: null,
      })
      expect(Object.keys(res.body).filter((k) => k.startsWith('__'))).to.deep.equal([])
      expect(calls).to.deep.equal(['councils.aggregate'])

      calls.length = 0
      const guest = await new Agent(t.url).get(`/api/v1/councils/${councilId}`)
      expect(guest.status).to.equal(200)
      expect(calls.length, 'a guest: one aggregate, or none from the cache').to.be.at.most(1)
      expect(calls.every((c) => c === 'councils.aggregate')).to.equal(true)
    } finally {
      mongoose.set('debug', false)
    }
  })
})
