import { expect } from 'chai'
import { Appeal } from '../../../server/modules/appeals/appeal.model.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { PDF, appealBody, createCouncil, filesUnder, guestContact } from './fixtures.js'

describe('appeals: bad input, floods and concurrent submissions', () => {
  let t: TestServer
  let council: string
  let citizen: Agent
  let guest: Agent

  before(async () => {
    t = await startTestServer()
    council = await createCouncil()
    citizen = await loginAs(t, { roles: ['citizen'] })
    guest = new Agent(t.url, { lng: 'ru' })
  })
  after(() => t?.close())

  const post = (agent: Agent, body: unknown) => agent.post('/api/v1/appeals', body)
  const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path)

  it('should refuse an unknown category, a missing guest contact, unknown fields and oversize texts with localized errors', async () => {
    const cat = await post(citizen, appealBody(council, { category: 'spam' }))
    expect(cat.status).to.equal(400)
    expect(cat.headers.get('content-type')).to.match(/^application\/problem\+json/)
    expect(paths(cat)).to.deep.equal(['body.category'])

    const noContact = await post(guest, appealBody(council))
    expect(noContact.status).to.equal(400)
    expect(paths(noContact)).to.deep.equal(['body.contact'])
    expect(noContact.body.errors[0].message).to.match(/[А-Яа-я]/)

    const badEmail = await post(guest, appealBody(council, { contact: { name: 'Иван', email: 'not-an-email' } }))
    expect(paths(badEmail)).to.deep.equal(['body.contact.email'])
    expect((await post(guest, appealBody(council, { contact: guestContact(), extra: 1 }))).status).to.equal(400)
    expect((await post(citizen, appealBody(council, { contact: guestContact() }))).status).to.equal(400)
    expect(paths(await post(citizen, appealBody(council, { subject: 'x'.repeat(201) })))).to.deep.equal([
      'body.subject',
    ])
    expect(paths(await post(citizen, appealBody(council, { text: 'ж'.repeat(10_001) })))).to.deep.equal(['body.text'])
    expect((await post(citizen, appealBody(council, { text: 'ж'.repeat(10_000) }))).status).to.equal(201)
  })

  it('should refuse operator injection and unknown or archived councils without touching the database', async () => {
    const count = await Appeal.countDocuments()
    for (const body of [
      appealBody(council, { councilId: { $gt: '' } }),
      appealBody(council, { subject: { $ne: null } }),
      appealBody(council, { category: { $in: ['question'] } }),
      appealBody(council, { contact: { name: 'Иван', email: { $gt: '' } } }),
    ]) {
      const res = await post(citizen, body)
      expect(res.status, JSON.stringify(body)).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
    }
    const injectedTrack = await guest.get('/api/v1/appeals/track?number[$ne]=x&code[$ne]=y')
    expect(injectedTrack.status).to.equal(400)
    expect(paths(await post(citizen, appealBody('0123456789abcdef01234567')))).to.deep.equal(['body.councilId'])
    const archived = await createCouncil({ archived: true })
    expect(paths(await post(citizen, appealBody(archived)))).to.deep.equal(['body.councilId'])
    expect(await Appeal.countDocuments()).to.equal(count)
  })

  it('should refuse an oversize attachment (413) and a spoofed one (415), leaving no file and no appeal', async () => {
    const count = await Appeal.countDocuments()
    const fields = {
      ...appealBody(council),
      'contact.name': 'Иван Петров',
      'contact.email': 'ivan@mail.test',
    } as Record<string, string>
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)])
    const tooBig = await guest.upload('/api/v1/appeals', {
      fields,
      files: [{ field: 'files', filename: 'big.pdf', content: big }],
    })
    expect(tooBig.status).to.equal(413)
    expect(tooBig.body.code).to.equal('upload.too_large')
    const spoofed = await guest.upload('/api/v1/appeals', {
      fields,
      files: [
        { field: 'files', filename: 'ok.pdf', content: PDF },
        {
          field: 'files',
          filename: 'evil.pdf',
          content: Buffer.from('just text pretending to be a PDF\n'),
          type: 'application/pdf',
        },
      ],
    })
    expect(spoofed.status).to.equal(415)
    expect(spoofed.body.code).to.equal('upload.unsupported_type')
    const tooMany = await guest.upload('/api/v1/appeals', {
      fields,
      files: Array.from({ length: 6 }, (_, i) => ({ field: 'files', filename: `${i}.pdf`, content: PDF })),
    })
    expect(tooMany.status).to.equal(400)
    const badFields = await guest.upload('/api/v1/appeals', {
      fields: { ...fields, category: 'spam' },
      files: [{ field: 'files', filename: 'ok.pdf', content: PDF }],
    })
    expect(badFields.status).to.equal(400)
    expect(await Appeal.countDocuments()).to.equal(count)
    // Temp files are removed when the response ends: poll briefly for the unlink to land.
    let left: string[] = []
    for (let i = 0; i < 50; i++) {
      left = await filesUnder(t)
      if (!left.length) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(left).to.deep.equal([])
  })

  it('should give 30 concurrent submissions 30 different consecutive tracking numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        new Agent(t.url).post('/api/v1/appeals', appealBody(council, { contact: guestContact() })),
      ),
    )
    expect(results.map((r) => r.status)).to.deep.equal(Array(30).fill(201))
    const numbers = results.map((r) => r.body.trackingNumber as string)
    expect(new Set(numbers).size).to.equal(30)
    const seqs = numbers.map((n) => Number(n.split('-')[2])).sort((a, b) => a - b)
    expect(seqs[29] - seqs[0]).to.equal(29)
    const year = numbers[0].split('-')[1]
    expect(numbers.every((n) => n.startsWith(`KK-${year}-`))).to.equal(true)
  })

  it('should limit submissions per e-mail address (429 with Retry-After)', async () => {
    const contact = guestContact()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await post(new Agent(t.url), appealBody(council, { contact }))).status)
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(201))
    expect(statuses[10]).to.equal(429)
    const again = await post(
      new Agent(t.url),
      appealBody(council, { contact: { ...contact, email: contact.email.toUpperCase() } }),
    )
    expect(again.status).to.equal(429)
    expect(again.headers.get('retry-after')).to.match(/^\d+$/)
  })
})
