import { expect } from 'chai'
import mongoose from 'mongoose'
import { recordParticipation } from '../../../server/modules/chat/chat.participation.js'
import { Video } from '../../../server/modules/videos/video.model.js'
import {
  countingIndicator,
  registerDialogueParticipation,
  registerIndicator,
} from '../../../server/modules/stats/index.js'
import { recordUserActivity } from '../../../server/modules/users/index.js'
import { registerGrantIndicators } from '../../../server/modules/grants/index.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'
import { waitForCompendium } from '../practices/fixtures.js'

/**
 * A fixture history with known answers (Almaty dates; this test's database holds nothing else in
 * 2023–2025):
 * - active users: 20 in 2023, 10 in 2024 (all in January), 12 in 2025 (6 in January, 6 in March)
 *   → 2025: +20 % (met), 2024: −50 % (not met), 2023: no previous year (null, not met);
 * - council members: 4; dialogue-room posters 2025: 2 members (February, May) + 1 non-member → 50 % (met);
 *   2024: 1 member → 25 % (not met);
 * - videos first published: 10 in 2025 (met), 3 in 2024 (not met);
 * - the compendium: generated for 2025, not for 2024.
 */
const at = (iso: string) => new Date(`${iso}T12:00:00+05:00`)
const oid = () => new mongoose.Types.ObjectId()
type Ind = {
  key: string
  value: number | null
  met: boolean
  target: number
  unit: string
  source: string
  series: { month: string; value: number | null }[]
  details?: Record<string, number>
}

