import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ChatRoomModel } from '../../server/modules/chat/chat.model.js'
import { MAX_ROOMS_PER_SOCKET } from '../../server/modules/chat/chat.handlers.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent, record } from './chat.helpers.js'

/** Presence, typing, read receipts, abuse limits and malformed input on /chat. */
describe('socket.io /chat: presence, typing, receipts, limits', () => {
  let t: TestServer
  let councilA: string, councilB: string, councilC: string
  let alice: Agent, bob: Agent, carol: Agent
  let roomAB: string
  const open: Socket[] = []
  const connect = async (agent: Agent | null, opts?: Parameters<typeof connectChat>[2]) => {
    const s = await connectChat(t.url, agent, opts)
    open.push(s)
    return s
  }
  const member = (councilId: string, extra: { displayName?: string; locale?: 'kk' | 'ru' } = {}) =>
    loginAs(t, { roles: ['council_member'], councilIds: [councilId], ...extra })
  /** Bounded wait for the server to have seen every close (it then has run its disconnect handlers). */
  const serverSockets = (n: number) => waitFor(() => t.server.io.of('/chat').sockets.size === n)

  before(async () => {
    t = await startTestServer()
    ;[councilA, councilB, councilC] = await Promise.all([createCouncil(3), createCouncil(4), createCouncil(5)])
    ;[alice, bob, carol] = await Promise.all([
      member(councilA, { displayName: 'Әлия' }),
      member(councilB),
      member(councilC),
    ])
    roomAB = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [councilA, councilB] })).body.room.id
  })
  afterEach(async () => {
    await closeAll(...open.splice(0))
    await serverSockets(0)
  })
  after(() => t?.close())

  it('should announce presence on the first socket and on the last one leaving, once each', async () => {
    const watcher = await connect(alice)
    const rec = record(watcher)
    const dave = await member(councilB)
    const online = nextEvent(watcher, 'presence', (p) => p.userId === dave.user!.id && p.online)
    const d1 = await connect(dave)
    await online
    const d2 = await connect(dave)
    d1.close()
    await serverSockets(2)
    // Barrier: another user's arrival and departure reach the watcher after dave's events.
    const erin = await member(councilC)
    const erinOffline = nextEvent(watcher, 'presence', (p) => p.userId === erin.user!.id && !p.online)
    ;(await connect(erin)).close()
    await erinOffline
    expect(rec.of('presence').filter((p) => p.userId === dave.user!.id)).to.deep.equal([
      { userId: dave.user!.id, online: true },
    ])
    const offline = nextEvent(watcher, 'presence', (p) => p.userId === dave.user!.id && !p.online)
    d2.close()
    await offline
    expect(
      rec
        .of('presence')
        .filter((p) => p.userId === dave.user!.id)
        .map((p) => p.online),
    ).to.deep.equal([true, false])
  })

  it('should pass typing on to the others in the room, throttled, never back to the typist', async () => {
    const [a1, a2, b] = await Promise.all([connect(alice), connect(alice), connect(bob)])
    for (const s of [a1, a2, b]) await ask(s, 'room:join', { roomId: roomAB })
    const [ra2, rb, ra1] = [record(a2), record(b), record(a1)]
    const seen = nextEvent(b, 'typing')
    expect(await ask(a1, 'typing', { roomId: roomAB })).to.deep.equal({ ok: true, throttled: false })
    // The typist's name comes along (an addition to the contract's payload), so pages can say who types.
    expect(await seen).to.deep.equal({ roomId: roomAB, userId: alice.user!.id, displayName: 'Әлия' })
    expect(await ask(a1, 'typing', { roomId: roomAB })).to.deep.equal({ ok: true, throttled: true })
    expect(await ask(a2, 'typing', { roomId: roomAB })).to.deep.equal({ ok: true, throttled: true })
    const barrier = Promise.all([nextEvent(b, 'message:new'), nextEvent(a2, 'message:new')])
    await ask(a1, 'message:send', { roomId: roomAB, text: 'жазып болдым', clientId: clientId() })
    await barrier
    expect(rb.of('typing')).to.have.length(1)
    expect(ra1.of('typing').length + ra2.of('typing').length).to.equal(0)
    const c = await connect(carol)
    expect((await ask(c, 'typing', { roomId: roomAB })).error.code).to.equal('chat.not_joined')
  })

  it('should broadcast read receipts, persist them and count unread messages per room', async () => {
    const roomAC = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [councilA, councilC] })).body
      .room.id
    const [a, c] = await Promise.all([connect(alice), connect(carol)])
    for (const s of [a, c]) await ask(s, 'room:join', { roomId: roomAC })
    const sent = []
    for (const text of ['бір', 'екі', 'үш'])
      sent.push((await ask(a, 'message:send', { roomId: roomAC, text, clientId: clientId() })).message)
    const unread = async (agent: Agent) =>
      (await agent.get('/api/v1/chat/rooms')).body.items.find((r: any) => r.id === roomAC)
    const before = await unread(carol)
    expect(before.unread).to.equal(3)
    expect(before.lastMessage.text).to.equal('үш')
    expect((await unread(alice)).unread).to.equal(0) // one's own messages are never unread

    const receipt = nextEvent(a, 'read')
    expect(await ask(c, 'message:read', { roomId: roomAC, messageId: sent[1].id })).to.deep.equal({
      ok: true,
      advanced: true,
    })
    expect(await receipt).to.deep.equal({
      roomId: roomAC,
      userId: carol.user!.id,
      messageId: sent[1].id,
      displayName: carol.user!.displayName,
      councilIds: [councilC],
    })
    expect((await unread(carol)).unread).to.equal(1)
    // Reading an older message never moves the mark back, and is not broadcast.
    expect(await ask(c, 'message:read', { roomId: roomAC, messageId: sent[0].id })).to.deep.equal({
      ok: true,
      advanced: false,
    })
    expect((await unread(carol)).unread).to.equal(1)
    await ask(c, 'message:read', { roomId: roomAC, messageId: sent[2].id })
    expect((await unread(carol)).unread).to.equal(0)
    // A deleted message is not waiting to be read.
    const gone = (await ask(a, 'message:send', { roomId: roomAC, text: 'қате', clientId: clientId() })).message
    expect((await unread(carol)).unread).to.equal(1)
    expect(await ask(a, 'message:delete', { messageId: gone.id })).to.deep.include({ ok: true })
    expect((await unread(carol)).unread).to.equal(0)
    // A message of another room cannot be used as a read mark.
    expect(
      (
        await ask(c, 'message:read', {
          roomId: roomAC,
          messageId: (await ask(a, 'message:send', { roomId: roomAB, text: 'x', clientId: clientId() })).message.id,
        })
      ).error.code,
    ).to.equal('chat.message_not_in_room')
  })

  it('should rate-limit messages per user with a localized rate_limited ack', async () => {
    const fast = await member(councilA, { locale: 'ru' })
    const s = await connect(fast)
    for (let i = 0; i < 20; i++)
      expect((await ask(s, 'message:send', { roomId: roomAB, text: `#${i}`, clientId: clientId() })).ok).to.equal(true)
    const refused = await ask(s, 'message:send', { roomId: roomAB, text: 'one too many', clientId: clientId() })
    expect(refused.ok).to.equal(false)
    expect(refused.error.code).to.equal('rate_limited')
    expect(refused.error.message).to.match(/[а-я]/i)
    const history = await fast.get(`/api/v1/chat/rooms/${roomAB}/messages?limit=1`)
    expect(history.body.items[0].text).to.equal('#19')
    // Another user is not affected.
    expect(
      (await ask(await connect(alice), 'message:send', { roomId: roomAB, text: 'мен бармын', clientId: clientId() }))
        .ok,
    ).to.equal(true)
  })

  it('should refuse a flood of events from one socket, then cut it off, leaving others alone', async () => {
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    for (const s of [a, b]) await ask(s, 'room:join', { roomId: roomAB })
    const acks = await Promise.all(Array.from({ length: 250 }, () => ask(a, 'typing', { roomId: roomAB })))
    const refused = acks.filter((x) => !x.ok)
    expect(refused.length).to.be.greaterThan(0)
    expect(refused[0].error.code).to.equal('rate_limited')
    const cut = new Promise((resolve) => a.once('disconnect', resolve))
    for (let i = 0; i < 1000; i++) a.emit('no-such-event', i)
    expect(await cut).to.equal('io server disconnect')
    expect(
      (await ask(b, 'message:send', { roomId: roomAB, text: 'мен әлі осындамын', clientId: clientId() })).ok,
    ).to.equal(true)
  })

  it('should report chat sockets, messages and event errors in /metrics', async () => {
    const a = await connect(alice)
    await ask(a, 'message:send', { roomId: roomAB, text: 'метрика', clientId: clientId() })
    await ask(a, 'message:send', { roomId: roomAB, text: '', clientId: clientId() })
    const admin = await loginAs(t, { roles: ['admin'] })
    const text = (await admin.get('/metrics')).text
    expect(text).to.match(/^chat_sockets\{[^}]*\} [1-9]/m)
    expect(text).to.match(/^chat_messages_total\{[^}]*kind="direct"[^}]*\} [1-9]/m)
    expect(text).to.match(/^chat_event_errors_total\{[^}]*code="validation.failed"[^}]*\} [1-9]/m)
  })

  it('should bound the rooms one socket follows', async () => {
    const mod = await loginAs(t, { roles: ['moderator'] })
    const now = new Date()
    const docs = Array.from({ length: MAX_ROOMS_PER_SOCKET + 1 }, (_, i) => ({
      kind: 'dialogue',
      key: `bound-test:${i}`,
      councilIds: [councilA, councilB],
      createdBy: mod.user!.id,
      activityAt: now,
      title: { kk: `Алаң ${i}` },
    }))
    const rooms = await ChatRoomModel.insertMany(docs)
    const s = await connect(mod)
    const acks = []
    for (const r of rooms) acks.push(await ask(s, 'room:join', { roomId: String(r._id) }))
    expect(acks.slice(0, MAX_ROOMS_PER_SOCKET).every((x) => x.ok)).to.equal(true)
    expect(acks.at(-1).error.code).to.equal('chat.too_many_rooms')
    expect((await ask(s, 'room:leave', { roomId: String(rooms[0]._id) })).ok).to.equal(true)
    expect((await ask(s, 'room:join', { roomId: String(rooms.at(-1)!._id) })).ok).to.equal(true)
  })

  it('should survive events without acks, junk payloads, unknown events and oversized frames', async () => {
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    await ask(b, 'room:join', { roomId: roomAB })
    a.emit('message:send')
    a.emit('message:send', 'junk')
    a.emit('room:join', { roomId: { $gt: '' } })
    a.emit('typing', null, 1, 2, 3)
    a.emit('no-such-event', { x: 1 })
    a.emit('message:read', [1, 2, 3], () => {}, 'trailing')
    // Without an ack a valid message is still delivered (fire-and-forget clients).
    const delivered = nextEvent(b, 'message:new', (p) => p.message.text === 'ack-сыз')
    a.emit('message:send', { roomId: roomAB, text: 'ack-сыз', clientId: clientId() })
    await delivered
    expect((await ask(a, 'room:join', { roomId: roomAB })).ok).to.equal(true)

    // An oversize message within the frame limit (1 MB) gets a validation ack and keeps the connection.
    const tooLong = await ask(a, 'message:send', { roomId: roomAB, text: 'y'.repeat(200_000), clientId: clientId() })
    expect(tooLong.ok).to.equal(false)
    expect(tooLong.error.code).to.equal('validation.failed')
    expect(a.connected).to.equal(true)

    // A frame above maxHttpBufferSize closes only that connection.
    const big = await connect(alice)
    const closed = new Promise<string>((resolve) => big.once('disconnect', resolve))
    big.emit('message:send', { roomId: roomAB, text: 'x'.repeat(1_200_000), clientId: clientId() })
    expect(await closed).to.match(/transport close|transport error/)
    // Neither oversize message was stored, not even in part.
    const history = await alice.get(`/api/v1/chat/rooms/${roomAB}/messages?limit=100`)
    expect(history.body.items.some((m: { text: string }) => /^(x|y){1000}/.test(m.text))).to.equal(false)
    const still = nextEvent(b, 'message:new', (p) => p.message.text === 'әлі тірімін')
    expect((await ask(a, 'message:send', { roomId: roomAB, text: 'әлі тірімін', clientId: clientId() })).ok).to.equal(
      true,
    )
    await still
    expect((await bob.get('/api/v1/health')).status).to.equal(200)
  })
})

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
