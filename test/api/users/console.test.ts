import { expect } from 'chai'
import { AuditLog } from '../../../server/core/audit.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

/** The parsed rows of a CSV answer (CRLF rows, RFC 4180 quoting; the decoder already dropped the BOM). */
function rows(text: string): string[][] {
  expect(text).to.match(/\r\n$/)
  const out: string[][] = []
  for (const line of text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)) {
    const cells: string[] = []
    let cur = ''
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') ((cur += '"'), i++)
        else if (ch === '"') quoted = false
        else cur += ch
      } else if (ch === '"') quoted = true
      else if (ch === ',') (cells.push(cur), (cur = ''))
      else cur += ch
    }
    cells.push(cur)
    out.push(cells)
  }
  return out
}

describe('users: the admin console (search, CSV, audit filters)', () => {
  let t: TestServer
  let admin: Agent
  let council: string
  before(async () => {
    t = await startTestServer()
    admin = await loginAs(t, { roles: ['admin'], displayName: 'Бас әкімші' })
    const res = await admin.post('/api/v1/councils', {
      name: { kk: 'Маңғыстау кеңесі', ru: 'Совет Мангистау' },
      level: 'republican',
      stateBody: { kk: 'Министрлік', ru: 'Министерство' },
    })
    council = res.body.id
  })
  after(() => t?.close())

  describe('GET /api/v1/users?q=', () => {
    it('should match the e-mail or the name, case-insensitively, and treat the query as text, not a pattern', async () => {
      await createUser(t, { displayName: 'Гүлнар Әбенова', email: 'gulnar.ab@example.kz' })
      await createUser(t, { displayName: 'Gxlnar Other', email: 'gxlnar@example.kz' })
      const byName = await admin.get(`/api/v1/users?q=${encodeURIComponent('гҮлНАР')}`)
      expect(byName.body.items.map((u: any) => u.email)).to.deep.equal(['gulnar.ab@example.kz'])
      const byMail = await admin.get('/api/v1/users?q=GULNAR.AB@')
      expect(byMail.body.items.map((u: any) => u.displayName)).to.deep.equal(['Гүлнар Әбенова'])
      // "." is a dot, not "any character": "gxlnar" is not found by "g.lnar"
      expect((await admin.get('/api/v1/users?q=g.lnar')).body.items).to.deep.equal([])
      for (const q of ['(', '[a-', '.*', '\\', '$where', '^g']) {
        const res = await admin.get(`/api/v1/users?q=${encodeURIComponent(q)}`)
        expect(res.status, q).to.equal(200)
        expect(res.body.items, q).to.deep.equal([])
      }
    })
  })

  describe('GET /api/v1/users.csv', () => {
    it('should be for admins only', async () => {
      expect((await new Agent(t.url).get('/api/v1/users.csv')).status).to.equal(401)
      const mod = await loginAs(t, { roles: ['moderator'] })
      expect((await mod.get('/api/v1/users.csv')).status).to.equal(403)
    })

    it('should export the filtered users with localized roles and council names, formulas defused', async () => {
      await createUser(t, {
        displayName: '=HYPERLINK("http://evil")',
        email: 'csv-member@example.kz',
        roles: ['council_member'],
        councilIds: [council],
      })
      await createUser(t, { displayName: 'Басқа адам', email: 'csv-other@example.kz' })
      const res = await admin.get('/api/v1/users.csv?q=csv-member&lng=ru')
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/)
      expect(res.headers.get('content-disposition')).to.contain('attachment')
      const [head, ...data] = rows(res.text)
      expect(head).to.deep.equal([
        'Имя',
        'Электронная почта',
        'Роли',
        'Советы',
        'Отключён',
        'Дата регистрации',
        'Последняя активность',
      ])
      expect(data).to.have.length(1)
      expect(data[0].slice(0, 5)).to.deep.equal([
        `'=HYPERLINK("http://evil")`,
        'csv-member@example.kz',
        'Член совета',
        'Совет Мангистау',
        'нет',
      ])
      // The bytes start with the UTF-8 BOM (Excel reads Cyrillic right only then).
      const raw = await fetch(`${t.url}/api/v1/users.csv?q=csv-member`, { headers: { cookie: admin.cookieHeader() } })
      expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf])
      const kk = rows((await admin.get('/api/v1/users.csv?role=council_member&lng=kk')).text)
      expect(kk[0][0]).to.equal('Аты-жөні')
      expect(kk.slice(1).every((r) => r[2].includes('Кеңес мүшесі'))).to.equal(true)
      expect((await admin.get('/api/v1/users.csv?role=king')).status).to.equal(400)
    })
  })

  describe('GET /api/v1/audit (filters) and /audit.csv', () => {
    it('should filter by a date range and name each actor', async () => {
      const target = { kind: 'test_object', id: 'range-1' }
      await AuditLog.create([
        { actorId: admin.user!.id, action: 'test.range', target, at: new Date('2026-03-01T10:00:00Z') },
        { actorId: admin.user!.id, action: 'test.range', target, at: new Date('2026-03-02T10:00:00Z') },
        { actorId: null, action: 'test.range', target, at: new Date('2026-03-03T10:00:00Z') },
      ])
      const list = async (qs: string) => (await admin.get(`/api/v1/audit?targetKind=test_object&${qs}`)).body.items
      const inRange = await list('from=2026-03-02T00:00:00Z&to=2026-03-03T10:00:00Z')
      expect(inRange.map((e: any) => e.at)).to.deep.equal(['2026-03-02T10:00:00.000Z'])
      expect(inRange[0]).to.include({ actorName: 'Бас әкімші', actorEmail: admin.user!.email })
      const fromOnly = await list('from=2026-03-02T10:00:00%2B00:00')
      expect(fromOnly.map((e: any) => e.at)).to.deep.equal(['2026-03-03T10:00:00.000Z', '2026-03-02T10:00:00.000Z'])
      expect(fromOnly[0]).to.include({ actorId: null, actorName: null })
      expect(await list('to=2026-03-01T10:00:00Z')).to.deep.equal([])
      // paging keeps the range
      const p1 = await admin.get('/api/v1/audit?targetId=range-1&from=2026-03-01T00:00:00Z&limit=2')
      expect(p1.body.items).to.have.length(2)
      const p2 = await admin.get(
        `/api/v1/audit?targetId=range-1&from=2026-03-01T00:00:00Z&limit=2&cursor=${p1.body.nextCursor}`,
      )
      expect(p2.body.items.map((e: any) => e.at)).to.deep.equal(['2026-03-01T10:00:00.000Z'])
      expect(p2.body.nextCursor).to.equal(null)
    })

    it('should refuse a bad date, an inverted range and unknown filters with 400', async () => {
      for (const qs of [
        'from=yesterday',
        'to=2026-13-01T00:00:00Z',
        'from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
      ])
        expect((await admin.get(`/api/v1/audit?${qs}`)).status, qs).to.equal(400)
      expect((await admin.get('/api/v1/audit.csv?from=nope')).status).to.equal(400)
    })

    it('should export the filtered entries as CSV, for admins only', async () => {
      expect((await new Agent(t.url).get('/api/v1/audit.csv')).status).to.equal(401)
      expect((await (await loginAs(t, { roles: ['moderator'] })).get('/api/v1/audit.csv')).status).to.equal(403)
      const res = await admin.get('/api/v1/audit.csv?targetId=range-1&from=2026-03-02T00:00:00Z&lng=kk')
      expect(res.status).to.equal(200)
      const [head, ...data] = rows(res.text)
      expect(head[0]).to.equal('Уақыты')
      expect(data.map((r) => [r[0], r[1], r[3], r[4], r[5]])).to.deep.equal([
        ['2026-03-03T10:00:00.000Z', 'жүйе', 'test.range', 'test_object', 'range-1'],
        ['2026-03-02T10:00:00.000Z', 'Бас әкімші', 'test.range', 'test_object', 'range-1'],
      ])
    })
  })
})
