import { expect } from 'chai'
import mongoose from 'mongoose'
import { AttendanceModel, EventModel } from '../../../server/modules/events/events.model.js'
import { GrantAward } from '../../../server/modules/grants/grants.model.js'
import { Agent } from '../../helpers/agent.js'
import { createCouncil } from '../../socket/chat.helpers.js'
import { listRegions } from '../../../server/modules/regions/index.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

/** The indicators count what the events and grants modules record (2022: nothing else in this database). */
describe('indicators from events and grants', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())
  const oid = () => new mongoose.Types.ObjectId()
  const at = (iso: string) => new Date(`${iso}T12:00:00+05:00`)
  const event = (kind: string, startsAt: Date, status = 'finished') =>
    EventModel.create({
      slug: `e-${oid()}`,
      kind,
      format: 'online',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      registrationClosesAt: startsAt,
      capacity: 500,
      audience: 'members',
      createdBy: oid(),
      status,
    })

  it('should count finished dialogue platforms, a Forum only with its quorum, awards and awarded councils', async () => {
    const regionId = (await listRegions()).map((r) => r.id)[0]
    await event('dialogue', at('2022-03-10'))
    const inRegion = await event('dialogue', at('2022-06-10'))
    await EventModel.updateOne({ _id: inRegion._id }, { $set: { venue: { address: { kk: 'Зал' }, regionId } } })
    await event('dialogue', at('2022-07-10'), 'published') // not finished: not counted
    const forum = await event('forum', at('2022-09-20'))
    const small = await event('forum', at('2022-10-20'))
    const attend = (eventId: unknown, n: number) =>
      AttendanceModel.insertMany(
        Array.from({ length: n }, () => ({
          eventId,
          userId: oid(),
          registrationId: oid(),
          kind: 'forum',
          year: 2022,
          member: true,
          at: at('2022-09-20'),
        })),
      )
    await attend(forum._id, 70)
    await attend(small._id, 69)
    const councilA = new mongoose.Types.ObjectId(await createCouncil(0))
    const republican = new mongoose.Types.ObjectId(await createCouncil(null))
    for (const councilId of [councilA, councilA, republican])
      await GrantAward.create({
        callId: oid(),
        year: 2022,
        applicationId: oid(),
        councilId,
        amountTiyn: 50_000_000,
        awardedBy: oid(),
      })

    const res = await new Agent(t.url).get('/api/v1/stats/indicators?year=2022')
    const by = Object.fromEntries(res.body.indicators.map((i: { key: string }) => [i.key, i]))
    expect(by.dialogue_platforms).to.include({ value: 2, met: false, source: 'live' })
    expect(by.dialogue_platforms.series[5].value).to.equal(2)
    // By venue: one in the region, one online (republic level).
    const byKey = (rows: { regionId: string | null; value: number }[]) =>
      [...rows].sort((a, b) => String(a.regionId).localeCompare(String(b.regionId)))
    expect(byKey(by.dialogue_platforms.regions)).to.deep.equal(
      byKey([
        { regionId, value: 1 },
        { regionId: null, value: 1 },
      ]),
    )
    expect(by.republic_events).to.include({ value: 1, met: true })
    expect(by.small_grants_awarded).to.include({ value: 3, met: false })
    expect(by.councils_in_public_control).to.include({ value: 2, met: false })
    // By region: the oblast council's two awards, and the republic-level council's one.
    const sorted = (rows: { regionId: string | null; value: number }[]) =>
      [...rows].sort((a, b) => String(a.regionId).localeCompare(String(b.regionId)))
    expect(sorted(by.small_grants_awarded.regions)).to.deep.equal(
      sorted([
        { regionId, value: 2 },
        { regionId: null, value: 1 },
      ]),
    )
    expect(sorted(by.councils_in_public_control.regions)).to.deep.equal(
      sorted([
        { regionId, value: 1 },
        { regionId: null, value: 1 },
      ]),
    )
  })
})
