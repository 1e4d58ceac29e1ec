import { expect } from 'chai'
import { listAudit } from '../../../server/core/audit.js'
import { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, eventBody, publishedEvent } from './fixtures.js'

describe('events: who may do what', () => {
  let t: TestServer
  let a: { id: string; regionId: string | null }
  let b: { id: string; regionId: string | null }
  let other: { id: string; regionId: string | null }
  let memberA: Agent, memberOther: Agent, citizen: Agent, moderator: Agent, guest: Agent

  before(async () => {
    t = await startTestServer()
    ;[a, b, other] = await Promise.all([createCouncil(0), createCouncil(1), createCouncil(2)])
    ;[memberA, memberOther, citizen, moderator] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [a.id] }),
      loginAs(t, { roles: ['council_member'], councilIds: [other.id] }),
      loginAs(t, { roles: ['citizen'] }),
      loginAs(t, { roles: ['moderator'] }),
    ])
    guest = new Agent(t.url)
  })
  after(() => t?.close())

  describe('POST /events', () => {
    it('should fail with 401 for a guest and 403 for a citizen', async () => {
      expect((await guest.post('/api/v1/events', eventBody([a.id], a.regionId!))).status).to.equal(401)
      const res = await citizen.post('/api/v1/events', eventBody([a.id], a.regionId!))
      expect(res.status).to.equal(403)
      expect(res.body.code).to.equal('auth.forbidden')
    })
    it('should let a member create a dialogue of their own council, as a draft', async () => {
      const res = await memberA.post('/api/v1/events', eventBody([a.id, b.id], a.regionId!))
      expect(res.status).to.equal(201)
      expect(res.body.status).to.equal('draft')
      expect(res.body.organizerCouncils.map((c: { id: string }) => c.id)).to.have.members([a.id, b.id])
    })
    it('should refuse a member an event of councils they do not sit on, and a forum', async () => {
      expect((await memberA.post('/api/v1/events', eventBody([other.id], a.regionId!))).status).to.equal(403)
      expect((await memberA.post('/api/v1/events', eventBody([a.id], a.regionId!, { kind: 'forum' }))).status).to.equal(
        403,
      )
      expect(
        (await moderator.post('/api/v1/events', eventBody([a.id], a.regionId!, { kind: 'forum' }))).status,
      ).to.equal(201)
    })
    it('should fail with 400 and name the fields for a bad body', async () => {
      const res = await memberA.post(
        '/api/v1/events',
        eventBody([a.id], a.regionId!, {
          endsAt: new Date(Date.now()).toISOString(),
          capacity: 0,
          extra: 1,
          venue: undefined,
        }),
      )
      expect(res.status).to.equal(400)
      expect(res.body.code).to.equal('validation.failed')
      const paths = res.body.errors.map((e: { path: string }) => e.path)
      expect(paths).to.include.members(['body.capacity'])
      const ok = await memberA.post(
        '/api/v1/events',
        eventBody([a.id], a.regionId!, { endsAt: new Date(Date.now() + 3600_000).toISOString(), venue: undefined }),
      )
      expect(ok.status).to.equal(400)
      expect(ok.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`)).to.include.members([
        'body.endsAt:ends_before_start',
        'body.venue:required',
      ])
      const injected = await memberA.post('/api/v1/events', eventBody([a.id], a.regionId!, { capacity: { $gt: 0 } }))
      expect(injected.status).to.equal(400)
    })
  })

  describe('drafts, cancelled events and the registration list', () => {
    let draftId: string
    let publishedId: string
    before(async () => {
      draftId = (await memberA.post('/api/v1/events', eventBody([a.id], a.regionId!))).body.id
      publishedId = (await publishedEvent(memberA, eventBody([a.id], a.regionId!))).id
    })

    it('should hide drafts from the public and other councils, and show them to organizers', async () => {
      expect((await guest.get(`/api/v1/events/${draftId}`)).status).to.equal(404)
      expect((await memberOther.get(`/api/v1/events/${draftId}`)).status).to.equal(404)
      expect((await memberA.get(`/api/v1/events/${draftId}`)).status).to.equal(200)
      expect((await moderator.get(`/api/v1/events/${draftId}`)).status).to.equal(200)
      const publicList = await guest.get('/api/v1/events?limit=100')
      const ids = publicList.body.items.map((e: { id: string }) => e.id)
      expect(ids).to.include(publishedId)
      expect(ids).to.not.include(draftId)
      // Asking for drafts does not reveal them either.
      const asked = await guest.get('/api/v1/events?status=draft&limit=100')
      expect(asked.body.items).to.deep.equal([])
      const mine = await memberA.get('/api/v1/events?status=draft&limit=100')
      expect(mine.body.items.map((e: { id: string }) => e.id)).to.include(draftId)
      expect((await memberOther.get('/api/v1/events?status=draft&limit=100')).body.items).to.deep.equal([])
    })

    it('should refuse registration to a draft with 409 events.registration_closed', async () => {
      const res = await memberOther.post(`/api/v1/events/${draftId}/registrations`, {})
      expect(res.status).to.equal(409)
      expect(res.body.code).to.equal('events.registration_closed')
    })

    it('should let only council members register for a members event', async () => {
      const res = await citizen.post(`/api/v1/events/${publishedId}/registrations`, {})
      expect(res.status).to.equal(403)
      expect((await guest.post(`/api/v1/events/${publishedId}/registrations`, {})).status).to.equal(401)
      expect((await memberOther.post(`/api/v1/events/${publishedId}/registrations`, {})).status).to.equal(201)
    })

    it('should show the registration list to organizers only', async () => {
      expect((await guest.get(`/api/v1/events/${publishedId}/registrations`)).status).to.equal(401)
      expect((await citizen.get(`/api/v1/events/${publishedId}/registrations`)).status).to.equal(403)
      expect((await memberOther.get(`/api/v1/events/${publishedId}/registrations`)).status).to.equal(403)
      expect((await memberOther.get(`/api/v1/events/${publishedId}/registrations?format=csv`)).status).to.equal(403)
      const list = await memberA.get(`/api/v1/events/${publishedId}/registrations`)
      expect(list.status).to.equal(200)
      expect(list.body.items).to.have.length(1)
      expect((await moderator.get(`/api/v1/events/${publishedId}/registrations`)).status).to.equal(200)
    })

    it('should refuse every organizer action to a member of another council (no IDOR)', async () => {
      const id = publishedId
      expect((await memberOther.patch(`/api/v1/events/${id}`, { capacity: 10 })).status).to.equal(403)
      expect((await memberOther.post(`/api/v1/events/${id}/check-in`, { code: 'AAAA-BBBB' })).status).to.equal(403)
      expect((await memberOther.put(`/api/v1/events/${id}/outcome`, { summary: { ru: 'Итоги' } })).status).to.equal(403)
      expect((await memberOther.post(`/api/v1/events/${id}/chat-room`, {})).status).to.equal(403)
      expect((await memberOther.patch(`/api/v1/events/000000000000000000000000`, { capacity: 10 })).status).to.equal(
        404,
      )
    })

    it('should hide a cancelled event from the public but not from its registrants', async () => {
      const e = await publishedEvent(memberA, eventBody([a.id], a.regionId!))
      expect((await memberOther.post(`/api/v1/events/${e.id}/registrations`, {})).status).to.equal(201)
      expect((await memberA.patch(`/api/v1/events/${e.id}`, { status: 'cancelled' })).status).to.equal(200)
      expect((await guest.get(`/api/v1/events/${e.id}`)).status).to.equal(404)
      const list = await guest.get('/api/v1/events?limit=100')
      expect(list.body.items.map((x: { id: string }) => x.id)).to.not.include(e.id)
      const seen = await memberOther.get(`/api/v1/events/${e.id}`)
      expect(seen.status).to.equal(200)
      expect(seen.body.status).to.equal('cancelled')
      expect((await memberA.patch(`/api/v1/events/${e.id}`, { status: 'published' })).status).to.equal(409)
    })

    it('should write every organizer action to the audit log', async () => {
      const e = await publishedEvent(memberA, eventBody([a.id], a.regionId!))
      await memberA.patch(`/api/v1/events/${e.id}`, { capacity: 50 })
      await memberA.get(`/api/v1/events/${e.id}/registrations`)
      await memberA.get(`/api/v1/events/${e.id}/registrations?format=csv`)
      const actions = (await listAudit({ targetId: e.id }, 50)).map((x) => `${x.action}:${x.actorId}`)
      for (const action of [
        'event.created',
        'event.published',
        'event.updated',
        'event.registrations_read',
        'event.registrations_exported',
      ])
        expect(actions).to.include(`${action}:${memberA.user!.id}`)
    })
  })

  it('should describe every events route in OpenAPI', async () => {
    const doc = (await guest.get('/api/v1/openapi.json')).body
    for (const [path, method] of [
      ['/api/v1/events', 'post'],
      ['/api/v1/events', 'get'],
      ['/api/v1/events/mine', 'get'],
      ['/api/v1/events/{id}', 'get'],
      ['/api/v1/events/{id}/calendar.ics', 'get'],
      ['/api/v1/events/{id}', 'patch'],
      ['/api/v1/events/{id}/registrations', 'post'],
      ['/api/v1/events/{id}/registrations/mine', 'delete'],
      ['/api/v1/events/{id}/registrations', 'get'],
      ['/api/v1/events/{id}/check-in', 'post'],
      ['/api/v1/events/{id}/outcome', 'put'],
      ['/api/v1/events/{id}/materials', 'post'],
    ])
      expect(doc.paths[path]?.[method], `${method} ${path}`).to.be.an('object')
  })
})
