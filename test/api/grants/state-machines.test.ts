import { expect } from 'chai'
import { GrantCall } from '../../../server/modules/grants/grants.model.js'
import {
  applicationMachine,
  awardMachine,
  callMachine,
  reportMachine,
} from '../../../server/modules/grants/grants.machine.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import {
  applicationBody,
  callBody,
  closeCall,
  createCouncil,
  publishedCall,
  submittedApplication,
} from '../../helpers/grants.js'

/** Every (from, to) pair of a machine, to prove each refused one really is refused. */
function pairs<S extends string>(m: { states: readonly S[] }): [S, S][] {
  return m.states.flatMap((a) => m.states.filter((b) => b !== a).map((b) => [a, b] as [S, S]))
}

describe('grants: state machines and optimistic versions', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer()
  })
  after(() => t?.close())

  it('should allow exactly the documented transitions', () => {
    const allowed = (m: { states: readonly string[]; can(a: string, b: string): boolean }) =>
      pairs(m as never)
        .filter(([a, b]) => m.can(a, b))
        .map(([a, b]) => `${a}>${b}`)
    expect(allowed(callMachine)).to.have.members(['draft>published', 'published>closed'])
    expect(allowed(applicationMachine)).to.have.members([
      'draft>submitted',
      'draft>withdrawn',
      'submitted>withdrawn',
      'submitted>awarded',
    ])
    expect(allowed(awardMachine)).to.have.members(['active>completed'])
    expect(allowed(reportMachine)).to.have.members(['submitted>accepted', 'submitted>returned'])
  })

  it('call: draft → published → closed; every other move is 409 grants.invalid_transition', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const c = (await admin.post('/api/v1/grants/calls', callBody())).body
    expect(c.status).to.equal('draft')
    const toClosed = await admin.patch(`/api/v1/grants/calls/${c.id}`, { status: 'closed' })
    expect(toClosed.status).to.equal(409)
    expect(toClosed.body.code).to.equal('grants.invalid_transition')
    const pub = await admin.patch(`/api/v1/grants/calls/${c.id}`, { status: 'published' })
    expect(pub.body.status).to.equal('published')
    // Published: the money and rules are locked; experts may still change.
    const locked = await admin.patch(`/api/v1/grants/calls/${c.id}`, { budgetTiyn: 1 })
    expect(locked.status).to.equal(409)
    expect(locked.body.code).to.equal('grants.call_locked')
    expect((await admin.patch(`/api/v1/grants/calls/${c.id}`, { expertIds: [] })).status).to.equal(200)
    expect((await admin.patch(`/api/v1/grants/calls/${c.id}`, { status: 'closed' })).body.status).to.equal('closed')
    const back = await admin.patch(`/api/v1/grants/calls/${c.id}`, { status: 'published' })
    expect(back.status).to.equal(409)
    expect(back.body.code).to.equal('grants.invalid_transition')
  })

  it('application: draft → submitted → withdrawn; refused moves answer 409', async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const draft = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    const sub = await member.post(`/api/v1/grants/applications/${draft.id}/submit`, {})
    expect(sub.body.status).to.equal('submitted')
    expect(sub.body.submittedAt).to.be.a('string')
    const again = await member.post(`/api/v1/grants/applications/${draft.id}/submit`, {})
    expect(again.status).to.equal(409)
    expect(again.body.code).to.equal('grants.invalid_transition')
    const edit = await member.patch(`/api/v1/grants/applications/${draft.id}`, { title: { ru: 'Новое' } })
    expect(edit.status).to.equal(409)
    expect(edit.body.code).to.equal('grants.not_draft')
    expect((await member.post(`/api/v1/grants/applications/${draft.id}/withdraw`, {})).body.status).to.equal(
      'withdrawn',
    )
    for (const step of ['submit', 'withdraw']) {
      const res = await member.post(`/api/v1/grants/applications/${draft.id}/${step}`, {})
      expect(res.status, step).to.equal(409)
      expect(res.body.code).to.equal('grants.invalid_transition')
    }
    // draft → withdrawn directly, and a new application once the first is withdrawn
    const second = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    const dup = await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))
    expect(dup.status).to.equal(409)
    expect(dup.body.code).to.equal('grants.already_applied')
    expect((await member.post(`/api/v1/grants/applications/${second.id}/withdraw`, {})).body.status).to.equal(
      'withdrawn',
    )
  })

  it('application: awarded is final (no withdrawal, no second award); a withdrawn one cannot be awarded', async () => {
    const { admin, call } = await publishedCall(t)
    const a = await submittedApplication(t, call.id)
    const w = await submittedApplication(t, call.id)
    expect((await w.member.post(`/api/v1/grants/applications/${w.id}/withdraw`, {})).status).to.equal(200)
    await closeCall(admin, call.id)
    expect((await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [w.id] })).body.code).to.equal(
      'grants.not_awardable',
    )
    expect((await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] })).status).to.equal(
      201,
    )
    const withdraw = await a.member.post(`/api/v1/grants/applications/${a.id}/withdraw`, {})
    expect(withdraw.status).to.equal(409)
    expect(withdraw.body.code).to.equal('grants.invalid_transition')
    expect((await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] })).status).to.equal(
      409,
    )
  })

  it('should refuse to award before the deadline (409 grants.call_open)', async () => {
    const { admin, call } = await publishedCall(t)
    const a = await submittedApplication(t, call.id)
    const res = await admin.post(`/api/v1/grants/calls/${call.id}/awards`, { applicationIds: [a.id] })
    expect(res.status).to.equal(409)
    expect(res.body.code).to.equal('grants.call_open')
  })

  it('should enforce the deadline on the server: 409 grants.call_closed after closesAt', async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const draft = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    // The deadline passes (moved into the past rather than waited for).
    await GrantCall.updateOne({ _id: call.id }, { $set: { closesAt: new Date(Date.now() - 1000) } })
    const late = await member.post(`/api/v1/grants/applications/${draft.id}/submit`, {})
    expect(late.status).to.equal(409)
    expect(late.body.code).to.equal('grants.call_closed')
    expect(late.body.detail).to.be.a('string').and.not.equal('')
    const other = await createCouncil()
    const otherMember = await loginAs(t, { roles: ['council_member'], councilIds: [other] })
    const create = await otherMember.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(other))
    expect(create.status).to.equal(409)
    expect(create.body.code).to.equal('grants.call_closed')
    expect((await member.get(`/api/v1/grants/applications/${draft.id}`)).body.status).to.equal('draft')
  })

  it('should refuse submission once the admin closed the call, even before closesAt', async () => {
    const { admin, call } = await publishedCall(t)
    const councilId = await createCouncil()
    const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const draft = (await member.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    await closeCall(admin, call.id)
    const res = await member.post(`/api/v1/grants/applications/${draft.id}/submit`, {})
    expect(res.body.code).to.equal('grants.call_closed')
  })

  it('should not lose an update: a stale version is 409 conflict', async () => {
    const { call } = await publishedCall(t)
    const councilId = await createCouncil()
    const alice = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const bob = await loginAs(t, { roles: ['council_member'], councilIds: [councilId] })
    const draft = (await alice.post(`/api/v1/grants/calls/${call.id}/applications`, applicationBody(councilId))).body
    const v = draft.version
    const a = await alice.patch(`/api/v1/grants/applications/${draft.id}`, { title: { ru: 'Алиса' }, version: v })
    expect(a.status).to.equal(200)
    expect(a.body.version).to.equal(v + 1)
    const b = await bob.patch(`/api/v1/grants/applications/${draft.id}`, { subject: { ru: 'Боб' }, version: v })
    expect(b.status).to.equal(409)
    expect(b.body.code).to.equal('conflict')
    const now = (await bob.get(`/api/v1/grants/applications/${draft.id}`)).body
    expect(now.title.ru).to.equal('Алиса')
    // Two concurrent edits of the same version: exactly one wins.
    await bob.csrfToken()
    const race = await Promise.all([
      alice.patch(`/api/v1/grants/applications/${draft.id}`, { title: { ru: 'A2' }, version: now.version }),
      bob.patch(`/api/v1/grants/applications/${draft.id}`, { title: { ru: 'B2' }, version: now.version }),
    ])
    expect(race.map((r) => r.status).sort()).to.deep.equal([200, 409])
    const stale = await alice.post(`/api/v1/grants/applications/${draft.id}/submit`, { version: now.version })
    expect(stale.status).to.equal(409)
    expect(stale.body.code).to.equal('conflict')
  })

  it('should refuse a stale call version (409 conflict)', async () => {
    const admin = await loginAs(t, { roles: ['admin'] })
    const c = (await admin.post('/api/v1/grants/calls', callBody())).body
    expect(
      (await admin.patch(`/api/v1/grants/calls/${c.id}`, { grantsCount: 12, version: c.version })).status,
    ).to.equal(200)
    const stale = await admin.patch(`/api/v1/grants/calls/${c.id}`, { grantsCount: 11, version: c.version })
    expect(stale.status).to.equal(409)
    expect(stale.body.code).to.equal('conflict')
  })
})
