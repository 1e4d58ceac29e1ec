import { expect } from 'chai'
import mongoose from 'mongoose'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { backfillResponseDays } from '../../../server/modules/appeals/appeals.stats.js'
import { workingDaysBetween } from '../../../server/modules/appeals/calendar.js'
import { councilStats } from '../../../server/modules/councils/council-stats.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, submitAs } from './fixtures.js'

/** Monday 3 February 2025, 10:00 in Almaty: no holiday in the two weeks after it. */
const MONDAY = Date.parse('2025-02-03T05:00:00Z')
const day = (n: number) => new Date(MONDAY + n * 86_400_000)
const oid = (id: string) => new mongoose.Types.ObjectId(id)
let serial = 0

type Step = { status: string; at: Date; councilId: string }
/** An appeal row as older versions stored it (no `responseDays`): the shape the stats read. */
function row(
  councilId: string,
  fields: {
    status: string
    registeredAt?: Date | null
    dueAt?: Date | null
    answeredAt?: Date | null
    history?: Step[]
  },
) {
  const { history, ...rest } = fields
  return {
    councilId: oid(councilId),
    trackingNumber: `STATS-${process.pid}-${++serial}`,
    registeredAt: day(0),
    dueAt: day(15),
    answeredAt: null,
    ...rest,
    ...(history ? { history: history.map((h) => ({ ...h, councilId: oid(h.councilId) })) } : {}),
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
    const earlier = await createCouncil()
    await Appeal.collection.insertMany([
      // Answered Tue, Wed, Fri and the next Monday: 1, 2, 4 and 5 working days (the weekend is skipped).
      row(council, { status: 'answered', answeredAt: day(1) }),
      row(council, { status: 'closed', answeredAt: day(2) }),
      row(council, { status: 'answered', answeredAt: day(4) }),
      row(council, { status: 'in_progress', answeredAt: day(7), dueAt: day(-1) }), // reopened and overdue
      row(council, { status: 'submitted', dueAt: null }), // open without a term: not overdue
      row(council, { status: 'rejected', dueAt: day(-1) }), // past its term but not open: not overdue
      row(council, { status: 'unconfirmed', dueAt: day(-1), registeredAt: null }), // never registered: not counted
      // Answered by another council, reopened and redirected here on Thursday: not answered here yet.
      row(council, {
        status: 'redirected',
        registeredAt: day(3),
        dueAt: new Date(Date.now() + 86_400_000),
        answeredAt: day(1),
        history: [
          { status: 'answered', at: day(1), councilId: earlier },
          { status: 'redirected', at: day(3), councilId: council },
        ],
      }),
    ])
    expect(await backfillResponseDays(2)).to.equal(4) // in batches of 2, each document read once
    const stored = await Appeal.find(
      { councilId: council, responseDays: mongoose.trusted({ $ne: null }) },
      { responseDays: 1 },
    ).lean()
    expect(stored.map((a) => a.responseDays).sort()).to.deep.equal([1, 2, 4, 5])
    expect(await backfillResponseDays()).to.equal(0) // idempotent

    const stats = await councilStats(council)
    expect(stats.appeals).to.deep.equal({ received: 7, answered: 4, overdue: 1 })
    expect(stats.medianResponseDays).to.equal(3) // (2 + 4) / 2

    await Appeal.deleteOne({ councilId: council, responseDays: 5 })
    const odd = await councilStats(council)
    expect(odd.appeals).to.deep.equal({ received: 6, answered: 3, overdue: 0 })
    expect(odd.medianResponseDays).to.equal(2)
  })

  it("should take a redirected appeal's time from its new council's own answer", async () => {
    const [first, second] = [await createCouncil(), await createCouncil()]
    await Appeal.collection.insertOne(
      row(second, {
        status: 'answered',
        registeredAt: day(3),
        answeredAt: day(1),
        history: [
          { status: 'answered', at: day(1), councilId: first },
          { status: 'redirected', at: day(3), councilId: second }, // Thursday
          { status: 'answered', at: day(7), councilId: second }, // the next Monday: Friday and Monday
        ],
      }),
    )
    expect(await backfillResponseDays()).to.equal(1)
    const stats = await councilStats(second)
    expect(stats.appeals).to.deep.equal({ received: 1, answered: 1, overdue: 0 })
    expect(stats.medianResponseDays).to.equal(2)
  })

  it('should show zero counts and no median for a council without appeals, and nothing for a malformed id', async () => {
    const council = await createCouncil()
    const stats = await councilStats(council)
    expect(stats.appeals).to.deep.equal({ received: 0, answered: 0, overdue: 0 })
    expect(stats.medianResponseDays).to.equal(null)
    const profile = await new Agent(t.url).get(`/api/v1/councils/${council}`)
    expect(profile.body.stats.appeals).to.deep.equal({ received: 0, answered: 0, overdue: 0 })
    expect(await councilStats('not-an-id')).to.deep.equal({
      news: 0,
      videos: 0,
      appeals: { received: 0, answered: 0, overdue: 0 },
      medianResponseDays: null,
    })
  })

  it("should refresh a council's cached public profile when its appeals change", async () => {
    const council = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [council] })
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const guest = new Agent(t.url)
    const profile = async () => {
      const res = await guest.get(`/api/v1/councils/${council}`)
      return { cache: res.headers.get('x-cache'), appeals: res.body.stats.appeals }
    }
    await profile()
    expect(await profile()).to.deep.equal({ cache: 'HIT', appeals: { received: 0, answered: 0, overdue: 0 } })
    const a = await submitAs(citizen, council)
    expect(await profile()).to.deep.equal({ cache: 'MISS', appeals: { received: 1, answered: 0, overdue: 0 } })
    expect((await profile()).cache).to.equal('HIT')
    expect((await member.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ' })).status).to.equal(201)
    expect(await profile()).to.deep.equal({ cache: 'MISS', appeals: { received: 1, answered: 1, overdue: 0 } })
  })

  it('should fix the response time when a council first answers, and let the council an appeal is redirected to answer anew', async () => {
    const [councilA, councilB] = [await createCouncil(), await createCouncil()]
    const memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
    const memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB] })
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const a = await submitAs(citizen, councilA)
    expect((await memberA.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ' })).status).to.equal(201)
    const answeredByA = (await Appeal.findById(a.id).lean())!
    expect(answeredByA.responseDays).to.equal(workingDaysBetween(answeredByA.registeredAt!, answeredByA.answeredAt!))
    expect((await councilStats(councilA)).appeals.answered).to.equal(1)

    // The author's follow-up reopens it; the first council passes it on.
    expect(
      (await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Уточнение: это не к вам?' })).status,
    ).to.equal(201)
    expect(
      (
        await memberA.patch(`/api/v1/appeals/${a.id}/status`, {
          status: 'redirected',
          reason: 'По компетенции',
          councilId: councilB,
        })
      ).status,
    ).to.equal(200)
    expect((await Appeal.findById(a.id).lean())!.responseDays).to.equal(null)
    expect(await councilStats(councilB)).to.deep.include({
      appeals: { received: 1, answered: 0, overdue: 0 },
      medianResponseDays: null,
    })
    expect((await councilStats(councilA)).appeals.received).to.equal(0)

    // Council B got it ten days ago (moved back in the database), so its time differs from A's 0 or 1.
    const registeredAtB = new Date(Date.now() - 10 * 86_400_000)
    await Appeal.updateOne({ _id: a.id }, { $set: { registeredAt: registeredAtB } })
    expect((await memberB.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ нового совета' })).status).to.equal(
      201,
    )
    const answeredByB = (await Appeal.findById(a.id).lean())!
    const answerStep = (answeredByB.history as { status: string; at: Date; councilId: unknown }[])
      .filter((h) => h.status === 'answered')
      .at(-1)!
    expect(String(answerStep.councilId)).to.equal(councilB)
    expect(answeredByB.responseDays).to.equal(workingDaysBetween(registeredAtB, answerStep.at)).and.to.be.at.least(4)
    const b = await councilStats(councilB)
    expect(b.appeals).to.deep.equal({ received: 1, answered: 1, overdue: 0 })
    expect(b.medianResponseDays).to.equal(answeredByB.responseDays)
  })
})
