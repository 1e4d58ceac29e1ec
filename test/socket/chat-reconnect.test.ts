import { expect } from 'chai'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent, record } from './chat.helpers.js'

/** A client that drops for a while gets what it missed, once: by recovery, or by asking. */
describe('socket.io /chat: reconnection', () => {
  let t: TestServer
  let alice: Agent, bob: Agent
  let roomId: string
  const open: Socket[] = []
  const serverSockets = async (n: number) => {
    const until = Date.now() + 5000
    while (t.server.io.of('/chat').sockets.size !== n) {
      if (Date.now() > until) throw new Error(`server still has ${t.server.io.of('/chat').sockets.size} sockets`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  before(async () => {
    t = await startTestServer()
    const [a, b] = await Promise.all([createCouncil(13), createCouncil(14)])
    ;[alice, bob] = await Promise.all([
      loginAs(t, { roles: ['council_member'], councilIds: [a] }),
      loginAs(t, { roles: ['council_member'], councilIds: [b] }),
    ])
    roomId = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [a, b] })).body.room.id
  })
  afterEach(async () => {
    await closeAll(...open.splice(0))
    await serverSockets(0)
  })
  after(() => t?.close())

  it('should recover the rooms and deliver what was sent meanwhile exactly once (connection state recovery)', async () => {
    const [a, b] = await Promise.all([connectChat(t.url, alice), connectChat(t.url, bob)])
    open.push(a, b)
    for (const s of [a, b]) await ask(s, 'room:join', { roomId })
    const rec = record(a)
    const before = nextEvent(a, 'message:new')
    await ask(b, 'message:send', { roomId, text: 'бар кезде', clientId: clientId() })
    await before

    const dropped = new Promise((resolve) => a.once('disconnect', resolve))
    a.io.engine.close() // the network drops: the server sees "transport close" and keeps the session
    expect(await dropped).to.equal('forced close')
    await serverSockets(1)
    const away = await ask(b, 'message:send', { roomId, text: 'жоқ кезде', clientId: clientId() })
    expect(away.ok).to.equal(true)

    const arrived = nextEvent(a, 'message:new', (p) => p.message.id === away.message.id)
    const reconnected = new Promise<void>((resolve) => a.once('connect', () => resolve()))
    a.connect()
    await reconnected
    expect(a.recovered).to.equal(true)
    expect((await arrived).message.text).to.equal('жоқ кезде')
    // Still in the room without joining again; the missed message arrived once.
    const after = nextEvent(a, 'message:new', (p) => p.message.text === 'қайта келдің')
    await ask(b, 'message:send', { roomId, text: 'қайта келдің', clientId: clientId() })
    await after
    expect(rec.of('message:new').map((p) => p.message.text)).to.deep.equal(['бар кезде', 'жоқ кезде', 'қайта келдің'])
  })

  it('should not hand a recovering socket the rooms (or the messages) its user lost while it was away', async () => {
    const councilC = await createCouncil(15)
    const carol = await loginAs(t, {
      roles: ['council_member'],
      councilIds: [(await alice.get('/api/v1/auth/me')).body.user.councilIds[0]],
    })
    const [c, b] = await Promise.all([connectChat(t.url, carol), connectChat(t.url, bob)])
    open.push(c, b)
    for (const s of [c, b]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
    const rec = record(c)
    const dropped = new Promise((resolve) => c.once('disconnect', resolve))
    c.io.engine.close()
    await dropped
    await serverSockets(1)
    const admin = await loginAs(t, { roles: ['admin'] })
    expect((await admin.patch(`/api/v1/users/${carol.user!.id}`, { councilIds: [councilC] })).status).to.equal(200)
    expect((await ask(b, 'message:send', { roomId, text: 'сен кеткенде', clientId: clientId() })).ok).to.equal(true)
    const reconnected = new Promise<void>((resolve) => c.once('connect', () => resolve()))
    c.connect()
    await reconnected
    // A round trip: whatever the server had for this socket has arrived by its answer.
    expect((await ask(c, 'room:join', { roomId })).error.code).to.equal('auth.forbidden')
    expect((await ask(b, 'message:send', { roomId, text: 'тағы бір', clientId: clientId() })).ok).to.equal(true)
    expect((await ask(c, 'room:join', { roomId })).error.code).to.equal('auth.forbidden')
    expect(rec.of('message:new')).to.deep.equal([])
  })

  it('should hand a new connection what it missed after lastMessageId on room:join, without duplicates', async () => {
    const b = await connectChat(t.url, bob)
    open.push(b)
    await ask(b, 'room:join', { roomId })
    let a = await connectChat(t.url, alice)
    const joined = await ask(a, 'room:join', { roomId })
    const last = joined.room.lastMessage.id
    a.close()
    await serverSockets(1)
    const sent = []
    for (const text of ['бірінші', 'екінші', 'үшінші'])
      sent.push((await ask(b, 'message:send', { roomId, text, clientId: clientId() })).message)

    a = await connectChat(t.url, alice)
    open.push(a)
    expect(a.recovered).to.equal(false)
    const rec = record(a)
    const back = await ask(a, 'room:join', { roomId, lastMessageId: last })
    expect(back.ok).to.equal(true)
    expect(back.missed.map((m: any) => m.id)).to.deep.equal(sent.map((m) => m.id))
    expect(back.missedMore).to.equal(false)
    const barrier = nextEvent(a, 'message:new', (p) => p.message.text === 'енді бірге')
    await ask(b, 'message:send', { roomId, text: 'енді бірге', clientId: clientId() })
    await barrier
    expect(rec.of('message:new').map((p) => p.message.text)).to.deep.equal(['енді бірге'])
    // Up to date: nothing missed; a message of another room or an unknown id is refused.
    const newest = (await alice.get(`/api/v1/chat/rooms/${roomId}/messages?limit=1`)).body.items[0].id
    expect((await ask(a, 'room:join', { roomId, lastMessageId: newest })).missed).to.deep.equal([])
    expect((await ask(a, 'room:join', { roomId, lastMessageId: '0123456789abcdef01234567' })).error.code).to.equal(
      'chat.message_not_in_room',
    )
  })
})
