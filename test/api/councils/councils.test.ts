import { expect } from 'chai'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { Council } from '../../../server/modules/councils/council.model.js'
import { makeCouncil, regions } from './fixtures.js'

describe('councils API', () => {
  let t: TestServer
  let guest: Agent
  let admin: Agent
  let moderator: Agent
  let citizen: Agent
  let memberA: Agent
  let memberB: Agent
  let councilA: any
  let councilB: any
  let almaty: { id: string; code: string }
  let astana: { id: string; code: string }

  before(async () => {
    t = await startTestServer()
    guest = new Agent(t.url)
    admin = await loginAs(t, { roles: ['admin'] })
    moderator = await loginAs(t, { roles: ['moderator'] })
    citizen = await loginAs(t, { roles: ['citizen'] })
    const rs = await regions(guest)
    almaty = rs.find((r) => r.code === 'KZ-75')!
    astana = rs.find((r) => r.code === 'KZ-71')!
    councilA = await makeCouncil(moderator, {
      name: { kk: 'Алматы қаласының қоғамдық кеңесі', ru: 'Общественный совет города Алматы' },
      level: 'city',
      regionId: almaty.id,
      stateBody: { kk: 'Алматы қаласының әкімдігі', ru: 'Акимат города Алматы' },
      members: [{ fullName: { kk: 'Айгүл Серікқызы', ru: 'Айгуль Серикқызы' }, position: 'chair' }],
      contacts: { phone: '+7 727 000 00 00', email: 'almaty@kenes.example.kz' },
    })
    councilB = await makeCouncil(moderator, {
      level: 'city',
      regionId: astana.id,
      name: { ru: 'Общественный совет города Астаны' },
    })
    memberA = await loginAs(t, { roles: ['council_member'], councilIds: [councilA.id] })
    memberB = await loginAs(t, { roles: ['council_member'], councilIds: [councilB.id] })
  })
  after(() => t?.close())

  describe('POST /api/v1/councils', () => {
    const body = {
      name: { ru: 'Общественный совет при Министерстве финансов' },
      level: 'republican',
      stateBody: { ru: 'Министерство финансов' },
    }

    it('should create a council with a transliterated, unique slug for a moderator and an admin', async () => {
      const a = await moderator.post('/api/v1/councils', body)
      expect(a.status).to.equal(201)
      expect(a.body.slug).to.equal('obshchestvennyy-sovet-pri-ministerstve-finansov')
      expect(a.body).to.include({ level: 'republican', regionId: null, logoUrl: null })
      expect(a.body.stats).to.deep.equal({
        news: 0,
        videos: 0,
        appeals: { received: 0, answered: 0, overdue: 0 },
        medianResponseDays: null,
      })
      // The same name again (a double submit, or a real twin) needs a confirmation.
      const twin = await admin.post('/api/v1/councils', body)
      expect(twin.status).to.equal(409)
      expect(twin.body.code).to.equal('councils.duplicate_name')
      expect(
        (await moderator.get('/api/v1/councils?level=republican&limit=100')).body.items.filter((c: any) =>
          c.slug.startsWith('obshchestvennyy-sovet-pri-ministerstve-finansov'),
        ),
      ).to.have.length(1)
      const b = await admin.post('/api/v1/councils', { ...body, allowDuplicate: true })
      expect(b.status).to.equal(201)
      expect(b.body.slug).to.equal('obshchestvennyy-sovet-pri-ministerstve-finansov-2')
    })

    it('should transliterate Kazakh letters when there is no Russian name', async () => {
      const res = await moderator.post('/api/v1/councils', {
        name: { kk: 'Әділет Ғылым Қоғам Өңір Ұлттық Үкімет Һ Іскер' },
        level: 'republican',
        stateBody: { kk: 'Әділет министрлігі' },
      })
      expect(res.status).to.equal(201)
      expect(res.body.slug).to.equal('adilet-ghylym-qogham-ongir-ulttyq-ukimet-h-isker')
      expect(res.body.name).to.deep.equal({ kk: 'Әділет Ғылым Қоғам Өңір Ұлттық Үкімет Һ Іскер' })
    })

    it('should fail with 401 for a guest and 403 for a citizen and a council member', async () => {
      expect((await guest.post('/api/v1/councils', body)).status).to.equal(401)
      expect((await citizen.post('/api/v1/councils', body)).body.code).to.equal('auth.forbidden')
      expect((await memberA.post('/api/v1/councils', body)).status).to.equal(403)
    })

    it('should fail with 400 and localized messages in kk and ru', async () => {
      const bad = { name: { kk: '' }, level: 'galactic', stateBody: { ru: 'x' } }
      const kk = await moderator.request('POST', '/api/v1/councils', {
        json: bad,
        headers: { 'accept-language': 'kk' },
      })
      const ru = await moderator.request('POST', '/api/v1/councils', {
        json: bad,
        headers: { 'accept-language': 'ru' },
      })
      expect(kk.status).to.equal(400)
      expect(kk.headers.get('content-type')).to.match(/application\/problem\+json/)
      expect(kk.body.code).to.equal('validation.failed')
      expect(kk.headers.get('content-language')).to.equal('kk')
      expect(ru.headers.get('content-language')).to.equal('ru')
      expect(kk.body.title).to.not.equal(ru.body.title)
      const paths = kk.body.errors.map((e: any) => e.path)
      expect(paths).to.include('body.level')
      expect(kk.body.errors.map((e: any) => e.message).join(' ')).to.match(/[әғқңөұүһі]/)
      expect(ru.body.errors.map((e: any) => e.message).join(' ')).to.match(/[а-я]/)
    })

    it('should refuse a city council without a region and a republican one with a region, with specific messages', async () => {
      const res = await moderator.post(
        '/api/v1/councils',
        { ...body, level: 'city' },
        { headers: { 'accept-language': 'ru' } },
      )
      expect(res.status).to.equal(400)
      expect(res.body.errors[0]).to.include({
        path: 'body.regionId',
        code: 'region_required',
        message: 'Укажите регион для совета этого уровня',
      })
      const rep = await moderator.post('/api/v1/councils', { ...body, regionId: almaty.id })
      expect(rep.body.errors[0].code).to.equal('region_not_allowed')
      const unknown = await moderator.post('/api/v1/councils', { ...body, level: 'city', regionId: 'a'.repeat(24) })
      expect(unknown.status).to.equal(400)
      expect(unknown.body.errors[0].code).to.equal('region_unknown')
    })

    it('should reject unknown fields and operator objects', async () => {
      expect((await moderator.post('/api/v1/councils', { ...body, archivedAt: null })).status).to.equal(400)
      const inj = await moderator.post('/api/v1/councils', { ...body, name: { ru: { $gt: '' } } })
      expect(inj.status).to.equal(400)
      expect(
        (await moderator.post('/api/v1/councils', { ...body, contacts: { website: 'javascript:alert(1)' } })).body
          .errors[0].code,
      ).to.equal('invalid_url')
    })
  })

  describe('GET /api/v1/councils/:idOrSlug', () => {
    it('should show the members’ linked user ids only to those who may edit the council', async () => {
      const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilA.id] })
      const patched = await moderator.patch(`/api/v1/councils/${councilA.id}`, {
        members: [{ fullName: { kk: 'Айгүл Серікқызы' }, position: 'chair', userId: member.user!.id }],
      })
      expect(patched.status).to.equal(200)
      const pub = (await guest.get(`/api/v1/councils/${councilA.id}`)).body
      expect(pub.members[0]).to.not.have.property('userId')
      expect(JSON.stringify(pub)).to.not.include(member.user!.id)
      expect((await memberB.get(`/api/v1/councils/${councilA.id}`)).body.members[0]).to.not.have.property('userId')
      expect((await member.get(`/api/v1/councils/${councilA.id}`)).body.members[0].userId).to.equal(member.user!.id)
    })
    it('should return the profile by id and by slug with members, contacts and stats', async () => {
      const byId = await guest.get(`/api/v1/councils/${councilA.id}`)
      expect(byId.status).to.equal(200)
      const bySlug = await guest.get(`/api/v1/councils/${councilA.slug}`)
      expect(bySlug.body.id).to.equal(councilA.id)
      expect(byId.body.members[0]).to.include({ position: 'chair' })
      expect(byId.body.members[0].fullName.kk).to.equal('Айгүл Серікқызы')
      expect(byId.body.contacts).to.deep.equal({ phone: '+7 727 000 00 00', email: 'almaty@kenes.example.kz' })
      expect(byId.body.stats).to.have.keys('news', 'videos', 'appeals', 'medianResponseDays')
      expect(byId.body).to.not.have.property('_id')
    })

    it('should answer 404 for malformed ids, unknown slugs and traversal attempts', async () => {
      for (const ref of [
        '0123',
        'NOT_A_SLUG',
        'a'.repeat(24).replace(/a$/, 'b'),
        '..%2F..%2Fetc',
        'slug%00x',
        'no-such-council',
      ]) {
        const res = await guest.get(`/api/v1/councils/${ref}`)
        expect(res.status, ref).to.equal(404)
        expect(res.body.code).to.equal('not_found')
      }
    })
  })

  describe('PATCH /api/v1/councils/:id', () => {
    it('should let its own member edit the profile, members and contacts', async () => {
      const res = await memberA.patch(`/api/v1/councils/${councilA.id}`, {
        description: { kk: 'Кеңес туралы', ru: 'О совете' },
        members: [
          { fullName: { ru: 'Иванов Иван' }, position: 'secretary' },
          { fullName: { kk: 'Серік Бекұлы' }, position: 'chair' },
        ],
        contacts: { address: { ru: 'ул. Абая, 1' }, website: 'https://kenes.example.kz' },
      })
      expect(res.status).to.equal(200)
      expect(res.body.members.map((m: any) => m.position)).to.deep.equal(['secretary', 'chair'])
      expect(res.body.contacts).to.deep.equal({ address: { ru: 'ул. Абая, 1' }, website: 'https://kenes.example.kz' })
      expect(res.body.slug).to.equal(councilA.slug)
    })

    it('should fail with 403 when its member tries to change level or region', async () => {
      expect((await memberA.patch(`/api/v1/councils/${councilA.id}`, { level: 'district' })).status).to.equal(403)
      expect((await memberA.patch(`/api/v1/councils/${councilA.id}`, { regionId: astana.id })).status).to.equal(403)
      expect((await guest.get(`/api/v1/councils/${councilA.id}`)).body.level).to.equal('city')
    })

    it('should fail with 403 for a member of another council, a citizen; 401 for a guest', async () => {
      expect(
        (await memberB.patch(`/api/v1/councils/${councilA.id}`, { description: { ru: 'взлом' } })).status,
      ).to.equal(403)
      expect(
        (await citizen.patch(`/api/v1/councils/${councilA.id}`, { description: { ru: 'взлом' } })).status,
      ).to.equal(403)
      expect((await guest.patch(`/api/v1/councils/${councilA.id}`, { description: { ru: 'взлом' } })).status).to.equal(
        401,
      )
    })

    it('should let a moderator move a council and validate the body', async () => {
      const c = await makeCouncil(moderator)
      const moved = await moderator.patch(`/api/v1/councils/${c.id}`, { level: 'district', regionId: almaty.id })
      expect(moved.status).to.equal(200)
      expect(moved.body).to.include({ level: 'district', regionId: almaty.id })
      expect((await moderator.patch(`/api/v1/councils/${c.id}`, {})).status).to.equal(400)
      expect((await moderator.patch(`/api/v1/councils/${c.id}`, { slug: 'x' })).status).to.equal(400)
      expect((await moderator.patch('/api/v1/councils/not-an-id', { name: { ru: 'Совет' } })).status).to.equal(404)
      expect((await moderator.patch(`/api/v1/councils/${'f'.repeat(24)}`, { name: { ru: 'Совет' } })).status).to.equal(
        404,
      )
    })
  })

  describe('DELETE /api/v1/councils/:id', () => {
    it('should archive for an admin only: gone from profile and list, kept in the database', async () => {
      const c = await makeCouncil(moderator, { name: { ru: 'Архивируемый совет' } })
      expect((await moderator.delete(`/api/v1/councils/${c.id}`)).status).to.equal(403)
      expect((await memberA.delete(`/api/v1/councils/${c.id}`)).status).to.equal(403)
      expect((await guest.delete(`/api/v1/councils/${c.id}`)).status).to.equal(401)
      expect((await admin.delete(`/api/v1/councils/${c.id}`)).status).to.equal(204)
      expect((await guest.get(`/api/v1/councils/${c.slug}`)).status).to.equal(404)
      const list = await guest.get('/api/v1/councils?q=Архивируемый')
      expect(list.body.items).to.have.length(0)
      const doc = await Council.findById(c.id).lean()
      expect(doc?.archivedAt).to.be.instanceOf(Date)
      expect((await admin.delete(`/api/v1/councils/${c.id}`)).status).to.equal(404)
      expect((await admin.patch(`/api/v1/councils/${c.id}`, { name: { ru: 'Снова' } })).status).to.equal(404)
    })
  })

  describe('GET /api/v1/councils', () => {
    it('should filter by region id or code and by level', async () => {
      const byCode = await guest.get('/api/v1/councils?region=KZ-75')
      const byId = await guest.get(`/api/v1/councils?region=${almaty.id}`)
      expect(byCode.body.items.map((c: any) => c.id)).to.include(councilA.id)
      expect(byCode.body.items.every((c: any) => c.regionId === almaty.id)).to.equal(true)
      expect(byId.body.items.map((c: any) => c.id)).to.deep.equal(byCode.body.items.map((c: any) => c.id))
      const republican = await guest.get('/api/v1/councils?level=republican&limit=100')
      expect(republican.body.items.every((c: any) => c.level === 'republican' && c.regionId === null)).to.equal(true)
      expect((await guest.get('/api/v1/councils?region=KZ-99')).body.items).to.deep.equal([])
      expect((await guest.get('/api/v1/councils?level=planet')).status).to.equal(400)
      expect((await guest.get('/api/v1/councils?region=%7B%22%24gt%22%3A%22%22%7D')).status).to.equal(400)
      expect((await guest.get('/api/v1/councils?unknown=1')).status).to.equal(200)
    })

    it('should list councils of one level in Kazakh alphabet order (collation kk)', async () => {
      const words = ['Ұлытау', 'Әйтеке', 'Ғабит', 'Арал', 'Қазалы', 'Бурабай', 'Іле', 'Өскемен', 'Үржар', 'Гүлшат']
      for (const w of words)
        await makeCouncil(moderator, { level: 'district', regionId: astana.id, name: { kk: `${w} ауданының кеңесі` } })
      const res = await guest.get(`/api/v1/councils?region=${astana.id}&level=district&limit=100`)
      const got = res.body.items.map((c: any) => c.name.kk.split(' ')[0])
      expect(got).to.deep.equal([...words].sort(new Intl.Collator('kk').compare))
      expect(got.slice(0, 4)).to.deep.equal(['Арал', 'Әйтеке', 'Бурабай', 'Гүлшат'])
      expect(got.at(-1)).to.equal('Іле')
    })

    it('should find councils by inflected words in both languages', async () => {
      for (const q of ['Алматының', 'алматы кеңес', 'совета Алматы', 'советов', 'ӘКІМДІГІ']) {
        const res = await guest.get(`/api/v1/councils?q=${encodeURIComponent(q)}`)
        expect(res.status).to.equal(200)
        expect(
          res.body.items.map((c: any) => c.id),
          q,
        ).to.include(councilA.id)
      }
      const none = await guest.get(`/api/v1/councils?q=${encodeURIComponent('Шымкент')}`)
      expect(none.body.items.map((c: any) => c.id)).to.not.include(councilA.id)
    })

    it('should find a ministry council by the ordinary inflected Kazakh forms (voiced stems: -лік/-лігі, -лық/-лығы)', async () => {
      const ministry = await makeCouncil(moderator, {
        name: {
          kk: 'Денсаулық сақтау министрлігінің жанындағы қоғамдық кеңес',
          ru: 'Общественный совет при Министерстве здравоохранения',
        },
        level: 'republican',
        stateBody: { kk: 'Денсаулық сақтау министрлігі', ru: 'Министерство здравоохранения' },
      })
      for (const q of ['министрлік', 'денсаулығы', 'денсаулығын', 'министрлігі', 'денсаулық сақтау', 'министерства']) {
        const res = await guest.get(`/api/v1/councils?q=${encodeURIComponent(q)}`)
        expect(
          res.body.items.map((c: any) => c.id),
          q,
        ).to.include(ministry.id)
      }
    })

    it('should cap the page at 100 and walk every council once with nextCursor', async () => {
      for (let i = 0; i < 12; i++)
        await makeCouncil(moderator, {
          level: i % 2 ? 'district' : 'oblast',
          regionId: almaty.id,
          name: { ru: `Совет номер ${i}` },
        })
      const all = await guest.get('/api/v1/councils?limit=10000')
      expect(all.status).to.equal(200)
      expect(all.body.items.length).to.be.at.most(100)
      const total = await Council.countDocuments({ archivedAt: null })
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const res: any = await guest.get(`/api/v1/councils?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
        expect(res.status).to.equal(200)
        expect(res.body.items.length).to.be.at.most(7)
        seen.push(...res.body.items.map((c: any) => c.id))
        cursor = res.body.nextCursor
      } while (cursor)
      expect(seen).to.have.length(total)
      expect(new Set(seen).size).to.equal(total)
      // republican first, then oblast, city, district
      const levels = (await guest.get('/api/v1/councils?limit=100')).body.items.map((c: any) => c.level)
      const rank = { republican: 0, oblast: 1, city: 2, district: 3 } as Record<string, number>
      expect(levels.map((l: string) => rank[l])).to.deep.equal(
        [...levels.map((l: string) => rank[l])].sort((a, b) => a - b),
      )
      expect((await guest.get('/api/v1/councils?cursor=garbage!')).status).to.equal(400)
      const searchPages: string[] = []
      let c2: string | null = null
      do {
        const res: any = await guest.get(`/api/v1/councils?q=совет&limit=5${c2 ? `&cursor=${c2}` : ''}`)
        searchPages.push(...res.body.items.map((c: any) => c.id))
        c2 = res.body.nextCursor
      } while (c2)
      expect(new Set(searchPages).size).to.equal(searchPages.length)
      expect(searchPages.length).to.be.greaterThan(12)
    })
  })

  describe('public cache', () => {
    it('should answer a repeated anonymous GET from the cache with an ETag and 304', async () => {
      const url = `/api/v1/councils/${councilB.id}`
      await guest.get(url)
      const second = await guest.get(url)
      expect(second.headers.get('x-cache')).to.equal('HIT')
      expect(second.headers.get('content-language')).to.equal('kk')
      const etag = second.headers.get('etag')!
      expect(etag).to.be.a('string')
      const nm = await guest.get(url, { headers: { 'if-none-match': etag } })
      expect(nm.status).to.equal(304)
      const ru = await guest.get(url, { headers: { 'accept-language': 'ru' } })
      expect(ru.headers.get('content-language')).to.equal('ru')
    })

    it('should show a PATCH in the very next GET of the profile and the list', async () => {
      const url = `/api/v1/councils/${councilB.id}`
      await guest.get(url)
      await guest.get('/api/v1/councils?region=KZ-71')
      const res = await memberB.patch(`/api/v1/councils/${councilB.id}`, {
        name: { ru: 'Переименованный совет Астаны' },
      })
      expect(res.status).to.equal(200)
      expect((await guest.get(url)).body.name.ru).to.equal('Переименованный совет Астаны')
      const list = await guest.get('/api/v1/councils?region=KZ-71')
      expect(list.body.items.find((c: any) => c.id === councilB.id).name.ru).to.equal('Переименованный совет Астаны')
    })

    it('should never serve a signed-in request from the cache', async () => {
      await guest.get('/api/v1/councils?level=city')
      const res = await memberA.get('/api/v1/councils?level=city')
      expect(res.headers.get('x-cache')).to.not.equal('HIT')
    })
  })
})
