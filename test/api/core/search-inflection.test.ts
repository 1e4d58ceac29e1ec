import { expect } from 'chai'
import mongoose from 'mongoose'
import { backfillEventTokens } from '../../../server/modules/events/events.service.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { appealBody, submitAs } from '../appeals/fixtures.js'
import { createCouncil, eventBody, publishedEvent } from '../events/fixtures.js'

/**
 * Events and the public Q&A fold Kazakh and Russian inflection like councils, news and videos
 * (their own suites test those): one analyser, `server/core/search.ts`, for every searchable text.
 */
describe('search: inflected kk and ru forms find events and answered appeals', () => {
  let t: TestServer
  const guest = () => new Agent(t.url)
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  const found = async (path: string, q: string) => {
    const res = await guest().get(`${path}${path.includes('?') ? '&' : '?'}q=${encodeURIComponent(q)}`)
    expect(res.status, res.text).to.equal(200)
    return (res.body.items as { id: string }[]).map((i) => i.id)
  }

  it('should find an event by inflected words of its title and description, and not by unrelated ones', async () => {
    const a = await createCouncil(0)
    const b = await createCouncil(1)
    const moderator = await loginAs(t, { roles: ['moderator'] })
    const health = await publishedEvent(
      moderator,
      eventBody([a.id, b.id], a.regionId!, {
        title: { kk: 'Денсаулық сақтау министрлігімен диалог', ru: 'Диалог с министерством здравоохранения' },
        description: { kk: 'Ауылдық емханалардың жұмысы', ru: 'Работа сельских поликлиник' },
      }),
    )
    const roads = await publishedEvent(
      moderator,
      eventBody([a.id, b.id], b.regionId!, {
        title: { kk: 'Жолдар туралы кездесу', ru: 'Встреча о дорогах' },
        description: { kk: 'Облыстық жолдар', ru: 'Областные дороги' },
      }),
    )
    for (const q of ['денсаулығы', 'министрлік', 'емхана', 'министерства', 'поликлиники', 'здравоохранение']) {
      expect(await found('/api/v1/events', q), q).to.deep.equal([health.id])
    }
    for (const q of ['жолы', 'дорогами']) expect(await found('/api/v1/events', q), q).to.deep.equal([roads.id])
    expect(await found('/api/v1/events', 'бюджет')).to.deep.equal([])
    // Renaming re-indexes: the old words stop matching, the new ones match.
    const renamed = await moderator.patch(`/api/v1/events/${roads.id}`, {
      title: { kk: 'Экология мәселелері', ru: 'Вопросы экологии' },
    })
    expect(renamed.status, renamed.text).to.equal(200)
    expect(await found('/api/v1/events', 'экологиясы')).to.deep.equal([roads.id])
    expect(await found('/api/v1/events', 'экологическим')).to.deep.equal([])
    expect(await found('/api/v1/events', 'кездесуі')).to.deep.equal([])

    // An event stored before the calendar was searchable has no tokens; the start-up backfill gives them.
    await mongoose.connection
      .collection('events')
      .updateOne({ _id: new mongoose.Types.ObjectId(health.id) }, { $unset: { searchTokens: '' } })
    expect(await found('/api/v1/events', 'денсаулығы')).to.deep.equal([])
    expect(await backfillEventTokens()).to.equal(1)
    expect(await backfillEventTokens()).to.equal(0)
    expect(await found('/api/v1/events', 'денсаулығы')).to.deep.equal([health.id])
  })

  it("should find an answered public appeal by inflected words of the question and the answer, never by the author's name", async () => {
    const councilId = (await createCouncil(2)).id
    const citizen = await loginAs(t, { displayName: 'Сәуле Жақсылықова' })
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const publicOne = await submitAs(citizen, councilId, {
      isPublic: true,
      subject: 'Мектептегі тамақтану',
      text: 'Мектептердегі ас сапасы нашар. Питание в школах стало хуже, прошу проверить. Сәуле Жақсылықова',
    })
    const privateOne = await submitAs(citizen, councilId, appealBody(councilId, { subject: 'Мектеп асханасы' }))
    for (const a of [publicOne, privateOne]) {
      const reply = await member.post(`/api/v1/appeals/${a.id}/replies`, {
        text: 'Кеңес мектеп асханаларын тексерді. Совет провёл проверку столовых.',
      })
      expect(reply.status, reply.text).to.equal(201)
    }
    for (const q of ['мектептің', 'тамақтануы', 'школе', 'питания', 'асханасын', 'проверки', 'столовой']) {
      expect(await found('/api/v1/appeals/public', q), q).to.deep.equal([publicOne.id])
    }
    expect(await found('/api/v1/appeals/public', 'Жақсылықова'), 'author name').to.deep.equal([])
    expect(await found('/api/v1/appeals/public', 'автобус')).to.deep.equal([])
    expect(await found(`/api/v1/appeals/public?council=${councilId}`, 'мектепке')).to.deep.equal([publicOne.id])
  })
})
