import { expect } from 'chai'
import { waitForMail } from '../../helpers/outbox.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { createCouncil, eventBody, publishedEvent } from './fixtures.js'

describe('events: capacity and quota changes', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should promote the waiting list in order when seats are added, and refuse fewer seats than registered', async () => {
    const [a, b] = await Promise.all([createCouncil(5), createCouncil(6)])
    const organizer = await loginAs(t, { roles: ['moderator'] })
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 1 }))
    const people = []
    for (let i = 0; i < 4; i++) {
      const p = await loginAs(t, { roles: ['council_member'], councilIds: [i % 2 ? a.id : b.id] })
      const r = await p.post(`/api/v1/events/${e.id}/registrations`, {})
      expect(r.body.status).to.equal(i === 0 ? 'registered' : 'waitlisted')
      people.push(p)
    }
    const fewer = await organizer.patch(`/api/v1/events/${e.id}`, { capacity: 0 })
    expect(fewer.status).to.equal(400)
    const more = await organizer.patch(`/api/v1/events/${e.id}`, { capacity: 3 })
    expect(more.status).to.equal(200)
    expect(more.body).to.include({ registered: 3, waitlisted: 1, placesLeft: 0 })
    for (const p of people.slice(1, 3)) {
      expect((await p.get(`/api/v1/events/${e.id}`)).body.myRegistration.status).to.equal('registered')
      await waitForMail(t, { to: p.user!.email, template: 'events:email.promoted' })
    }
    expect((await people[3].get(`/api/v1/events/${e.id}`)).body.myRegistration).to.include({
      status: 'waitlisted',
      position: 1,
    })
    const below = await organizer.patch(`/api/v1/events/${e.id}`, { capacity: 2 })
    expect(below.status).to.equal(409)
    expect(below.body.code).to.equal('events.capacity_below_registered')
  })

  it('should hold the region quota: a region at its quota waits while another region takes the seat', async () => {
    const [a, b] = await Promise.all([createCouncil(7), createCouncil(8)])
    const organizer = await loginAs(t, { roles: ['moderator'] })
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 3, regionQuota: 1 }))
    const fromA = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    const fromA2 = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    const fromB = await loginAs(t, { roles: ['council_member'], councilIds: [b.id] })
    expect((await fromA.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('registered')
    expect((await fromA2.post(`/api/v1/events/${e.id}/registrations`, {})).body).to.include({
      status: 'waitlisted',
      position: 1,
    })
    expect((await fromB.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('registered')
    // A larger quota lets the waiting person from region A in.
    const raised = await organizer.patch(`/api/v1/events/${e.id}`, { regionQuota: 2 })
    expect(raised.body).to.include({ registered: 3, waitlisted: 0 })
    expect((await organizer.patch(`/api/v1/events/${e.id}`, { regionQuota: 1 })).body.code).to.equal(
      'events.quota_below_registered',
    )
  })
})

describe('events: a registration left half-done by a dead request', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should clear it, recount the seats and let the person register again', async () => {
    const { EventModel, RegistrationModel } = await import('../../../server/modules/events/events.model.js')
    const mongoose = (await import('mongoose')).default
    const a = await createCouncil(9)
    const organizer = await loginAs(t, { roles: ['moderator'] })
    const e = await publishedEvent(organizer, eventBody([a.id], a.regionId!, { capacity: 2 }))
    const other = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    expect((await other.post(`/api/v1/events/${e.id}/registrations`, {})).body.status).to.equal('registered')
    // A request that inserted its row and took a seat, then the process died (two minutes ago).
    const person = await loginAs(t, { roles: ['council_member'], councilIds: [a.id] })
    await RegistrationModel.collection.insertOne({
      eventId: new mongoose.Types.ObjectId(e.id),
      userId: new mongoose.Types.ObjectId(person.user!.id),
      name: 'x',
      email: person.user!.email,
      lng: 'kk',
      councilId: null,
      regionId: null,
      status: 'pending',
      seq: null,
      code: 'STALE123',
      checkedInAt: null,
      mailed: [],
      createdAt: new Date(Date.now() - 120_000),
      updatedAt: new Date(Date.now() - 120_000),
    })
    await EventModel.updateOne(
      { _id: e.id },
      { $inc: { registeredCount: 1, seatsLeft: -1, 'regionCounts.none': 1, seq: 1 } },
    )
    const res = await person.post(`/api/v1/events/${e.id}/registrations`, {})
    expect(res.status).to.equal(201)
    expect(res.body.status).to.equal('registered')
    const view = await organizer.get(`/api/v1/events/${e.id}`)
    expect(view.body).to.include({ registered: 2, waitlisted: 0, placesLeft: 0 })
    // A fresh duplicate is still a conflict.
    expect((await person.post(`/api/v1/events/${e.id}/registrations`, {})).status).to.equal(409)
  })
})
