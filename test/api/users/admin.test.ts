import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import type { Role } from '../../../shared/permissions.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { createUser, loginAs } from '../../helpers/users.js'

const OTHER_COUNCIL = 'cccccccccccccccccccccccc'

/** A real council (through the councils API), so role changes can name it. */
async function createCouncil(admin: Agent): Promise<string> {
  const res = await admin.post('/api/v1/councils', {
    name: { kk: 'Сынақ қоғамдық кеңесі', ru: 'Тестовый общественный совет' },
    level: 'republican',
    stateBody: { kk: 'Сынақ министрлігі', ru: 'Тестовое министерство' },
  })
  if (res.status !== 201) throw new Error(`POST /councils: ${res.status} ${res.text}`)
  return res.body.id
}

describe('users: administration', () => {
  let t: TestServer
  let admin: Agent
  let COUNCIL: string
  before(async () => {
    t = await startTestServer()
    admin = await loginAs(t, { roles: ['admin'], displayName: 'Chief Admin' })
    COUNCIL = await createCouncil(admin)
  })
  after(async () => {
    await t?.close()
  })

  describe('GET /api/v1/users', () => {
    it('should fail with 401 for a guest', async () => {
      const res = await new Agent(t.url).get('/api/v1/users')
      expect(res.status).to.equal(401)
      expect(res.body.code).to.equal('auth.required')
    })
    for (const role of ['citizen', 'council_member', 'moderator'] as Role[]) {
      it(`should fail with 403 for a ${role}`, async () => {
        const a = await loginAs(t, { roles: [role], councilIds: [COUNCIL] })
        const res = await a.get('/api/v1/users')
        expect(res.status).to.equal(403)
        expect(res.body.code).to.equal('auth.forbidden')
      })
    }

    it('should list users newest first with cursor pagination, without secrets', async () => {
      for (let i = 0; i < 3; i++) await createUser(t, { displayName: `Paged ${i}`, email: `paged-${i}@example.kz` })
      const first = await admin.get('/api/v1/users?q=paged-&limit=2')
      expect(first.status).to.equal(200)
      expect(first.body.items.map((u: any) => u.email)).to.deep.equal(['paged-2@example.kz', 'paged-1@example.kz'])
      expect(first.body.nextCursor).to.be.a('string')
      expect(first.body.items[0]).to.include.keys('disabled', 'lastActiveAt', 'roles')
      expect(first.body.items[0]).not.to.have.any.keys('passwordHash', '_id', 'lockedUntil')
      const second = await admin.get(`/api/v1/users?q=paged-&limit=2&cursor=${first.body.nextCursor}`)
      expect(second.body.items.map((u: any) => u.email)).to.deep.equal(['paged-0@example.kz'])
      expect(second.body.nextCursor).to.equal(null)
    })

    it('should filter by role and search names case-insensitively', async () => {
      await createUser(t, { roles: ['moderator'], displayName: 'Модератор Сәуле' })
      const mods = await admin.get('/api/v1/users?role=moderator&limit=100')
      expect(mods.body.items.length).to.be.at.least(1)
      expect(mods.body.items.every((u: any) => u.roles.includes('moderator'))).to.equal(true)
      const byName = await admin.get(`/api/v1/users?q=${encodeURIComponent('сәуле')}`)
      expect(byName.body.items.map((u: any) => u.displayName)).to.include('Модератор Сәуле')
    })

    it('should fail with 400 for an unknown role or a bad cursor', async () => {
      expect((await admin.get('/api/v1/users?role=king')).status).to.equal(400)
      expect((await admin.get('/api/v1/users?cursor=zzz')).status).to.equal(400)
    })
  })

  describe('PATCH /api/v1/users/:id', () => {
    it('should fail with 401 for a guest and 403 for everyone but an admin', async () => {
      const { id } = await createUser(t)
      expect((await new Agent(t.url).patch(`/api/v1/users/${id}`, { roles: ['admin'] })).status).to.equal(401)
      for (const role of ['citizen', 'council_member', 'moderator'] as Role[]) {
        const a = await loginAs(t, { roles: [role], councilIds: [COUNCIL] })
        const res = await a.patch(`/api/v1/users/${id}`, { roles: ['admin'] })
        expect(res.status, role).to.equal(403)
        const self = await a.patch(`/api/v1/users/${a.user!.id}`, { roles: ['admin'] })
        expect(self.status, `${role} promoting self`).to.equal(403)
      }
    })

    it('should change roles and councils, and audit-log each change', async () => {
      const { id } = await createUser(t)
      const res = await admin.patch(`/api/v1/users/${id}`, { roles: ['council_member'], councilIds: [COUNCIL] })
      expect(res.status).to.equal(200)
      expect(res.body.user).to.include({ id })
      expect(res.body.user.roles).to.deep.equal(['council_member'])
      expect(res.body.user.councilIds).to.deep.equal([COUNCIL])
      const entries = await listAudit({ targetId: id })
      const roles = entries.find((e) => e.action === 'user.roles_changed')!
      expect(roles.actorId).to.equal(admin.user!.id)
      expect(roles.details).to.deep.equal({ from: ['citizen'], to: ['council_member'] })
      expect(entries.map((e) => e.action)).to.include('user.councils_changed')
    })

    it('should let the council member lookup find the new member', async () => {
      const { findCouncilMembers } = await import('../../../server/modules/users/users.service.js')
      const { id } = await createUser(t, { roles: ['council_member'], councilIds: [COUNCIL] })
      const members = await findCouncilMembers(COUNCIL)
      expect(members.map((m) => m.id)).to.include(id)
      expect(members[0]).to.have.keys('id', 'email', 'displayName', 'locale')
    })

    it('should refuse to let an admin remove their own admin role or disable themselves (409)', async () => {
      const demote = await admin.patch(`/api/v1/users/${admin.user!.id}`, { roles: ['citizen'] })
      expect(demote.status).to.equal(409)
      expect(demote.body.code).to.equal('users.cannot_demote_self')
      expect(demote.body.title).to.be.a('string').and.not.equal('')
      const disable = await admin.patch(`/api/v1/users/${admin.user!.id}`, { disabled: true })
      expect(disable.status).to.equal(409)
      expect((await admin.get('/api/v1/auth/me')).body.user.roles).to.include('admin')
    })

    it('should let an admin demote another admin', async () => {
      const other = await createUser(t, { roles: ['admin'] })
      const res = await admin.patch(`/api/v1/users/${other.id}`, { roles: ['citizen'] })
      expect(res.status).to.equal(200)
      expect(res.body.user.roles).to.deep.equal(['citizen'])
    })

    it('should fail with 400 for bad values or unknown fields, 404 for an unknown or malformed id', async () => {
      const { id } = await createUser(t)
      for (const body of [
        { roles: ['emperor'] },
        { roles: [] },
        { councilIds: ['nope'] },
        { disabled: 'yes' },
        { email: 'x@y.kz' },
        { passwordHash: 'x' },
      ]) {
        const res = await admin.patch(`/api/v1/users/${id}`, body)
        expect(res.status, JSON.stringify(body)).to.equal(400)
        expect(res.body.code).to.equal('validation.failed')
      }
      const unknown = await admin.patch(`/api/v1/users/${id}?lng=ru`, { councilIds: [COUNCIL, OTHER_COUNCIL] })
      expect(unknown.status).to.equal(400)
      expect(unknown.body.errors).to.deep.equal([
        { path: 'body.councilIds.1', code: 'unknown_council', message: 'Такого совета нет' },
      ])
      expect((await admin.patch('/api/v1/users/0123456789abcdef01234567', { disabled: true })).status).to.equal(404)
      expect((await admin.patch('/api/v1/users/not-an-id', { disabled: true })).status).to.equal(404)
    })
  })
})

