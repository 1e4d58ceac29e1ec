import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'

describe('core: problem+json errors and language negotiation', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should answer an unknown API route with 404 not_found as problem+json', async () => {
    const res = await new Agent(t.url).get('/api/v1/no-such-thing')
    expect(res.status).to.equal(404)
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/)
    expect(res.body).to.include({ status: 404, code: 'not_found', type: 'https://kenes.kz/problems/not_found' })
    expect(res.body.title).to.equal('Табылмады')
    expect(res.body.detail).to.be.a('string')
    const post = await new Agent(t.url).post('/api/v2/anything', {})
    expect(post.status).to.equal(404)
  })

  it('should default to Kazakh and say so in Content-Language', async () => {
    const res = await new Agent(t.url).get('/api/v1/auth/me')
    expect(res.headers.get('content-language')).to.equal('kk')
    expect(res.body.title).to.equal('Кіру қажет')
  })

  it('should take ?lng= first, then the lng cookie, then Accept-Language', async () => {
    const a = new Agent(t.url)
    const q = await a.get('/api/v1/auth/me?lng=ru', { headers: { 'accept-language': 'kk', cookie: 'lng=kk' } })
    expect(q.headers.get('content-language')).to.equal('ru')
    expect(q.body.title).to.equal('Требуется вход')
    const cookie = await a.get('/api/v1/auth/me', { headers: { 'accept-language': 'kk', cookie: 'lng=ru' } })
    expect(cookie.headers.get('content-language')).to.equal('ru')
    const header = await a.get('/api/v1/auth/me', { headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } })
    expect(header.headers.get('content-language')).to.equal('ru')
    expect(header.body.detail).to.equal('Войдите в систему, чтобы выполнить это действие.')
    const unknown = await a.get('/api/v1/auth/me?lng=en', { headers: { 'accept-language': 'en' } })
    expect(unknown.headers.get('content-language')).to.equal('kk')
  })

  it('should localize validation messages per field in both languages', async () => {
    const body = { email: 'bad', password: 'x', displayName: 'A', extra: 1 }
    const kk = await new Agent(t.url, { lng: 'kk' }).post('/api/v1/auth/register', body)
    const ru = await new Agent(t.url, { lng: 'ru' }).post('/api/v1/auth/register', body)
    expect(kk.status).to.equal(400)
    expect(kk.body.title).to.equal('Деректер қате')
    expect(ru.body.title).to.equal('Ошибка в данных')
    const find = (res: any, path: string) => res.body.errors.find((e: any) => e.path === path)
    expect(find(kk, 'body.email').message).to.equal('Электрондық пошта мекенжайы қате')
    expect(find(ru, 'body.email').message).to.equal('Неверный адрес электронной почты')
    expect(find(ru, 'body.password').message).to.include('10')
    expect(find(ru, 'body').message).to.include('extra')
  })

  it('should localize domain errors (users namespace) too', async () => {
    const { loginAs } = await import('../../helpers/users.js')
    const admin = await loginAs(t, { roles: ['admin'], locale: 'ru' })
    const res = await admin.patch(`/api/v1/users/${admin.user!.id}?lng=ru`, { roles: ['citizen'] })
    expect(res.body.code).to.equal('users.cannot_demote_self')
    expect(res.body.detail).to.equal('Нельзя снять роль администратора с самого себя.')
  })

  it('should send helmet headers and a request id', async () => {
    const res = await new Agent(t.url).get('/api/v1/regions')
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff')
    expect(res.headers.get('content-security-policy')).to.be.a('string')
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('x-powered-by')).to.equal(null)
  })

  it('should answer undecodable paths and bodies with 4xx problem+json, never 500', async () => {
    const a = new Agent(t.url, { lng: 'ru' })
    // A path parameter that is not valid percent-encoding names nothing: 404, like a bad id.
    for (const res of [await a.get('/api/v1/appeals/%E0%A4%A'), await a.get('/api/v1/chat/rooms/%ff')]) {
      expect(res.status).to.equal(404)
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/)
      expect(res.body.code).to.equal('not_found')
      expect(res.body.title).to.equal('Не найдено')
    }
    // A body that claims gzip but is not: the body is malformed (400), not a server error.
    const gz = await a.request('POST', '/api/v1/auth/login', {
      body: '{"email":"a@b.kz"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    })
    expect(gz.status).to.equal(400)
    expect(gz.body.code).to.equal('validation.failed')
    expect(gz.body.errors[0]).to.include({ path: 'body', code: 'invalid_format' })
    // Too many multipart fields: the error names the body, not an empty field ("body.").
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x']))
    const many = await a.upload('/api/v1/appeals', { fields, files: [] })
    expect(many.status).to.equal(400)
    expect(many.body.code).to.equal('validation.failed')
    expect(many.body.errors.map((e: any) => e.path)).to.deep.equal(['body'])
  })

  it('should refuse oversized JSON bodies with 413 problem+json', async () => {
    const res = await new Agent(t.url).post('/api/v1/auth/login', {
      email: 'a@b.kz',
      password: 'x'.repeat(2 * 1024 * 1024),
    })
    expect(res.status).to.equal(413)
    expect(res.body.code).to.equal('payload.too_large')
  })
})
