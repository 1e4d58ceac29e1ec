import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

/** A field's error says what the field needs, in the person's language, not a bare "at least 1". */
describe('validation messages say what a field needs', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  const errorAt = (body: { errors?: { path: string; code: string; message: string }[] }, path: string) => {
    const found = body.errors?.filter((e) => e.path === path) ?? []
    expect(found, `errors at ${path}: ${JSON.stringify(body.errors)}`).to.have.length(1)
    return found[0]!
  }

  it('should name the character count for a short text, with the Russian plural', async () => {
    for (const [lng, expected] of [
      ['kk', 'Кемінде 10 таңба енгізіңіз'],
      ['ru', 'Введите не меньше 10 символов'],
    ] as const) {
      const res = await new Agent(t.url, { lng }).post('/api/v1/auth/register', {
        email: `short-${lng}@example.kz`,
        password: 'short',
        displayName: 'Әлия',
      })
      expect(res.status).to.equal(400)
      expect(errorAt(res.body, 'body.password')).to.deep.include({ code: 'too_small', message: expected })
    }
  })

  it('should give one error with the strictest limit for an empty field whose limits are chained', async () => {
    for (const [lng, text, subject] of [
      ['kk', 'Толтырыңыз: кемінде 10 таңба', 'Кемінде 3 таңба енгізіңіз'],
      ['ru', 'Заполните поле: не меньше 10 символов', 'Введите не меньше 3 символов'],
    ] as const) {
      const res = await new Agent(t.url, { lng }).post('/api/v1/appeals', {
        councilId: '0123456789abcdef01234567',
        category: 'question',
        subject: 'ab',
        text: '   ',
        contact: { name: 'Әлия Нұрланқызы', email: 'aliya@example.kz' },
      })
      expect(res.status).to.equal(400)
      expect(errorAt(res.body, 'body.text')).to.deep.include({ code: 'too_small', message: text })
      expect(errorAt(res.body, 'body.subject')).to.deep.include({ code: 'too_small', message: subject })
    }
  })

  it('should say "not less than" for numbers and "choose at least" for lists', async () => {
    const kk = await new Agent(t.url, { lng: 'kk' }).get('/api/v1/news?limit=0')
    expect(kk.status).to.equal(400)
    expect(errorAt(kk.body, 'query.limit').message).to.equal('Мән 1 санынан кем болмауы керек')
    const ru = await new Agent(t.url, { lng: 'ru' }).get('/api/v1/news?limit=0')
    expect(errorAt(ru.body, 'query.limit').message).to.equal('Значение должно быть не меньше 1')

    const admin = await loginAs(t, { roles: ['admin'], locale: 'ru' })
    const someone = await createUser(t, { email: 'someone@example.kz' })
    const res = await admin.patch(
      `/api/v1/users/${someone.id}`,
      { roles: [] },
      { headers: { 'accept-language': 'ru' } },
    )
    expect(res.status).to.equal(400)
    expect(errorAt(res.body, 'body.roles')).to.deep.include({
      code: 'too_small',
      message: 'Выберите не меньше 1 элемента',
    })
  })
})
