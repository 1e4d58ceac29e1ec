import fs from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { linkFrom, waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { appealBody, createCouncil, guestContact } from '../appeals/fixtures.js'

/** Whoever reads the logs must not be able to open a guest's appeal: secrets never reach a log line. */
describe('logs: secrets are redacted', () => {
  let t: TestServer
  let logFile: string
  before(async () => {
    logFile = path.join(await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kenes-log-')), 'kenes.log')
    t = await startTestServer({ LOG_LEVEL: 'info', LOG_FILE: logFile })
  })
  after(() => t?.close())

  it('should log the requests of a whole guest appeal flow without its access code or confirmation token', async () => {
    const council = await createCouncil()
    const guest = new Agent(t.url, { lng: 'ru' })
    const contact = guestContact()
    const created = (await guest.post('/api/v1/appeals', { ...appealBody(council), contact })).body
    expect(created.accessCode).to.be.a('string')
    const mail = await waitForMail(t, { to: contact.email, template: 'appeals:email.confirm' })
    const token = linkFrom(mail, '/appeals/confirm').searchParams.get('token')!
    // The link as a browser follows it (the web page), then the page's API call.
    await guest.get(`/appeals/confirm?token=${encodeURIComponent(token)}`)
    expect((await guest.post('/api/v1/appeals/confirm', { token })).status).to.equal(200)
    const code = encodeURIComponent(created.accessCode)
    const num = encodeURIComponent(created.trackingNumber)
    expect((await guest.get(`/api/v1/appeals/track?number=${num}&code=${code}`)).status).to.equal(200)
    expect((await guest.get(`/api/v1/appeals/${created.id}?code=${code}`)).status).to.equal(200)
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [council] })
    expect((await member.post(`/api/v1/appeals/${created.id}/replies`, { text: 'Жауап / Ответ' })).status).to.equal(201)
    expect(
      (await guest.post(`/api/v1/appeals/${created.id}/replies?code=${code}`, { text: 'Рахмет' })).status,
    ).to.equal(201)
    expect((await guest.post(`/api/v1/appeals/${created.id}/rating?code=${code}`, { score: 5 })).status).to.equal(201)

    const logged = await fs.readFile(logFile, 'utf8')
    const lines = logged.split('\n').filter(Boolean)
    expect(lines.length, 'request lines were written').to.be.greaterThan(8)
    expect(logged).to.include('[REDACTED]')
    expect(logged).not.to.include(created.accessCode)
    expect(logged).not.to.include(token)
    expect(logged).not.to.include(contact.email)
    expect(logged.toLowerCase()).not.to.include('kenes.sid=')
    expect(logged.toLowerCase()).not.to.include('x-csrf-token')
  })
})
