import { expect } from 'chai'
import mongoose from 'mongoose'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { backfillResponseDays, councilAppealStats } from '../../../server/modules/appeals/appeals.queries.js'
import { councilStats } from '../../../server/modules/councils/council-stats.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, submitAs } from './fixtures.js'

/** Monday 3 February 2025, 10:00 in Almaty: no holiday in the two weeks after it. */
const MONDAY = Date.parse('2025-02-03T05:00:00Z')
const day = (n: number) => new Date(MONDAY + n * 86_400_000)
let serial = 0

/** An appeal row as older versions stored it (no `responseDays`): the shape the stats read. */
function row(councilId: string, fields: { status: string; registeredAt?: Date | null; dueAt?: Date | null; answeredAt?: Date | null }) {
  return {
    councilId: new mongoose.Types.ObjectId(councilId),
    trackingNumber: `STATS-${process.pid}-${++serial}`,
    registeredAt: day(0),
    dueAt: day(15),
    answeredAt: null,
    ...fields,
  }
}

describe('appeals: council stats computed by the database', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should fill response days for appeals answered before they were stored, and take counts and the median from the database', async () => {
    const council = await createCouncil()
    await Appeal.collection.insertMany([
      // Answered Tue, Wed, Fri and the next Monday: 1, 2, 4 and 5 working days (the weekend is skipped).
      row(council, { status: 'answered', answeredAt: day(1) }),
      row(council, { status: 'closed', answeredAt: day(2) }),
      row(council, { status: 'answered', answeredAt: day(4) }),
      row(council, { status: 'in_progress', answeredAt: day(7), dueAt: day(-1) }), // reopened and overdue
      row(council, { status: 'submitted', dueAt: null }), // open without a term: not overdue
      row(council, { status: 'rejected', dueAt: day(-1) }), // past its term but not open: not overdue
      row(council, { status: 'unconfirmed', dueAt: day(-1), registeredAt: null }), // never registered: not counted
    ])
    expect(await backfillResponseDays(2)).to.be.at.least(4) // in batches of 2
    const stored = await Appeal.find({ councilId: council, responseDays: mongoose.trusted({ $ne: null }) }, { responseDays: 1 }).lean()
    expect(stored.map((a) => a.responseDays).sort()).to.deep.equal([1, 2, 4, 5])
    expect(await backfillResponseDays()).to.equal(0) // idempotent

    const stats = await councilStats(council)
    expect(stats.appeals).to.deep.equal({ received: 6, answered: 4, overdue: 1 })
    expect(stats.medianResponseDays).to.equal(3) // (2 + 4) / 2

    await Appeal.deleteOne({ councilId: council, responseDays: 5 })
    const odd = await councilStats(council)
    expect(odd.appeals).to.deep.equal({ received: 5, answered: 3, overdue: 0 })
    expect(odd.medianResponseDays).to.equal(2)
  })

  it('should show zero counts and no median for a council without appeals, and nothing for a malformed id', async () => {
    const council = await createCouncil()
    const stats = await councilStats(council)
    expect(stats.appeals).to.deep.equal({ received: 0, answered: 0, overdue: 0 })
    expect(stats.medianResponseDays).to.equal(null)
    const profile = await new Agent(t.url).get(`/api/v1/councils/${council}`)
    expect(profile.body.stats.appeals).to.deep.equal({ received: 0, answered: 0, overdue: 0 })
    expect(await councilAppealStats('not-an-id')).to.deep.equal({})
  })

  it('should fix the response time when a council first answers, and let the council an appeal is redirected to answer anew', async () => {
    const [councilA, councilB] = [await createCouncil(), await createCouncil()]
    const memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
    const memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB] })
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const a = await submitAs(citizen, councilA)
    expect((await memberA.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ' })).status).to.equal(201)
    expect((await Appeal.findById(a.id).lean())!.responseDays).to.equal(0) // answered the day it came
    expect((await councilStats(councilA)).medianResponseDays).to.equal(0)

    // The author's follow-up reopens it; the first council passes it on.
    expect((await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Уточнение: это не к вам?' })).status).to.equal(201)
    expect((await memberA.patch(`/api/v1/appeals/${a.id}/status`, { status: 'redirected', reason: 'По компетенции', councilId: councilB })).status).to.equal(200)
    expect((await Appeal.findById(a.id).lean())!.responseDays).to.equal(null)
    expect((await councilStats(councilB)).medianResponseDays).to.equal(null)
    expect((await councilStats(councilA)).appeals.received).to.equal(0)

    expect((await memberB.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ нового совета' })).status).to.equal(201)
    expect((await Appeal.findById(a.id).lean())!.responseDays).to.equal(0)
    const b = await councilStats(councilB)
    expect(b.appeals).to.deep.equal({ received: 1, answered: 1, overdue: 0 })
    expect(b.medianResponseDays).to.equal(0)
  })
})
