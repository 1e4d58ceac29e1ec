import { expect } from 'chai'
import type { Agent } from '../../helpers/agent.js'
import { startTestServer, type TestServer } from '../../helpers/server.js'
import { loginAs } from '../../helpers/users.js'
import { ask, connectChat, createCouncil, nextEvent } from '../../socket/chat.helpers.js'

describe('REST /api/v1/chat/rooms', () => {
  let t: TestServer
  let a1: string, a2: string, b: string, c: string, rep: string
  let alice: Agent, bob: Agent, carol: Agent, outsider: Agent, mod: Agent

  before(async () => {
    t = await startTestServer()
    // a1 and a2 share a region; b and c are elsewhere; rep is a republican council.
    ;[a1, a2, b, c, rep] = await Promise.all([
      createCouncil(6),
      createCouncil(6),
      createCouncil(7),
      createCouncil(8),
      createCouncil(null),
    ])
    const outside = await createCouncil(9)
    ;[alice, bob, carol, outsider, mod] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [a1] }),
      loginAs(t, { roles: ['council_member'], councilIds: [b] }),
      loginAs(t, { roles: ['council_member'], councilIds: [c] }),
      loginAs(t, { roles: ['council_member'], councilIds: [outside] }),
      loginAs(t, { roles: ['moderator'] }),
    ])
  })
  after(() => t?.close())

  describe('POST /chat/rooms (direct)', () => {
    it('should fail with 401 for a guest and 403 for a citizen', async () => {
      const guest = await import('../../helpers/agent.js').then(({ Agent }) => new Agent(t.url))
      expect((await guest.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, b] })).status).to.equal(401)
      const citizen = await loginAs(t, { roles: ['citizen'] })
      const res = await citizen.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, b] })
      expect(res.status).to.equal(403)
      expect(res.body.code).to.equal('auth.forbidden')
    })
    it('should fail with 403 for a member of neither council', async () => {
      const res = await outsider.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, b] })
      expect(res.status).to.equal(403)
    })
    it('should fail with 400 for anything but two distinct known councils', async () => {
      for (const councilIds of [
        [a1],
        [a1, a1],
        [a1, b, c],
        [a1, '0123456789abcdef01234567'],
        [a1, { $ne: null }],
        'x',
      ]) {
        const res = await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds })
        expect(res.status, JSON.stringify(councilIds)).to.equal(400)
        expect(res.body.code).to.equal('validation.failed')
      }
      const titled = await alice.post('/api/v1/chat/rooms', {
        kind: 'direct',
        councilIds: [a1, c],
        title: { kk: 'Атау' },
      })
      expect(titled.status).to.equal(400)
      const extra = await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, c], admin: true })
      expect(extra.status).to.equal(400)
    })
    it('should create one room per pair and return it to either side, also under a race', async () => {
      const [x, y] = await Promise.all([
        alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, b] }),
        bob.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [b, a1] }),
      ])
      expect([x.status, y.status].sort()).to.deep.equal([200, 201])
      expect(x.body.room.id).to.equal(y.body.room.id)
      const again = await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, b] })
      expect(again.status).to.equal(200)
      expect(again.body.room).to.include({ id: x.body.room.id, kind: 'direct', unread: 0, lastMessage: null })
      expect(again.body.room.councils.map((k: any) => k.id)).to.have.members([a1, b])
    })
  })

  describe('POST /chat/rooms (dialogue)', () => {
    const body = (councilIds: string[]) => ({
      kind: 'dialogue',
      councilIds,
      title: { kk: 'Су ресурстары', ru: 'Водные ресурсы' },
      topic: { kk: 'Өңіраралық су тапшылығы', ru: 'Межрегиональный дефицит воды' },
    })
    it('should need councils of at least two regions (a republican council is no region)', async () => {
      for (const ids of [
        [a1, a2],
        [a1, rep],
      ]) {
        const res = await alice.post('/api/v1/chat/rooms?lng=ru', body(ids))
        expect(res.status).to.equal(400)
        expect(res.body.code).to.equal('chat.dialogue_needs_regions')
        expect(res.body.detail).to.match(/регион/)
      }
      const kk = await alice.post('/api/v1/chat/rooms', body([a1, a2]))
      expect(kk.body.detail).to.match(/өңір/)
      const ok = await alice.post('/api/v1/chat/rooms', body([a1, b, rep]))
      expect(ok.status).to.equal(201)
      expect(ok.body.room).to.deep.include({ kind: 'dialogue', title: { kk: 'Су ресурстары', ru: 'Водные ресурсы' } })
    })
    it('should need a title and a topic', async () => {
      const res = await alice.post('/api/v1/chat/rooms', { kind: 'dialogue', councilIds: [a1, b] })
      expect(res.status).to.equal(400)
      expect(res.body.errors.map((e: any) => e.path)).to.include.members(['body.title', 'body.topic'])
    })
    it('should let a moderator open a platform for councils they are not in, but not an outsider', async () => {
      expect((await mod.post('/api/v1/chat/rooms', body([b, c]))).status).to.equal(201)
      expect((await outsider.post('/api/v1/chat/rooms', body([b, c]))).status).to.equal(403)
    })
    it('should add councils later (members of the platform, moderators), never to a direct room', async () => {
      const room = (await alice.post('/api/v1/chat/rooms', body([a1, b]))).body.room
      expect((await carol.get(`/api/v1/chat/rooms/${room.id}`)).status).to.equal(403)
      expect((await outsider.post(`/api/v1/chat/rooms/${room.id}/councils`, { councilIds: [c] })).status).to.equal(403)
      const bad = await bob.post(`/api/v1/chat/rooms/${room.id}/councils`, { councilIds: ['0123456789abcdef01234567'] })
      expect(bad.status).to.equal(400)
      const s = await connectChat(t.url, alice)
      await ask(s, 'room:join', { roomId: room.id })
      const updated = nextEvent(s, 'room:updated')
      const added = await bob.post(`/api/v1/chat/rooms/${room.id}/councils`, { councilIds: [c, b] })
      expect(added.status).to.equal(200)
      expect(added.body.room.councilIds).to.have.members([a1, b, c])
      expect((await updated).councilIds).to.have.members([a1, b, c])
      s.close()
      expect((await carol.get(`/api/v1/chat/rooms/${room.id}`)).status).to.equal(200)
      const direct = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a1, c] })).body.room
      const refused = await mod.post(`/api/v1/chat/rooms/${direct.id}/councils`, { councilIds: [b] })
      expect(refused.status).to.equal(409)
      expect(refused.body.code).to.equal('chat.direct_is_fixed')
    })
  })

  describe('GET /chat/rooms', () => {
    it('should list only the rooms of my councils; moderators see all; pages with a cursor', async () => {
      const mine = (await alice.get('/api/v1/chat/rooms?limit=100')).body.items
      expect(mine.length).to.be.greaterThan(0)
      expect(mine.every((r: any) => r.councilIds.includes(a1))).to.equal(true)
      expect((await outsider.get('/api/v1/chat/rooms')).body.items).to.deep.equal([])
      const all = (await mod.get('/api/v1/chat/rooms?limit=100')).body.items
      expect(all.length).to.be.greaterThan(mine.length)
      const dialogues = (await mod.get('/api/v1/chat/rooms?kind=dialogue&limit=100')).body.items
      expect(dialogues.every((r: any) => r.kind === 'dialogue')).to.equal(true)
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: any = (await mod.get(`/api/v1/chat/rooms?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body
        seen.push(...page.items.map((r: any) => r.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen).to.deep.equal(all.map((r: any) => r.id))
      expect((await mod.get('/api/v1/chat/rooms?cursor=garbage')).status).to.equal(400)
      expect((await mod.get('/api/v1/chat/rooms?kind=secret')).status).to.equal(400)
    })
    it('should fail with 401 for a guest and 403 for a citizen', async () => {
      const { Agent } = await import('../../helpers/agent.js')
      expect((await new Agent(t.url).get('/api/v1/chat/rooms')).status).to.equal(401)
      expect((await (await loginAs(t, { roles: ['citizen'] })).get('/api/v1/chat/rooms')).status).to.equal(403)
    })
  })

  it('should describe the chat routes and the socket events in OpenAPI', async () => {
    const doc = (await alice.get('/api/v1/openapi.json')).body
    for (const p of [
      '/api/v1/chat/rooms',
      '/api/v1/chat/rooms/{id}/messages',
      '/api/v1/chat/rooms/{id}/councils',
      '/api/v1/chat/messages/{id}',
      '/api/v1/chat/rooms/{id}/attachments',
    ])
      expect(doc.paths, p).to.have.property(p)
    // The namespace is not an HTTP operation: it is described in the `x-socket-io` extension (issue 21).
    expect(doc.paths).not.to.have.property('/socket.io/chat')
    expect(doc['x-socket-io']['/chat'].description).to.include('message:send')
  })
})
