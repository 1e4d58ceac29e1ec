import { expect } from 'chai'
import mongoose from 'mongoose'
import type { Socket } from 'socket.io-client'
import type { Agent } from '../helpers/agent.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginAs } from '../helpers/users.js'
import { ask, clientId, closeAll, connectChat, createCouncil, nextEvent } from './chat.helpers.js'
import { REDIS_SERVER, startRedis, startServerProcess, type Child } from '../helpers/processes.js'

/**
 * Scale-out: two server processes on one database, joined by a real redis-server through the
 * socket.io Redis adapter. Process A runs in this test process (its embedded engine is the
 * shared database); process B is a child running server/main.ts.
 */
describe('socket.io /chat across two processes (Redis adapter)', function () {
  this.timeout(90_000)
  let redis: Child | undefined
  let a: TestServer | undefined
  let b: Child | undefined
  let alice: Agent, bob: Agent
  let roomId: string
  const open: Socket[] = []

  before(async function () {
    if (!REDIS_SERVER) {
      console.warn(
        '      redis-server is not installed (apt-get install redis-server): skipping the two-process chat test',
      )
      return this.skip()
    }
    redis = await startRedis()
    const secret = 'two-process-test-secret-0123456789abcdef'
    a = await startTestServer({ REDIS_URL: redis.url, SESSION_SECRET: secret })
    const { name } = mongoose.connection
    b = await startServerProcess({
      // The engine's own URI (a Unix socket on loopback: any process of this machine can use it).
      MONGODB_URI: a.server.db.uri,
      MONGODB_DB: name,
      REDIS_URL: redis.url,
      SESSION_SECRET: secret,
    })
    const [ca, cb] = await Promise.all([createCouncil(15), createCouncil(16)])
    ;[alice, bob] = await Promise.all([
      loginAs(a, { roles: ['council_member'], councilIds: [ca], displayName: 'Алматы' }),
      loginAs(a, { roles: ['council_member'], councilIds: [cb], displayName: 'Ақтөбе' }),
    ])
    roomId = (await alice.post('/api/v1/chat/rooms', { kind: 'direct', councilIds: [ca, cb] })).body.room.id
  })
  afterEach(() => closeAll(...open.splice(0)))
  after(async () => {
    await b?.stop()
    await a?.close()
    await redis?.stop()
  })

  it('should deliver a message sent on one process to a client of the other, both ways, once', async () => {
    const onA = await connectChat(a!.url, alice)
    const presence = nextEvent(onA, 'presence', (p) => p.userId === bob.user!.id && p.online)
    const onB = await connectChat(b!.url, bob) // the same session cookie, another process
    open.push(onA, onB)
    await presence // presence crosses processes too
    for (const s of [onA, onB]) expect((await ask(s, 'room:join', { roomId })).ok).to.equal(true)
    const received: string[] = []
    onB.on('message:new', (p) => received.push(p.message.id))

    const toB = nextEvent(onB, 'message:new', (p) => p.message.text === 'A → B')
    const sent = await ask(onA, 'message:send', { roomId, text: 'A → B', clientId: clientId() })
    expect((await toB).message).to.deep.equal(sent.message)
    const toA = nextEvent(onA, 'message:new', (p) => p.message.text === 'B → A')
    const back = await ask(onB, 'message:send', { roomId, text: 'B → A', clientId: clientId() })
    expect((await toA).message).to.deep.equal(back.message)
    // A barrier from A after the B → A round: B holds A's first message exactly once.
    const barrier = nextEvent(onB, 'message:new', (p) => p.message.text === 'соңғы')
    await ask(onA, 'message:send', { roomId, text: 'соңғы', clientId: clientId() })
    await barrier
    expect(received.filter((id) => id === sent.message.id)).to.have.length(1)
    const typing = nextEvent(onB, 'typing')
    await ask(onA, 'typing', { roomId })
    expect(await typing).to.deep.equal({ roomId, userId: alice.user!.id, displayName: alice.user!.displayName })
  })

  it('should give a client that moved to the other process what it missed (room:join lastMessageId)', async () => {
    const onA = await connectChat(a!.url, alice)
    const bobOnA = await connectChat(a!.url, bob)
    open.push(onA, bobOnA)
    const joined = await ask(bobOnA, 'room:join', { roomId })
    bobOnA.close() // bob's connection drops; the load balancer sends him to process B next
    const missed = [
      await ask(onA, 'message:send', { roomId, text: 'сен жоқта 1', clientId: clientId() }),
      await ask(onA, 'message:send', { roomId, text: 'сен жоқта 2', clientId: clientId() }),
    ]
    const onB = await connectChat(b!.url, bob)
    open.push(onB)
    const back = await ask(onB, 'room:join', { roomId, lastMessageId: joined.room.lastMessage.id })
    expect(back.missed.map((m: any) => m.id)).to.deep.equal(missed.map((x) => x.message.id))
  })
})