describe('GET /api/v1/stats/indicators', () => {
  let t: TestServer
  let guest: Agent
  const get = async (year: number) => {
    const res = await guest.get(`/api/v1/stats/indicators?year=${year}`)
    expect(res.status, res.text).to.equal(200)
    return Object.fromEntries((res.body.indicators as Ind[]).map((i) => [i.key, i])) as Record<string, Ind>
  }

  before(async () => {
    t = await startTestServer()
    guest = new Agent(t.url, { lng: 'ru' })
    for (let i = 0; i < 20; i++) await recordUserActivity(String(oid()), at('2023-06-10'))
    for (let i = 0; i < 10; i++) {
      const u = String(oid())
      await recordUserActivity(u, at('2024-01-15'))
      await recordUserActivity(u, at('2024-01-16')) // a second day of the same user counts once
    }
    for (let i = 0; i < 12; i++) await recordUserActivity(String(oid()), at(i < 6 ? '2025-01-20' : '2025-03-03'))

    const members = await Promise.all([1, 2, 3, 4].map(() => createUser(t, { roles: ['council_member'] })))
    const room = String(oid())
    await recordParticipation({ roomId: room, userId: members[0].id, councilId: null, at: at('2025-02-10') })
    await recordParticipation({ roomId: room, userId: members[1].id, councilId: null, at: at('2025-05-11') })
    await recordParticipation({ roomId: room, userId: members[1].id, councilId: null, at: at('2025-06-11') })
    await recordParticipation({ roomId: room, userId: String(oid()), councilId: null, at: at('2025-02-10') })
    await recordParticipation({ roomId: room, userId: members[2].id, councilId: null, at: at('2024-09-01') })

    const video = (d: string) => ({ status: 'published', firstPublishedAt: at(d), publishedAt: at(d) })
    await Video.collection.insertMany([
      ...Array.from({ length: 10 }, (_, i) => video(`2025-${String(i + 1).padStart(2, '0')}-05`)),
      ...['2024-02-01', '2024-03-01', '2024-12-31'].map(video),
    ])
    const moderator = await loginAs(t, { roles: ['moderator'] })
    await moderator.post('/api/v1/best-practices/compendium', { year: 2025 })
    expect((await waitForCompendium(moderator, 2025)).status).to.equal('done')
  })
  after(() => t?.close())

  it('should list every key of the API with its target and unit, live from the modules that record them', async () => {
    const res = await guest.get('/api/v1/stats/indicators?year=2025')
    expect(res.body.year).to.equal(2025)
    expect(res.body.indicators.map((i: Ind) => i.key)).to.deep.equal([
      'active_users_growth',
      'members_in_dialogue',
      'councils_in_public_control',
      'small_grants_awarded',
      'republic_events',
      'dialogue_platforms',
      'videos_published',
      'best_practices_compendium',
    ])
    const by = await get(2025)
    expect(by.active_users_growth).to.include({ target: 10, unit: 'percent' })
    expect(by.members_in_dialogue).to.include({ target: 50, unit: 'percent' })
    // Events and grants plug in their providers (nothing of theirs in 2025 here: zeros, not met).
    expect(by.republic_events).to.include({ target: 1, value: 0, met: false, source: 'live' })
    expect(by.dialogue_platforms).to.include({ target: 5, value: 0, met: false, source: 'live' })
    expect(by.councils_in_public_control).to.include({ target: 10, value: 0, met: false, source: 'live' })
    for (const i of Object.values(by)) expect(i.series.map((p) => p.month)[0]).to.equal('2025-01')
    expect(res.headers.get('content-language')).to.equal('ru')
    expect(by.videos_published as unknown as { name: string })
      .to.have.property('name')
      .that.includes('видео')
  })

  it('should compute active-user growth from the user-days: met, not met, and no base year', async () => {
    const y25 = (await get(2025)).active_users_growth
    expect(y25).to.include({ value: 20, met: true, source: 'live' })
    expect(y25.details).to.deep.equal({ activeUsers: 12, previousYear: 10 })
    // January..m against the same months of 2024 (10 users, all in January).
    expect(y25.series.slice(0, 4).map((p) => p.value)).to.deep.equal([-40, -40, 20, 20])
    const y24 = (await get(2024)).active_users_growth
    expect(y24).to.include({ value: -50, met: false })
    const y23 = (await get(2023)).active_users_growth
    expect(y23).to.include({ value: null, met: false })
  })

  it('should count council members who wrote in dialogue rooms: 50 % met, 25 % not', async () => {
    const y25 = (await get(2025)).members_in_dialogue
    expect(y25).to.include({ value: 50, met: true })
    expect(y25.details).to.deep.equal({ members: 4, participants: 2 })
    expect(y25.series.map((p) => p.value)).to.deep.equal([0, 25, 25, 25, 50, 50, 50, 50, 50, 50, 50, 50])
    expect((await get(2024)).members_in_dialogue).to.include({ value: 25, met: false })
  })

  it('should count videos first published in the year and the compendium', async () => {
    const y25 = await get(2025)
    expect(y25.videos_published).to.include({ value: 10, met: true })
    expect(y25.videos_published.series.map((p) => p.value)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10])
    const y24 = await get(2024)
    expect(y24.videos_published).to.include({ value: 3, met: false })
    expect(y25.best_practices_compendium).to.include({ value: 1, met: true })
    expect(y24.best_practices_compendium).to.include({ value: 0, met: false })
  })

  it('should take indicators and dialogue attendance from providers other modules register', async () => {
    // What the grants and events modules do at import time (here for 2023 only).
    registerIndicator(
      'small_grants_awarded',
      countingIndicator(async ({ year }) => Array.from({ length: 12 }, (_, m) => (year === 2023 && m < 11 ? 1 : 0))),
    )
    const members = await Promise.all([1, 2].map(() => createUser(t, { roles: ['council_member'] })))
    registerDialogueParticipation('test.events', async ({ year }) =>
      Array.from({ length: 12 }, (_, m) => (year === 2023 && m === 4 ? members.map((u) => u.id) : [])),
    )
    const y23 = await get(2023)
    expect(y23.small_grants_awarded).to.include({ value: 11, met: true, source: 'live' })
    // 6 members now; 2 attended in May 2023 (plus none in rooms) → 33.3 %.
    expect(y23.members_in_dialogue).to.include({ value: 33.3, met: false })
    expect((await get(2024)).small_grants_awarded).to.include({ value: 0, met: false, source: 'live' })
    // The real provider again, for whatever runs after this file in the same process.
    registerGrantIndicators()
  })

  it('should answer CSV and refuse a bad year', async () => {
    const csv = await guest.get('/api/v1/stats/indicators?year=2025&format=csv')
    expect(csv.status).to.equal(200)
    expect(csv.headers.get('content-type')).to.include('text/csv')
    const lines = csv.text.trim().split('\r\n')
    expect(lines).to.have.length(9)
    expect(lines[0]).to.include('key,name,unit,target,value,met,source,2025-01')
    expect(lines.find((l) => l.startsWith('videos_published'))).to.include(',10,10,true,live,1,2,3')
    expect((await guest.get('/api/v1/stats/indicators?year=abc')).status).to.equal(400)
    expect((await guest.get('/api/v1/stats/indicators?year=1999')).status).to.equal(400)
  })

  it('should record one activity day per signed-in user and day, and nothing for guests', async () => {
    const { ActivityDay } = await import('../../../server/modules/users/users.activity.js')
    const before = await ActivityDay.countDocuments({})
    const citizen = await loginAs(t, { roles: ['citizen'] })
    await citizen.get('/api/v1/auth/me')
    await citizen.get('/api/v1/auth/me')
    await guest.get('/api/v1/regions')
    const docs = await ActivityDay.find({ userId: new mongoose.Types.ObjectId(citizen.user!.id) }).lean()
    expect(docs).to.have.length(1)
    expect(Object.keys(docs[0]).sort()).to.deep.equal(['_id', 'day', 'expiresAt', 'userId'])
    expect(await ActivityDay.countDocuments({})).to.be.greaterThan(before)
  })
})
