import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { waitForMail, readOutbox } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { councilStats } from '../../../server/modules/councils/council-stats.js'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { COUNCIL_RESERVED_REPLIES, MAX_REPLIES } from '../../../server/modules/appeals/appeals.workflow.js'
import { appealBody, createCouncil, submitAs } from './fixtures.js'

describe('appeals: a citizen follows an appeal to its answer', () => {
  let t: TestServer
  let councilA: string
  let councilB: string
  let citizen: Agent
  let memberA: Agent
  let memberB: Agent

  before(async () => {
    t = await startTestServer()
    councilA = await createCouncil()
    councilB = await createCouncil()
    citizen = await loginAs(t, { roles: ['citizen'], locale: 'ru', displayName: 'Ерлан Жаксыбеков' })
    memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA], locale: 'kk' })
    memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB], locale: 'ru' })
  })
  after(() => t?.close())

  it("should register a verified citizen's appeal at once with a 15-working-day term and e-mail both sides", async () => {
    const res = await citizen.post('/api/v1/appeals', appealBody(councilA, { isPublic: true }))
    expect(res.status).to.equal(201)
    expect(res.body.status).to.equal('submitted')
    expect(res.body.trackingNumber).to.match(/^KK-\d{4}-\d{6}$/)
    expect(res.body.accessCode).to.match(/^[A-Z2-9]{10}$/)
    expect(new Date(res.body.dueAt).getTime()).to.be.greaterThan(Date.now() + 14 * 86_400_000)
    expect(res.body.dueAt).to.match(/T18:59:59\.999Z$/) // end of an Almaty working day

    const mail = await waitForMail(t, { to: citizen.user!.email, template: 'appeals:email.received' })
    expect(mail.lng).to.equal('ru')
    expect(mail.text).to.include(res.body.trackingNumber)
    const toCouncil = await waitForMail(t, { to: memberA.user!.email, template: 'appeals:email.council_new' })
    expect(toCouncil.lng).to.equal('kk')
    expect(toCouncil.text).to.include(res.body.trackingNumber)
  })

  it('should run the whole workflow: answer, follow-up, answer, rating once, close, no reply after close', async () => {
    const a = await submitAs(citizen, councilA)
    const list = await memberA.get(`/api/v1/councils/${councilA}/appeals`)
    expect(list.status).to.equal(200)
    expect(list.body.items.map((i: { id: string }) => i.id)).to.include(a.id)

    const early = await citizen.post(`/api/v1/appeals/${a.id}/rating`, { score: 5 })
    expect(early.status).to.equal(409)
    expect(early.body.code).to.equal('appeals.not_answered')

    const progress = await memberA.patch(`/api/v1/appeals/${a.id}/status`, { status: 'in_progress' })
    expect(progress.status).to.equal(200)
    expect(progress.body.status).to.equal('in_progress')
    const statusMail = await waitForMail(t, { to: citizen.user!.email, template: 'appeals:email.status_changed' })
    expect(statusMail.vars.status).to.equal('На рассмотрении')

    const answer = await memberA.post(`/api/v1/appeals/${a.id}/replies`, {
      text: 'Жөндеу жұмыстары мамыр айында басталады.',
    })
    expect(answer.status).to.equal(201)
    expect(answer.body.by).to.equal('council')
    const seen = await citizen.get(`/api/v1/appeals/${a.id}`)
    expect(seen.body.status).to.equal('answered')
    expect(seen.body.answeredAt).to.be.a('string')
    const answeredMail = await waitForMail(t, { to: citizen.user!.email, template: 'appeals:email.answered' })
    // The e-mail says what the web shows.
    expect(answeredMail.vars.status).to.equal('Дан ответ')
    expect(answeredMail.text).to.include('Жөндеу жұмыстары мамыр айында басталады.')

    const followUp = await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'А точнее, в какие числа?' })
    expect(followUp.status).to.equal(201)
    expect(followUp.body.by).to.equal('author')
    expect((await citizen.get(`/api/v1/appeals/${a.id}`)).body.status).to.equal('in_progress')
    await waitForMail(t, { to: memberA.user!.email, template: 'appeals:email.author_replied' })

    expect((await memberA.post(`/api/v1/appeals/${a.id}/replies`, { text: '12–20 мамыр.' })).status).to.equal(201)
    const rated = await citizen.post(`/api/v1/appeals/${a.id}/rating`, { score: 4, comment: 'Спасибо' })
    expect(rated.status).to.equal(201)
    expect(rated.body.score).to.equal(4)
    const again = await citizen.post(`/api/v1/appeals/${a.id}/rating`, { score: 5 })
    expect(again.status).to.equal(409)
    expect(again.body.code).to.equal('appeals.already_rated')

    const closed = await memberA.patch(`/api/v1/appeals/${a.id}/status`, { status: 'closed' })
    expect(closed.status).to.equal(200)
    const late = await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ещё вопрос' })
    expect(late.status).to.equal(409)
    expect(late.body.code).to.equal('appeals.closed')

    const view = await citizen.get(`/api/v1/appeals/${a.id}`)
    expect(view.body.replies.map((r: { by: string }) => r.by)).to.deep.equal(['council', 'author', 'council'])
    expect(view.body.rating.score).to.equal(4)
    expect(view.body.status).to.equal('closed')
  })

  it("should limit the author's follow-ups per appeal (each one e-mails every member of the council)", async () => {
    const appeal = await submitAs(citizen, councilA)
    for (let i = 0; i < 10; i++)
      expect((await citizen.post(`/api/v1/appeals/${appeal.id}/replies`, { text: `Қосымша ${i}` })).status).to.equal(
        201,
      )
    const flood = await citizen.post(`/api/v1/appeals/${appeal.id}/replies?lng=ru`, { text: 'Ещё одно' })
    expect(flood.status).to.equal(429)
    expect(flood.body.code).to.equal('rate_limited')
    expect(Number(flood.headers.get('retry-after'))).to.be.greaterThan(0)
    // The council's answers are not held back by the author's flood.
    expect((await memberA.post(`/api/v1/appeals/${appeal.id}/replies`, { text: 'Жауап' })).status).to.equal(201)
  })

  it('should refuse a status jump the workflow does not allow, and a rejection without a reason', async () => {
    const a = await submitAs(citizen, councilA)
    const jump = await memberA.patch(`/api/v1/appeals/${a.id}/status`, { status: 'closed' })
    expect(jump.status).to.equal(409)
    expect(jump.body.code).to.equal('appeals.invalid_transition')
    const noReason = await memberA.patch(`/api/v1/appeals/${a.id}/status`, { status: 'rejected' })
    expect(noReason.status).to.equal(400)
    expect(noReason.body.errors[0].path).to.equal('body.reason')
    const rejected = await memberA.patch(`/api/v1/appeals/${a.id}/status`, {
      status: 'rejected',
      reason: 'Вопрос не относится к общественному совету',
    })
    expect(rejected.status).to.equal(200)
    expect(rejected.body.statusReason).to.equal('Вопрос не относится к общественному совету')
    const mails = await readOutbox(t, { to: citizen.user!.email, template: 'appeals:email.status_changed' })
    expect(
      mails.some((m) => m.text.includes('Вопрос не относится к общественному совету') && m.vars.status === 'Отклонено'),
    ).to.equal(true)
    expect((await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Почему?' })).status).to.equal(409)
  })

  it("should redirect to another council with a new term, moving it out of the first council's reach", async () => {
    const a = await submitAs(citizen, councilA)
    const same = await memberA.patch(`/api/v1/appeals/${a.id}/status`, {
      status: 'redirected',
      reason: 'Не наш вопрос',
      councilId: councilA,
    })
    expect(same.status).to.equal(400)
    const res = await memberA.patch(`/api/v1/appeals/${a.id}/status`, {
      status: 'redirected',
      reason: 'По компетенции',
      councilId: councilB,
    })
    expect(res.status).to.equal(200)
    expect(res.body.councilId).to.equal(councilB)
    expect(res.body.status).to.equal('redirected')
    expect(res.body.history.map((h: { status: string }) => h.status)).to.deep.equal(['submitted', 'redirected'])
    const mail = await waitForMail(t, { to: citizen.user!.email, template: 'appeals:email.redirected' })
    expect(mail.vars.dueDate).to.be.a('string')
    expect(mail.vars.councilName).to.include('Общественный совет')
    expect((await memberA.get(`/api/v1/appeals/${a.id}`)).status).to.equal(403)
    expect((await memberB.get(`/api/v1/appeals/${a.id}`)).status).to.equal(200)
    await waitForMail(t, { to: memberB.user!.email, template: 'appeals:email.council_new' })
    expect((await memberB.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ответ нового совета' })).status).to.equal(
      201,
    )
  })

  it('should extend the term once, with a reason, up to 2 months from registration, and tell the author', async () => {
    const a = await submitAs(citizen, councilA)
    const tooFar = await memberA.post(`/api/v1/appeals/${a.id}/extend`, {
      reason: 'Нужен запрос в министерство',
      dueAt: new Date(Date.now() + 70 * 86_400_000).toISOString().slice(0, 10),
    })
    expect(tooFar.status).to.equal(400)
    expect(tooFar.body.code).to.equal('appeals.extension_too_long')
    const res = await memberA.post(`/api/v1/appeals/${a.id}/extend`, { reason: 'Нужен запрос в министерство' })
    expect(res.status).to.equal(200)
    expect(new Date(res.body.dueAt).getTime()).to.be.greaterThan(new Date(a.dueAt!).getTime())
    expect(new Date(res.body.dueAt).getTime()).to.be.lessThan(Date.now() + 63 * 86_400_000)
    expect(res.body.extension.reason).to.equal('Нужен запрос в министерство')
    const mail = await waitForMail(t, { to: citizen.user!.email, template: 'appeals:email.extended' })
    expect(mail.text).to.include('Нужен запрос в министерство')
    const twice = await memberA.post(`/api/v1/appeals/${a.id}/extend`, { reason: 'Ещё раз' })
    expect(twice.status).to.equal(409)
    expect(twice.body.code).to.equal('appeals.already_extended')
  })

  it('should keep HTML in the text as plain text and return it verbatim in JSON', async () => {
    const text = '<script>alert("xss")</script><b>жирный</b> & <img src=x onerror=alert(1)>'
    const a = await submitAs(citizen, councilA, { text, subject: '<i>Тема</i>' })
    const res = await citizen.get(`/api/v1/appeals/${a.id}`)
    expect(res.headers.get('content-type')).to.match(/^application\/json/)
    expect(res.body.text).to.equal(text)
    expect(res.body.subject).to.equal('<i>Тема</i>')
    expect(res.text).to.include('\\"xss\\"') // a JSON string, not markup
  })

  it("should list the citizen's own appeals newest first and count them in the council stats", async () => {
    const mine = await citizen.get('/api/v1/appeals/mine?limit=2')
    expect(mine.status).to.equal(200)
    expect(mine.body.items).to.have.length(2)
    expect(mine.body.nextCursor).to.be.a('string')
    const next = await citizen.get(`/api/v1/appeals/mine?limit=100&cursor=${mine.body.nextCursor}`)
    const ids = [...mine.body.items, ...next.body.items].map((i: { id: string }) => i.id)
    expect(new Set(ids).size).to.equal(ids.length)
    expect(ids.length).to.be.greaterThan(4)
    const stats = await councilStats(councilA)
    expect(stats.appeals.received).to.be.greaterThan(3)
    expect(stats.appeals.answered).to.be.greaterThan(0)
    expect(stats.medianResponseDays).to.equal(0) // answered the same day
  })

  it('should cap the reply thread (author at 190, council at 200) with a localized 409 and keep every reply', async () => {
    const a = await submitAs(citizen, councilA)
    // Seeded through the model: 189 replies over HTTP would only test the rate limiter.
    const seed = (n: number, from: number) =>
      Appeal.updateOne(
        { _id: a.id },
        {
          $push: {
            replies: {
              $each: Array.from({ length: n }, (_, i) => ({
                by: (from + i) % 2 ? 'author' : 'council',
                authorName: 'Тест',
                text: `Хабарлама ${from + i}`,
                createdAt: new Date(),
              })),
            },
          },
        },
      )
    await seed(MAX_REPLIES - COUNCIL_RESERVED_REPLIES - 1, 0)
    expect((await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Последний вопрос' })).status).to.equal(201)

    const over = await citizen.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Ещё один вопрос' })
    expect(over.status).to.equal(409)
    expect(over.headers.get('content-type')).to.match(/^application\/problem\+json/)
    expect(over.body.code).to.equal('appeals.too_many_replies')
    expect(over.body.detail).to.equal(
      'К этому обращению нельзя добавить больше 190 сообщений. По новому вопросу отправьте новое обращение.',
    )
    // The same refusal for the access-code holder, in Kazakh.
    const guest = new Agent(t.url, { lng: 'kk' })
    const kk = await guest.post(`/api/v1/appeals/${a.id}/replies?code=${a.accessCode}`, { text: 'Тағы бір сұрақ' })
    expect(kk.status).to.equal(409)
    expect(kk.body.detail).to.equal(
      'Бұл өтінішке 190 хабарламадан артық жазуға болмайды. Жаңа сұрақ бойынша жаңа өтініш жіберіңіз.',
    )

    // The council still has room to answer.
    expect((await memberA.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Жауап берілді.' })).status).to.equal(201)
    await seed(MAX_REPLIES - 191, 191) // up to the hard cap
    const full = await memberA.post(`/api/v1/appeals/${a.id}/replies`, { text: 'Тағы бір жауап.' })
    expect(full.status).to.equal(409)
    expect(full.body.code).to.equal('appeals.too_many_replies')

    const view = await citizen.get(`/api/v1/appeals/${a.id}`)
    expect(view.body.replies).to.have.length(MAX_REPLIES)
    expect(view.body.replies.slice(189, 191).map((r: { text: string }) => r.text)).to.deep.equal([
      'Последний вопрос',
      'Жауап берілді.',
    ])
  })
})
