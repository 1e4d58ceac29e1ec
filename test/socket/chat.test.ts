import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent, record } from './chat.helpers.js'

describe('socket.io /chat', () => {
  let t: TestServer
  let councilA: string, councilB: string, councilC: string
  let alice: Agent, bob: Agent, bob2: Agent, carol: Agent, mod: Agent
  let roomId: string
  const open: Socket[] = []
  const connect = async (agent: Agent | null, opts?: Parameters<typeof connectChat>[2]) => {
    const s = await connectChat(t.url, agent, opts)
    open.push(s)
    return s
  }

  before(async () => {
    t = await startTestServer()
    ;[councilA, councilB, councilC] = await Promise.all([createCouncil(0), createCouncil(1), createCouncil(2)])
    ;[alice, bob, bob2, carol, mod] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [councilA], displayName: 'Әлия' }),
      loginAs(t, { roles: ['council_member'], councilIds: [councilB], displayName: 'Бауыржан' }),
      loginAs(t, { roles: ['council_member'], councilIds: [councilB], displayName: 'Болат', locale: 'ru' }),
      loginAs(t, { roles: ['council_member'], councilIds: [councilC], displayName: 'Carol' }),
      loginAs(t, { roles: ['moderator'] }),
    ])
    const res = await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [councilA, councilB] })
    expect(res.status).to.equal(201)
    roomId = res.body.room.id
  })
  afterEach(() => closeAll(...open.splice(0)))
  after(() => t?.close())

  describe('connecting', () => {
    it('should refuse a guest with connect_error auth.required, localized', async () => {
      const err: any = await connect(null, { lng: 'ru' }).then(
        () => null,
        (e) => e,
      )
      expect(err?.data?.code).to.equal('auth.required')
      expect(err.data.message).to.match(/войдите/i)
    })
    it('should refuse a citizen with connect_error auth.forbidden', async () => {
      const citizen = await loginAs(t, { roles: ['citizen'] })
      const err: any = await connect(citizen).then(
        () => null,
        (e) => e,
      )
      expect(err?.data?.code).to.equal('auth.forbidden')
      expect(err.data.message).to.match(/құқығыңыз жоқ/)
    })
    it('should refuse a forged session cookie as auth.required', async () => {
      const fake = { hasSession: true, cookieHeader: () => 'kenes.sid=s%3Aforged.signature' } as unknown as Agent
      const err: any = await connect(fake).then(
        () => null,
        (e) => e,
      )
      expect(err?.data?.code).to.equal('auth.required')
    })
    it("should not let another site open a socket with the member's cookie (cross-site WebSocket hijacking)", async () => {
      const err: any = await connect(alice, { origin: 'https://evil.example' }).then(
        () => null,
        (e) => e,
      )
      expect(err?.data?.code).to.equal('auth.required')
      // The portal's own pages (same origin as the request) connect as before.
      const own = await connect(alice, { origin: t.url })
      expect(own.connected).to.equal(true)
    })
    it('should accept council members and moderators', async () => {
      const [a, m] = await Promise.all([connect(alice), connect(mod)])
      expect(a.connected && m.connected).to.equal(true)
    })
  })

  describe('room:join', () => {
    it("should let members of the room's councils and moderators join, with the room", async () => {
      const [a, m] = await Promise.all([connect(alice), connect(mod)])
      const ra = await ask(a, 'room:join', { roomId })
      expect(ra.ok).to.equal(true)
      expect(ra.room).to.include({ id: roomId, kind: 'direct' })
      expect(ra.room.councilIds).to.have.members([councilA, councilB])
      expect(ra.online).to.include(alice.user!.id)
      expect((await ask(m, 'room:join', { roomId })).ok).to.equal(true)
    })
    it('should refuse a member of an outside council (auth.forbidden) and unknown rooms (not_found)', async () => {
      const c = await connect(carol, { lng: 'ru' })
      const denied = await ask(c, 'room:join', { roomId })
      expect(denied).to.deep.include({ ok: false })
      expect(denied.error.code).to.equal('auth.forbidden')
      expect(denied.error.message).to.match(/прав/i)
      const missing = await ask(c, 'room:join', { roomId: '0123456789abcdef01234567' })
      expect(missing.error.code).to.equal('not_found')
    })
    it('should end the socket of a user who logged out, and refuse its session afterwards', async () => {
      const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
      const cookie = member.cookieHeader()
      const s = await connect(member, { lng: 'ru' })
      expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const gone = new Promise((resolve) => s.once('disconnect', resolve))
      expect((await member.post('/api/v1/auth/logout')).status).to.equal(204)
      expect(await gone).to.equal('io server disconnect')
      // The old cookie, replayed, no longer opens a socket.
      const replay = { hasSession: true, cookieHeader: () => cookie } as unknown as Agent
      const err = await connect(replay, { lng: 'ru' }).catch((e) => e)
      expect(err.data.code).to.equal('auth.required')
    })
    it('should apply a role change at the next join', async () => {
      const member = await loginAs(t, { roles: ['council_member'], councilIds: [councilA] })
      const s = await connect(member)
      expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const admin = await loginAs(t, { roles: ['admin'] })
      const patched = await admin.patch(`/api/v1/users/${member.user!.id}`, { councilIds: [councilC] })
      expect(patched.status).to.equal(200)
      const again = await ask(s, 'room:join', { roomId })
      expect(again.error.code).to.equal('auth.forbidden')
    })
  })

  describe('access revoked while connected', () => {
    it('should stop delivering at once to a socket whose user lost the council, was disabled or logged out', async () => {
      const admin = await loginAs(t, { roles: ['admin'] })
      const [moved, disabled, loggedOut] = await Promise.all(
        [0, 1, 2].map(() => loginAs(t, { roles: ['council_member'], councilIds: [councilA] })),
      )
      const [a, b, sm, sd, sl] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(moved),
        connect(disabled),
        connect(loggedOut),
      ])
      for (const s of [b, sm, sd, sl]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const recs = [sm, sd, sl].map(record)
      const gone = [sd, sl].map((s) => new Promise((resolve) => s.once('disconnect', resolve)))
      // None of these sockets sends anything after the change: the server must act by itself.
      expect((await admin.patch(`/api/v1/users/${moved.user!.id}`, { councilIds: [councilC] })).status).to.equal(200)
      expect((await admin.patch(`/api/v1/users/${disabled.user!.id}`, { disabled: true })).status).to.equal(200)
      expect((await loggedOut.post('/api/v1/auth/logout')).status).to.equal(204)
      expect(await Promise.all(gone)).to.deep.equal(['io server disconnect', 'io server disconnect'])
      const barrier = nextEvent(b, 'message:new', (p) => p.message.text === 'после изменения прав')
      expect(
        (await ask(a, 'message:send', { roomId, text: 'после изменения прав', clientId: clientId() })).ok,
      ).to.equal(true)
      await barrier
      expect(recs.map((r) => r.of('message:new').length)).to.deep.equal([0, 0, 0])
      // The moved member keeps the socket (still a council member) and uses it for the new council.
      expect(sm.connected).to.equal(true)
      expect((await ask(sm, 'room:join', { roomId })).error.code).to.equal('auth.forbidden')
    })
  })

  describe('message:send', () => {
    it('should persist, ack and deliver to every other room member exactly once', async () => {
      const [a, b1, b2, m, c] = await Promise.all([
        connect(alice),
        connect(bob),
        connect(bob2),
        connect(mod),
        connect(carol),
      ])
      const recs = [a, b1, b2, m, c].map(record)
      for (const s of [a, b1, b2, m]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
      const got = [b1, b2, m].map((s) =>
        nextEvent(s, 'message:new', (p) => p.message.text === 'Сәлем, <b>Бауыржан</b>!'),
      )
      const ack = await ask(a, 'message:send', { roomId, text: 'Сәлем, <b>Бауыржан</b>!', clientId: clientId() })
      expect(ack.ok).to.equal(true)
      expect(ack.message).to.include({
        roomId,
        senderId: alice.user!.id,
        senderName: 'Әлия',
        councilId: councilA,
        text: 'Сәлем, <b>Бауыржан</b>!',
      })
      for (const p of await Promise.all(got)) expect(p.message).to.deep.equal(ack.message)
      // Barrier: a later message reaches everyone after the first one; count what arrived by then.
      const barrier = [a, b1, b2, m].map((s) => nextEvent(s, 'message:new', (p) => p.message.text === 'barrier'))
      await ask(b1, 'message:send', { roomId, text: 'barrier', clientId: clientId() })
      await Promise.all(barrier.filter((_, i) => i !== 1))
      const counts = recs.map((r) => r.of('message:new').filter((p) => p.message.id === ack.message.id).length)
      expect(counts).to.deep.equal([0, 1, 1, 1, 0]) // the sender has it from the ack; an outsider never
      const history = await bob.get(`/api/v1/chat/rooms/${roomId}/messages?limit=2`)
      expect(history.body.items.map((x: any) => x.text)).to.deep.equal(['barrier', 'Сәлем, <b>Бауыржан</b>!'])
    })

    it('should take any clientId of 1..100 characters, as the contract says, and refuse longer ones', async () => {
      const a = await connect(alice)
      await ask(a, 'room:join', { roomId })
      for (const cid of ['1', 'ab', `к ${Date.now()}`, 'x'.repeat(100)]) {
        const ack = await ask(a, 'message:send', { roomId, text: `id ${cid.length}`, clientId: cid })
        expect(ack.ok, cid).to.equal(true)
        expect(ack.message.clientId).to.equal(cid)
      }
      const tooLong = await ask(a, 'message:send', { roomId, text: 'x', clientId: 'y'.repeat(101) })
      expect(tooLong.error.code).to.equal('validation.failed')
    })
    it('should refuse text with a lone surrogate (it would be stored as U+FFFD, not as sent)', async () => {
      const a = await connect(alice)
      await ask(a, 'room:join', { roomId })
      const ack = await ask(a, 'message:send', { roomId, text: 'x\ud800y', clientId: clientId() })
      expect(ack.ok).to.equal(false)
      expect(ack.error.code).to.equal('validation.failed')
      const pair = await ask(a, 'message:send', { roomId, text: 'сәлем 🙂', clientId: clientId() })
      expect(pair.ok).to.equal(true)
    })
    it('should return the same message for a resent clientId and broadcast nothing new', async () => {
      const [a, b] = await Promise.all([connect(alice), connect(bob)])
      for (const s of [a, b]) await ask(s, 'room:join', { roomId })
      const rb = record(b)
      const cid = clientId()
      const first = await ask(a, 'message:send', { roomId, text: 'бір рет', clientId: cid })
      const [again, raced] = await Promise.all([
        ask(a, 'message:send', { roomId, text: 'бір рет', clientId: cid }),
        ask(a, 'message:send', { roomId, text: 'бір рет', clientId: cid }),
      ])
      expect(again.message).to.deep.equal(first.message)
      expect(raced.message).to.deep.equal(first.message)
      const barrier = nextEvent(b, 'message:new', (p) => p.message.text === 'кейін')
      await ask(a, 'message:send', { roomId, text: 'кейін', clientId: clientId() })
      await barrier
      expect(rb.of('message:new').filter((p) => p.message.clientId === cid)).to.have.length(1)
    })

    it('should store concurrent messages of many senders in one order, each delivered once', async () => {
      const senders = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          loginAs(t, { roles: ['council_member'], councilIds: [i % 2 ? councilA : councilB] }),
        ),
      )
      const sockets = await Promise.all(senders.map((u) => connect(u)))
      const watcher = await connect(mod)
      await ask(watcher, 'room:join', { roomId })
      const seen: string[] = []
      watcher.on('message:new', (p) => seen.push(p.message.id))
      const acks = await Promise.all(
        sockets.flatMap((s, i) =>
          [0, 1, 2].map((k) => ask(s, 'message:send', { roomId, text: `параллель ${i}.${k}`, clientId: clientId() })),
        ),
      )
      expect(acks.every((a) => a.ok)).to.equal(true)
      const ids = acks.map((a) => a.message.id)
      const barrier = nextEvent(watcher, 'message:new', (p) => p.message.text === 'соңы')
      await ask(sockets[0], 'message:send', { roomId, text: 'соңы', clientId: clientId() })
      await barrier
      expect(seen.filter((id) => ids.includes(id))).to.have.members(ids) // all, and each once
      expect(new Set(seen).size).to.equal(seen.length)
      const history = (await mod.get(`/api/v1/chat/rooms/${roomId}/messages?limit=19`)).body.items.map((m: any) => m.id)
      expect(history.slice(1)).to.have.members(ids)
      // Broadcast order is storage order: the watcher saw them as the history lists them.
      expect(seen.filter((id) => ids.includes(id))).to.deep.equal(history.slice(1).reverse())
    })

    it('should refuse bad payloads with validation.failed and keep the socket usable', async () => {
      const a = await connect(alice, { lng: 'ru' })
      const cases: unknown[] = [
        'not an object',
        null,
        42,
        [roomId],
        { roomId, text: '', clientId: clientId() },
        { roomId, text: 'x'.repeat(4001), clientId: clientId() },
        { roomId, text: 'ok', clientId: { $gt: '' } },
        { roomId: { $ne: null }, text: 'ok', clientId: clientId() },
        { roomId, text: 'ok', clientId: clientId(), extra: true },
      ]
      for (const payload of cases) {
        const res = await ask(a, 'message:send', payload)
        expect(res.ok, JSON.stringify(payload)).to.equal(false)
        expect(res.error.code).to.equal('validation.failed')
        expect(res.error.message).to.match(/[а-я]/i)
      }
      const hidden = await ask(a, 'message:send', { roomId, text: '\u0000\u202e', clientId: clientId() })
      expect(hidden.error.code).to.equal('validation.failed')
      const cleaned = await ask(a, 'message:send', { roomId, text: 'жол 1\nжол\u0000 2\u202e', clientId: clientId() })
      expect(cleaned.message.text).to.equal('жол 1\nжол 2')
      const ok = await ask(a, 'message:send', { roomId, text: 'x'.repeat(4000), clientId: clientId() })
      expect(ok.ok).to.equal(true)
      expect(ok.message.text).to.have.length(4000)
    })

    it('should refuse a member of an outside council even without joining', async () => {
      const c = await connect(carol)
      const res = await ask(c, 'message:send', { roomId, text: 'кіріп кетейін', clientId: clientId() })
      expect(res.error.code).to.equal('auth.forbidden')
      const history = await alice.get(`/api/v1/chat/rooms/${roomId}/messages`)
      expect(history.body.items.some((m: any) => m.text === 'кіріп кетейін')).to.equal(false)
    })
  })
})