describe('users: the first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ ADMIN_EMAIL: 'Root@Kenes.kz', ADMIN_PASSWORD: 'first-admin-password' })
  })
  after(async () => {
    await t?.close()
  })

  it('should create the admin at start-up, verified, able to sign in', async () => {
    const a = new Agent(t.url)
    const res = await a.post('/api/v1/auth/login', { email: 'root@kenes.kz', password: 'first-admin-password' })
    expect(res.status).to.equal(200)
    expect(res.body.user.roles).to.deep.equal(['admin'])
    expect(res.body.user.emailVerified).to.equal(true)
    // Named in the portal's default language, not in English.
    expect(res.body.user.displayName).to.equal('Портал әкімшісі')
    expect((await a.get('/api/v1/users')).status).to.equal(200)
  })

  it('should not create it twice', async () => {
    const { ensureAdmin } = await import('../../../server/modules/users/users.service.js')
    await ensureAdmin('root@kenes.kz', 'another-password-x')
    const admin = new Agent(t.url)
    await admin.post('/api/v1/auth/login', { email: 'root@kenes.kz', password: 'first-admin-password' })
    const list = await admin.get('/api/v1/users?q=root@kenes.kz')
    expect(list.body.items).to.have.length(1)
  })
})

describe('users: GET /api/v1/audit', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(async () => {
    await t?.close()
  })

  it('should fail with 401 for a guest and 403 for everyone but an admin', async () => {
    expect((await new Agent(t.url).get('/api/v1/audit')).status).to.equal(401)
    for (const role of ['citizen', 'council_member', 'moderator'] as Role[]) {
      expect(
        (await (await loginAs(t, { roles: [role], councilIds: [OTHER_COUNCIL] })).get('/api/v1/audit')).status,
        role,
      ).to.equal(403)
    }
  })

  it('should page through entries newest first and filter them', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const { id } = await createUser(t)
    await admin.patch(`/api/v1/users/${id}`, { roles: ['moderator'] })
    await admin.patch(`/api/v1/users/${id}`, { disabled: true })
    await admin.patch(`/api/v1/users/${id}`, { disabled: false })
    const first = await admin.get(`/api/v1/audit?targetId=${id}&limit=2`)
    expect(first.status).to.equal(200)
    expect(first.body.items.map((e: any) => e.action)).to.deep.equal(['user.enabled', 'user.disabled'])
    expect(first.body.items[0]).to.include({ actorId: admin.user!.id })
    const second = await admin.get(`/api/v1/audit?targetId=${id}&limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.items.map((e: any) => e.action)).to.deep.equal(['user.roles_changed'])
    expect(second.body.nextCursor).to.equal(null)
    const byAction = await admin.get(`/api/v1/audit?action=user.roles_changed&actorId=${admin.user!.id}`)
    expect(byAction.body.items).to.have.length(1)
    expect((await admin.get('/api/v1/audit?actorId=nope')).status).to.equal(400)
  })
})
