import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil } from '../appeals/fixtures.js'

/** Inputs an outside fuzzer found to answer 500: each must be the client's 4xx, localized, with a stable code. */
describe('malformed input is the client’s error, never a 500', () => {
  let t: TestServer
  let council: string
  let member: Agent
  before(async () => {
    t = await startTestServer()
    council = await createCouncil()
    member = await loginAs(t, { roles: ['council_member'], councilIds: [council] })
  })
  after(() => t?.close())

  const garbage = { 'content-type': 'multipart/form-data; boundary=abc' }

  it('should answer a broken multipart body with 400 upload.malformed on every upload route', async () => {
    const news = await member.post(`/api/v1/councils/${council}/news`, {
      title: { kk: 'Жаңалық' },
      body: { kk: '<p>Мәтін</p>' },
      status: 'draft',
    })
    expect(news.status).to.equal(201)
    const routes = [
      { agent: new Agent(t.url, { lng: 'ru' }), path: '/api/v1/appeals' },
      { agent: member, path: `/api/v1/councils/${council}/logo` },
      { agent: member, path: `/api/v1/councils/${council}/videos` },
      { agent: member, path: `/api/v1/news/${news.body.id}/cover` },
    ]
    for (const { agent, path } of routes) {
      const res = await agent.request('POST', path, { headers: garbage, body: 'garbage' })
      expect(res.status, path).to.equal(400)
      expect(res.headers.get('content-type'), path).to.match(/^application\/problem\+json/)
      expect(res.body.code, path).to.equal('upload.malformed')
    }
    const ru = await new Agent(t.url, { lng: 'ru' }).request('POST', '/api/v1/appeals', { headers: garbage, body: 'x' })
    expect(ru.body.title).to.equal('Загрузка повреждена')
  })

  it('should refuse a scheduled article with an unparsable publishAt (400, on create and on edit)', async () => {
    const bad = { title: { kk: 'Жоспар' }, body: { kk: '<p>x</p>' }, status: 'scheduled', publishAt: 'next tuesday' }
    const created = await member.post(`/api/v1/councils/${council}/news`, bad)
    expect(created.status).to.equal(400)
    expect(created.body.errors.map((e: { path: string }) => e.path)).to.include('body.publishAt')
    const draft = await member.post(`/api/v1/councils/${council}/news`, {
      ...bad,
      status: 'draft',
      publishAt: undefined,
    })
    expect(draft.status).to.equal(201)
    const edited = await member.patch(`/api/v1/news/${draft.body.id}`, { status: 'scheduled', publishAt: '2026-13-45' })
    expect(edited.status).to.equal(400)
    expect(edited.body.code).to.equal('validation.failed')
  })

  it('should refuse registration by a signed-in user with 409 auth.already_signed_in and keep the session', async () => {
    const citizen = await loginAs(t, { roles: ['citizen'] })
    const me = (await citizen.get('/api/v1/auth/me')).body.user
    const res = await citizen.post('/api/v1/auth/register', {
      email: `other-${Date.now()}@mail.test`,
      password: 'a-long-password-1',
      displayName: 'Other',
    })
    expect(res.status).to.equal(409)
    expect(res.body.code).to.equal('auth.already_signed_in')
    expect((await citizen.get('/api/v1/auth/me')).body.user.id).to.equal(me.id)
  })
})
