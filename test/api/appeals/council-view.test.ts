import { expect } from 'chai'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { councilStats } from '../../../server/modules/councils/council-stats.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, submitAs } from './fixtures.js'

describe('appeals: the council queue, CSV export, stats and public Q&A', () => {
  let t: TestServer
  let council: string
  let member: Agent
  let citizen: Agent
  const ids: Record<string, string> = {}

  before(async () => {
    t = await startTestServer()
    council = await createCouncil()
    member = await loginAs(t, { roles: ['council_member'], councilIds: [council], locale: 'ru' })
    citizen = await loginAs(t, { roles: ['citizen'], displayName: 'Данияр Ахметов' })
    ids.question = (
      await submitAs(citizen, council, {
        category: 'question',
        isPublic: true,
        text: 'Напишите мне: daniyar@mail.kz или +7 (701) 123-45-67. Данияр Ахметов спрашивает про парк.',
      })
    ).id
    ids.complaint = (
      await submitAs(citizen, council, {
        category: 'complaint',
        subject: '=HYPERLINK("http://evil")',
        text: 'Жалоба, "в кавычках", с запятой\nи переносом строки',
      })
    ).id
    ids.proposal = (await submitAs(citizen, council, { category: 'proposal', isPublic: true })).id
    ids.gratitude = (await submitAs(citizen, council, { category: 'gratitude' })).id
    // One open appeal whose term has passed (the stored due date is moved into the past).
    await Appeal.updateOne(
      { _id: ids.complaint },
      { $set: { dueAt: new Date(Date.now() - 86_400_000), triageDueAt: new Date(Date.now() - 5 * 86_400_000) } },
    )
    await member.post(`/api/v1/appeals/${ids.question}/replies`, {
      text: 'Парк откроется в июне. Вопросы: park@akimat.kz',
    })
    await member.post(`/api/v1/appeals/${ids.gratitude}/replies`, { text: 'Спасибо!' })
  })
  after(() => t?.close())

  it('should list the queue soonest due first with status, category and overdue filters and cursor pages', async () => {
    const all = await member.get(`/api/v1/councils/${council}/appeals`)
    expect(all.status).to.equal(200)
    expect(all.body.items).to.have.length(4)
    const due = all.body.items.map((i: { dueAt: string }) => i.dueAt)
    expect(due).to.deep.equal([...due].sort())
    expect(all.body.items[0].id).to.equal(ids.complaint)
    expect(all.body.items[0]).to.include({ overdue: true, needsTriage: true })

    const overdue = await member.get(`/api/v1/councils/${council}/appeals?overdue=true`)
    expect(overdue.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.complaint])
    const notOverdue = await member.get(`/api/v1/councils/${council}/appeals?overdue=false`)
    expect(notOverdue.body.items).to.have.length(3)
    const answered = await member.get(`/api/v1/councils/${council}/appeals?status=answered`)
    expect(answered.body.items.map((i: { id: string }) => i.id).sort()).to.deep.equal(
      [ids.question, ids.gratitude].sort(),
    )
    const proposals = await member.get(`/api/v1/councils/${council}/appeals?category=proposal`)
    expect(proposals.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.proposal])
    expect((await member.get(`/api/v1/councils/${council}/appeals?status=bogus`)).status).to.equal(400)
    expect((await member.get(`/api/v1/councils/${council}/appeals?overdue=yes`)).status).to.equal(400)

    const p1 = await member.get(`/api/v1/councils/${council}/appeals?limit=3`)
    expect(p1.body.nextCursor).to.be.a('string')
    const p2 = await member.get(`/api/v1/councils/${council}/appeals?limit=3&cursor=${p1.body.nextCursor}`)
    expect(p2.body.nextCursor).to.equal(null)
    expect([...p1.body.items, ...p2.body.items].map((i: { id: string }) => i.id)).to.deep.equal(
      all.body.items.map((i: { id: string }) => i.id),
    )
    expect((await member.get(`/api/v1/councils/${council}/appeals?cursor=garbage`)).status).to.equal(400)
  })

  it('should count received, answered, overdue and the median response time for the council stats', async () => {
    const stats = await councilStats(council)
    expect(stats.appeals).to.deep.equal({ received: 4, answered: 2, overdue: 1 })
    expect(stats.medianResponseDays).to.equal(0)
    // And as the public council profile shows them.
    const profile = await new Agent(t.url).get(`/api/v1/councils/${council}`)
    expect(profile.status).to.equal(200)
    expect(profile.body.stats.appeals).to.deep.equal({ received: 4, answered: 2, overdue: 1 })
    expect(profile.body.stats.medianResponseDays).to.equal(0)
  })

  it('should export CSV for Excel: BOM, headers in the request language, quoting and a formula guard', async () => {
    const ru = await member.get(`/api/v1/councils/${council}/appeals.csv`)
    expect(ru.status).to.equal(200)
    expect(ru.headers.get('content-type')).to.equal('text/csv; charset=utf-8')
    expect(ru.headers.get('content-disposition')).to.match(/^attachment; filename="appeals-/)
    // fetch's text() drops a BOM: check the bytes themselves.
    const raw = Buffer.from(
      await (
        await fetch(`${t.url}/api/v1/councils/${council}/appeals.csv`, {
          headers: { cookie: member.cookieHeader(), 'accept-language': 'ru' },
        })
      ).arrayBuffer(),
    )
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf])
    const lines = ru.text.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[0]).to.equal(
      'Номер обращения,Дата регистрации,Вид,Тема,Заявитель,Статус,Срок ответа,Дата ответа,Просрочено,Оценка',
    )
    expect(lines.filter(Boolean)).to.have.length(1 + 4) // header + one row per appeal
    expect(ru.text).to.include(`"'=HYPERLINK(""http://evil"")"`)
    expect(ru.text).to.include('Данияр Ахметов')
    expect(ru.text).to.include(',Жалоба,')
    const kk = await member.get(`/api/v1/councils/${council}/appeals.csv?lng=kk&category=complaint`)
    const kkLines = kk.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
    expect(kkLines[0]).to.equal(
      'Өтініш нөмірі,Тіркелген күні,Түрі,Тақырыбы,Өтініш беруші,Мәртебесі,Жауап беру мерзімі,Жауап берілген күні,Мерзімі өткен,Бағасы',
    )
    expect(kkLines).to.have.length(2)
    expect(kkLines[1]).to.include(',Шағым,')
    expect(kkLines[1]).to.include(',иә,')
  })

  it('should publish only answered appeals whose author allowed it, without names, e-mails or phones', async () => {
    const res = await new Agent(t.url).get(`/api/v1/appeals/public?council=${council}`)
    expect(res.status).to.equal(200)
    expect(res.body.items.map((i: { id: string }) => i.id)).to.deep.equal([ids.question])
    const item = res.body.items[0]
    expect(item).to.not.have.any.keys('author', 'trackingNumber', 'attachments')
    const all = JSON.stringify(item)
    for (const secret of ['daniyar@mail.kz', '123-45-67', 'Данияр', 'Ахметов', 'park@akimat.kz', citizen.user!.email])
      expect(all).to.not.include(secret)
    expect(item.question).to.include('спрашивает про парк')
    expect(item.answers[0].text).to.include('Парк откроется в июне')
    const page = await new Agent(t.url).get('/api/v1/appeals/public?limit=1')
    expect(page.body.items).to.have.length(1)
  })
})
